"""Service-test fixtures (see tests/support/review_env.py). `review_env` runs each test on SQLite and on
PostgreSQL (tests/conftest.py parametrises `db_url`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.review_env import ReviewEnv, build_env, starter_index  # noqa: F401


@pytest.fixture()
def review_env(tmp_data_dir: Path, starter_index: Path, db_url: str | None) -> Iterator[ReviewEnv]:  # noqa: F811
    env = build_env(tmp_data_dir, starter_index, database_url=db_url)
    yield env
    env.app.state.services.close()
