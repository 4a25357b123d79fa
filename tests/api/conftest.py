"""Service-test fixtures (see tests/support/review_env.py)."""

from support.review_env import review_env, starter_index  # noqa: F401
