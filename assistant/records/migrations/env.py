"""Alembic environment for developers running the `alembic` command by hand, e.g. to draft a revision:
an alembic.ini with `script_location = assistant/records/migrations` and `sqlalchemy.url = …`. The
application and `jixiao db upgrade` do not use this file: they run the revisions through
assistant.records.migrations, inside their own locked transaction."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from assistant.records.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("alembic.ini 中须设置 sqlalchemy.url（记录数据库地址）")
    with create_engine(url).begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
