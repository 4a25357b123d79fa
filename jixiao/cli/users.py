"""`jixiao users add|list|token|revoke`: accounts and API tokens (a token is printed once)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from jixiao.cli.common import settings, user_errors

users_app = typer.Typer(
    help="用户与访问令牌：添加用户、查看用户、生成令牌（只显示一次）。", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


@contextmanager
def _records() -> Iterator:
    """A records session; a user-facing error becomes a red Chinese message and exit code 1."""
    from assistant.records import open_records, session_scope

    with user_errors(), session_scope(open_records(settings())) as session:
        yield session


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="用户名（登录名，不含空白）", metavar="用户名")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            "-r",
            help="角色：submitter 提交单位 / reviewer 审核人员 / approver 审批人 / admin 管理员",
            metavar="角色",
        ),
    ] = "reviewer",
    display_name: Annotated[
        str | None, typer.Option("--display-name", "-d", help="显示名（签名栏使用）", metavar="显示名")
    ] = None,
) -> None:
    """添加用户。"""
    from assistant.auth import role_zh
    from assistant.records import create_user

    with _records() as session:
        user = create_user(session, username=name, role=role, display_name=display_name, actor="cli")
        typer.echo(f"已添加用户 {user.username}（{user.display_name}），角色：{role_zh(user.role)}。")


@users_app.command("list")
def list_all() -> None:
    """列出全部用户。"""
    from rich.console import Console
    from rich.table import Table

    from assistant.auth import role_zh
    from assistant.records import list_users

    table = Table("用户名", "显示名", "角色", "状态", "有效令牌数", "创建时间")
    with _records() as session:
        for user in list_users(session):
            active = sum(1 for t in user.tokens if t.revoked_at is None)
            table.add_row(
                user.username,
                user.display_name,
                role_zh(user.role),
                "启用" if user.active else "停用",
                str(active),
                user.created_at.strftime("%Y-%m-%d %H:%M"),
            )
    Console().print(table)


@users_app.command("token")
def new_token(name: Annotated[str, typer.Argument(help="用户名", metavar="用户名")]) -> None:
    """为用户生成新的访问令牌（只显示这一次，请妥善保存）。"""
    from assistant.records import issue_token

    with _records() as session:
        token = issue_token(session, username=name, actor="cli")
    typer.echo(token)
    typer.echo("以上令牌只显示这一次，系统只保存其摘要；遗失后请重新生成。", err=True)


@users_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="用户名", metavar="用户名")]) -> None:
    """撤销用户的全部令牌。"""
    from assistant.records import revoke_tokens

    with _records() as session:
        count = revoke_tokens(session, username=name, actor="cli")
    typer.echo(f"已撤销用户 {name} 的 {count} 个令牌。")
