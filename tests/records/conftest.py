"""Records tests run on SQLite and PostgreSQL (`db_url`, tests/conftest.py); the app fixtures come from
tests/support/review_env.py (`review_env` here uses the test's database, as in tests/api)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.review_env import ReviewEnv, build_env, starter_index  # noqa: F401


@pytest.fixture()
def review_env(tmp_data_dir: Path, starter_index: Path, db_url: str | None) -> Iterator[ReviewEnv]:  # noqa: F811
    env = build_env(tmp_data_dir, starter_index, database_url=db_url)
    yield env
    env.app.state.services.close()
