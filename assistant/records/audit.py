"""The append-only audit log: who did what, when, and what changed.

There is deliberately no update or delete function. The ORM refuses to flush a changed or
deleted AuditEntry and refuses bulk UPDATE/DELETE statements on the table, so the log stays
append-only even if some other code tries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from assistant.records.models import AuditEntry, as_utc


class AuditLogImmutable(RuntimeError):
    """Raised when code tries to change or remove an audit entry (a bug, never user input)."""


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    submission_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; committed together with the change it describes."""
    entry = AuditEntry(actor=actor, action=action, submission_id=submission_id, details=details or {})
    session.add(entry)
    return entry


def list_audit(
    session: Session, *, submission_id: int | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """Entries oldest first, as `{at, actor, action, submission_id, details}` dicts."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if submission_id is not None:
        query = query.where(AuditEntry.submission_id == submission_id)
    rows = session.scalars(query.limit(limit)).all()
    return [
        {
            "at": as_utc(row.at).isoformat(),
            "actor": row.actor,
            "action": row.action,
            "submission_id": row.submission_id,
            "details": row.details,
        }
        for row in rows
    ]


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogImmutable("审计日志只能追加，不能修改或删除。")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    mapper = state.bind_mapper
    if table is AuditEntry.__table__ or (mapper is not None and mapper.class_ is AuditEntry):
        raise AuditLogImmutable("审计日志只能追加，不能修改或删除。")
