"""Helpers every command module shares. Command modules import this, never `jixiao.cli.main`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from assistant.checks.grading import GradingConfig
    from core.settings import Settings
    from vectorstore.knowledge_base import KnowledgeBase


def err_console() -> Console:
    """Where messages to the person at the terminal go (stderr, so stdout stays machine-readable)."""
    return Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    """The process's settings (environment and .env): read here, at the top, and passed down."""
    from core.settings import get_settings

    return get_settings()


def grading(code: int = 2) -> GradingConfig | None:
    """The grade mapping the settings name (JIXIAO_GRADING_FILE), None for the packaged one.

    The checks read no settings: the CLI passes this down. A bad file exits with a Chinese message."""
    from assistant.checks.grading import load_grading

    grading_file = settings().grading_file
    if grading_file is None:
        return None
    try:
        return load_grading(grading_file)
    except Exception as exc:  # noqa: BLE001  a bad grading file is the user's to fix
        err_console().print(f"[red]等级映射文件“{grading_file}”无法读取或格式不正确，请检查后重试。[/red]")
        raise typer.Exit(code) from exc


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
