"""Shared fixtures. Test data is read from ../shared (never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JIXIAO_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set JIXIAO_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def data_dir_shared(shared_dir: Path) -> Path:
    return shared_dir / "data"


@pytest.fixture()
def tmp_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh JIXIAO_DATA_DIR for one test, with the settings cache cleared."""
    from core.settings import get_settings

    d = tmp_path / "var"
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(d))
    for k in (
        "JIXIAO_LLM_BASE_URL",
        "JIXIAO_LLM_MODEL",
        "JIXIAO_LLM_API_KEY",
        "JIXIAO_CHROMA_URL",
        "JIXIAO_DATABASE_URL",
    ):
        monkeypatch.delenv(k, raising=False)
    get_settings.cache_clear()
    yield d
    get_settings.cache_clear()
