"""`jixiao db upgrade|current`: the records database's schema revision (Alembic migrations).

The service and every command that opens the records upgrade the schema by themselves at start; `jixiao db
upgrade` does it explicitly (e.g. before starting several workers after an update), `jixiao db current`
only reads (exit code 1 when an upgrade is pending)."""

from __future__ import annotations

import typer

from jixiao.cli.common import settings, user_errors

db_app = typer.Typer(help="记录数据库：结构版本查看与升级（SQLite 或 PostgreSQL）。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade() -> None:
    """把记录数据库升级到本程序的最新结构版本（保留全部数据；已是最新时不做任何改动）。"""
    from assistant.records.db import init_db, make_engine, safe_url, schema_state

    engine = make_engine(settings())
    try:
        with user_errors(2):
            before = schema_state(engine)
            applied = init_db(engine)
            after = schema_state(engine)
    finally:
        engine.dispose()
    typer.echo(f"数据库：{safe_url(engine)}")
    if not applied:
        typer.echo(f"结构版本 {after.current}，已是最新，无需升级。")
        return
    start = before.current or "空库"
    typer.echo(f"已从 {start} 升级到 {after.current}，依次执行：{'、'.join(applied)}。")


@db_app.command("current")
def current() -> None:
    """显示记录数据库当前的结构版本与本程序的最新版本（只读；有待升级版本时退出码为 1）。"""
    from assistant.records.db import make_engine, safe_url, schema_state

    engine = make_engine(settings())
    try:
        with user_errors(2):
            state = schema_state(engine)
    finally:
        engine.dispose()
    typer.echo(f"数据库：{safe_url(engine)}")
    if state.up_to_date:
        typer.echo(f"结构版本 {state.current}（最新）。")
        return
    where = f"结构版本 {state.current}" if state.current else "尚未初始化（无结构版本记录）"
    typer.echo(
        f"{where}，最新为 {state.head}；待执行 {len(state.pending)} 个版本：{'、'.join(state.pending)}。"
        "请运行 jixiao db upgrade（启动服务时也会自动升级）。"
    )
    raise typer.Exit(1)
