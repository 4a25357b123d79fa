"""`jixiao serve`: the API under /v1, OpenAPI at /docs, the web UI at /."""

from __future__ import annotations

from typing import Annotated

import typer

from jixiao.cli.common import settings as cli_settings
from jixiao.cli.common import user_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[
        str | None,
        typer.Option("--host", help="监听地址（默认取配置 JIXIAO_HOST，127.0.0.1）", metavar="地址"),
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="端口（默认取配置 JIXIAO_PORT，8000）", metavar="端口")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, help="工作进程数（多核机器可调大；各进程共用同一数据库）", metavar="个数"
        ),
    ] = 1,
) -> None:
    """启动审核助手服务（API、网页界面 /；接口文档 /docs 须在配置中开启 JIXIAO_API_DOCS）。"""
    import uvicorn

    from api.logging import log_config
    from assistant.llm import llm_endpoint

    settings = cli_settings()
    with user_errors(2):  # 数据不出域: an outside model endpoint stops the start with a Chinese message
        llm_endpoint(settings)
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(
        f"审核助手服务：http://{bind_host}:{bind_port}/ （数据目录 {settings.data_dir}，"
        f"{workers} 个工作进程）"
    )
    if workers > 1:
        # the schema is brought up to date here, once, so an unreachable database stops the start with one
        # Chinese message instead of N crashing workers; each worker process then builds its own app (and
        # its own heavy objects) from the same settings. Nothing that decides access is cached per process
        # (tokens are checked in the database on every request) and ingest jobs are leased from the
        # database, so the workers share one state: SQLite in WAL mode on one machine, PostgreSQL beyond.
        from assistant.records.db import init_db, make_engine

        engine = make_engine(settings)
        try:
            with user_errors(2):
                init_db(engine)
        finally:
            engine.dispose()
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=bind_host,
            port=bind_port,
            workers=workers,
            log_config=log_config(settings),
            access_log=False,  # one JSON line per request comes from the app, with its request id
        )
        return
    from api.app import create_app

    with user_errors(2):
        app = create_app(settings)
    uvicorn.run(app, host=bind_host, port=bind_port, log_config=log_config(settings), access_log=False)
