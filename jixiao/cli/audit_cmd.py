"""`jixiao audit verify`: recompute the audit log's hash chain and report any row changed, removed or
inserted behind the application's back (exit code 1 when the log has been tampered with)."""

from __future__ import annotations

from typing import Annotated

import typer

from jixiao.cli.common import err_console, settings, user_errors

audit_app = typer.Typer(help="审计日志：核验哈希链是否完整（是否被改动、删除或插入）。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor", help="此前记录的链头哈希（上次核验输出的最后一行），核对其仍在链中", metavar="哈希"
        ),
    ] = None,
) -> None:
    """逐条重算审计日志的哈希链；完整时输出当前链头哈希（可另行保存，下次以 --anchor 核对）。"""
    from assistant.records import open_records, read_scope, verify_audit_chain

    with user_errors(), read_scope(open_records(settings())) as session:
        result = verify_audit_chain(session, anchor=anchor)
    if not result.ok:
        console = err_console()
        console.print(f"[red]{result.summary()}[/red]")
        for problem in result.problems[:20]:
            console.print(f"[red]- {problem}[/red]")
        raise typer.Exit(1)
    typer.echo(result.summary())
    typer.echo(result.head)
