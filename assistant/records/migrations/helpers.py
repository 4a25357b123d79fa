"""Building blocks for the revisions: create or add only what is missing.

Databases made before the migrations existed were built by `create_all` at whatever code version ran
then, so they may already hold some of the tables and columns revisions 0001–0003 add. Those revisions
therefore create a table, column or index only when it is not there yet; running them over such a database
is safe and brings it to the same shape as a database built by the revisions from empty."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op


def tables() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def indexes(table: str) -> set[str]:
    return {str(i["name"]) for i in sa.inspect(op.get_bind()).get_indexes(table) if i.get("name")}


def create_table_if_missing(
    name: str, *items: sa.schema.SchemaItem, index: Iterable[tuple[str, list[str], bool]] = ()
) -> bool:
    """Create the table and its indexes (name, columns, unique) unless it exists; True if created.
    Indexes of an existing table are added when missing."""
    created = name not in tables()
    if created:
        op.create_table(name, *items)
    present = indexes(name)
    for index_name, cols, unique in index:
        if index_name not in present:
            op.create_index(index_name, name, cols, unique=unique)
    return created


def add_column_if_missing(table: str, column: sa.Column) -> bool:
    if column.name in columns(table):
        return False
    op.add_column(table, column)
    return True
