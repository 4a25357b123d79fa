"""Helpers every command module shares. Command modules import this, never `jixiao.cli.main`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from core.settings import Settings
    from vectorstore.knowledge_base import KnowledgeBase


def err_console() -> Console:
    """Where messages to the person at the terminal go (stderr, so stdout stays machine-readable)."""
    return Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    """The process's settings (environment and .env): read here, at the top, and passed down."""
    from core.settings import get_settings

    return get_settings()


@contextmanager
def user_errors(code: int = 1) -> Iterator[None]:
    """Show a UserError as one red Chinese line and exit with `code` (never a traceback)."""
    from core.errors import UserError

    try:
        yield
    except UserError as exc:
        err_console().print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code) from None


def open_kb(status: Console | None = None) -> KnowledgeBase:
    """Open the knowledge base with the process's settings (a spinner on `status` while the model loads)."""
    from vectorstore.knowledge_base import KnowledgeBase

    if status is None:
        return KnowledgeBase.open(settings())
    with status.status("正在加载知识库与向量模型…"):
        return KnowledgeBase.open(settings())
