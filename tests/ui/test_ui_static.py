"""Fast checks of the static web UI: served by the app itself, every asset resolves, nothing external."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.ui import STATIC_DIR, mount_ui

IMPORT_RE = re.compile(r"""^\s*import\s+(?:[\w*{}\s,]+\s+from\s+)?["'](\.{1,2}/[^"']+)["']""", re.MULTILINE)
ASSET_RE = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")
EXTERNAL_RE = re.compile(r"""(?:https?:)?//(?!www\.w3\.org/2000/svg)[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    mount_ui(app)
    return TestClient(app)


def _static_files(*suffixes: str) -> list[Path]:
    # vendor/ holds third-party files installed by scripts/setup.sh (ECharts), not the app's own modules
    return sorted(
        p
        for p in STATIC_DIR.rglob("*")
        if p.suffix in suffixes and "vendor" not in p.relative_to(STATIC_DIR).parts
    )


def test_index_is_served_at_root_with_a_same_origin_policy(client: TestClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert "绩效目标审核助手" in resp.text
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


def test_every_asset_the_page_references_is_served(client: TestClient) -> None:
    index = client.get("/").text
    assets = ASSET_RE.findall(index)
    assert "/static/js/app.js" in assets and "/static/css/app.css" in assets
    for asset in assets:
        resp = client.get(asset)
        assert resp.status_code == 200, asset
    js = client.get("/static/js/app.js")
    assert js.headers["content-type"].split(";")[0] in {"text/javascript", "application/javascript"}


def test_every_module_import_resolves_to_a_served_file(client: TestClient) -> None:
    modules = _static_files(".js")
    assert len(modules) >= 8, "the UI is split into small modules"
    for module in modules:
        for spec in IMPORT_RE.findall(module.read_text(encoding="utf-8")):
            target = (module.parent / spec).resolve()
            assert target.is_file(), f"{module.name} imports missing {spec}"
            url = "/static/" + target.relative_to(STATIC_DIR).as_posix()
            assert client.get(url).status_code == 200, url


def test_no_cdn_and_no_web_fonts() -> None:
    for path in _static_files(".html", ".css", ".js"):
        text = path.read_text(encoding="utf-8")
        assert not EXTERNAL_RE.search(text), f"{path.name} references an external host"
        assert "@import" not in text and "@font-face" not in text, path.name
    css = (STATIC_DIR / "css" / "app.css").read_text(encoding="utf-8")
    assert '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC"' in css


def test_modules_stay_small() -> None:
    for path in _static_files(".js", ".css"):
        lines = path.read_text(encoding="utf-8").count("\n")
        limit = 420 if path.suffix == ".css" else 300
        assert lines <= limit, f"{path.name} has {lines} lines"


def test_unknown_static_file_is_404(client: TestClient) -> None:
    assert client.get("/static/js/nope.js").status_code == 404
