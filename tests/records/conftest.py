"""Records tests run on SQLite and PostgreSQL (`db_url`, tests/conftest.py); the starter index fixture
comes from tests/support/review_env.py."""

from support.review_env import starter_index  # noqa: F401
