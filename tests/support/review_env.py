"""Fixtures for the service tests: a real app (rules-only, tmp data dir, real SQLite and Chroma) whose
knowledge base holds only the starter pack, plus users of every role with their bearer tokens.

The starter pack is indexed once per test session into a template directory; each app gets a copy of
that index, so every test starts from a fresh data dir without paying for the embeddings again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USERS = {  # username: (role, display name)
    "unit1": ("submitter", "常宁市农业农村局"),
    "unit2": ("submitter", "常宁市教育局"),
    "reviewer1": ("reviewer", "李审核"),
    "approver1": ("approver", "王审批"),
    "admin1": ("admin", "系统管理员"),
}


def rules_only_settings(data_dir: Path, **overrides):
    from core.settings import Settings

    values = {
        "data_dir": data_dir,
        "llm_base_url": None,
        "llm_model": None,
        "llm_api_key": None,
        "chroma_url": None,
        "database_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


_built_templates: dict[str, Path] = {}  # one starter index per session, whichever directory asks first


@pytest.fixture(scope="session")
def starter_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose chroma/ and index/ hold the indexed starter pack (built once per session)."""
    from vectorstore.knowledge_base import KnowledgeBase

    session_key = str(tmp_path_factory.getbasetemp())
    if session_key in _built_templates:
        return _built_templates[session_key]
    template = tmp_path_factory.mktemp("starter-template")
    kb = KnowledgeBase.open(rules_only_settings(template))
    from assistant.knowledge import starter_pack_dir

    report = kb.ensure_starter(starter_pack_dir())
    kb.close()
    assert report.ok, report.failed
    _built_templates[session_key] = template
    return template


def seed_starter_index(template: Path, data_dir: Path) -> None:
    for name in ("chroma", "index"):
        if (template / name).exists():
            shutil.copytree(template / name, data_dir / name, dirs_exist_ok=True)


@dataclass
class ReviewEnv:
    app: object
    client: object  # fastapi.testclient.TestClient
    tokens: dict[str, str]
    data_dir: Path

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


def build_env(data_dir: Path, template: Path | None, **overrides) -> ReviewEnv:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.records import create_user, issue_token, session_scope

    data_dir.mkdir(parents=True, exist_ok=True)
    if template is not None:
        seed_starter_index(template, data_dir)
    app = create_app(rules_only_settings(data_dir, **overrides))
    tokens = {}
    with session_scope(app.state.services.session_factory) as session:
        for username, (role, display) in USERS.items():
            create_user(session, username=username, role=role, display_name=display, actor="tests")
            tokens[username] = issue_token(session, username=username, actor="tests")
    return ReviewEnv(
        app=app, client=TestClient(app, raise_server_exceptions=False), tokens=tokens, data_dir=data_dir
    )


@pytest.fixture()
def review_env(tmp_data_dir: Path, starter_index: Path) -> Iterator[ReviewEnv]:
    env = build_env(tmp_data_dir, starter_index)
    yield env
    env.app.state.services.close()


def parse_sse(text: str) -> list[tuple[str, dict]]:
    """(event, data) pairs of a text/event-stream body."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if name:
            events.append((name, json.loads("\n".join(data))))
    return events
