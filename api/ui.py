"""The web UI: a static single-page app served by the API itself (no CDN, no build step).

`mount_ui(app)` serves `index.html` at `/` and every asset under `/static/`. The page talks to the
`/v1/` API with a bearer token kept in the browser's session storage. The few endpoints the page needs
beyond the v1 contract (api/routers/ui_support.py, docs/api.md "UI additions") are registered here too.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.routers import ui_support
from api.security import CONTENT_SECURITY_POLICY

STATIC_DIR = Path(__file__).resolve().parent / "static"
INDEX_FILE = STATIC_DIR / "index.html"


# Some intranet desktops map .js to text/plain in the registry; ES modules then refuse to load.
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")


def mount_ui(app: FastAPI) -> None:
    """Serve the single-page app at `/` and its assets under `/static/`."""

    @app.get("/", include_in_schema=False)
    def ui_index() -> FileResponse:
        return FileResponse(
            INDEX_FILE,
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-cache", "Content-Security-Policy": CONTENT_SECURITY_POLICY},
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(ui_support.router, prefix="/v1")
