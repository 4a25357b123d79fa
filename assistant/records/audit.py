"""The append-only, tamper-evident audit log: who did what, when, and what changed.

There is deliberately no update or delete function. Three guards keep the log as written:
- the ORM refuses to flush a changed or deleted AuditEntry and refuses bulk UPDATE/DELETE statements;
- a database trigger refuses UPDATE and DELETE on the table, whatever the client (raw SQL included);
- each row carries `prev_hash` (the hash of the row before it) and `hash` = sha256 over `prev_hash` and the
  row's content, so editing, removing or inserting a row anywhere but at the end breaks the chain, which
  `verify_audit_chain` reports (`jixiao audit verify`).

Appends are serialised: on SQLite every writing transaction holds the write lock from its start
(BEGIN IMMEDIATE); on PostgreSQL an advisory transaction lock is taken before the chain head is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from assistant.records.models import AuditEntry, as_utc, utcnow

GENESIS = ""  # prev_hash of the first row
_PG_AUDIT_LOCK = 0x6A697861  # any constant shared by all appenders


class AuditLogImmutable(RuntimeError):
    """Raised when code tries to change or remove an audit entry (a bug, never user input)."""


def _canonical_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """The details exactly as the JSON column will hand them back (so the hash can be recomputed)."""
    return json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))


def _moment(at: datetime) -> str:
    moment = as_utc(at)
    assert moment is not None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    submission_id: int | None,
    details: dict[str, Any],
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": _moment(at),
            "actor": actor,
            "action": action,
            "submission_id": submission_id,
            "details": details,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _chain_head(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_AUDIT_LOCK})
    head = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return head or GENESIS


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    submission_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, chained to the one before; committed together with the change it describes."""
    prev_hash = _chain_head(session)  # also flushes earlier appends of this session, keeping id order
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        submission_id=submission_id,
        details=_canonical_details(details),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(
        prev_hash=prev_hash,
        at=entry.at,
        actor=actor,
        action=action,
        submission_id=submission_id,
        details=entry.details,
    )
    session.add(entry)
    session.flush()  # the next append reads this row as the chain head
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
            "at": _moment(row.at),
            "actor": row.actor,
            "action": row.action,
            "submission_id": row.submission_id,
            "details": row.details,
        }
        for row in rows
    ]


@dataclass
class AuditVerification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)  # Chinese, one per broken link
    first_bad_id: int | None = None
    head: str = GENESIS  # the last row's hash: record it elsewhere and pass it back as `anchor` later

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"审计日志完整：共 {self.checked} 条，哈希链逐条核对一致；当前链头哈希 {self.head}。"
        where = f"，最早在第 {self.first_bad_id} 条" if self.first_bad_id is not None else ""
        return f"审计日志已被篡改：共核对 {self.checked} 条，发现 {len(self.problems)} 处异常{where}。"


def verify_audit_chain(
    session: Session, *, anchor: str | None = None, batch: int = 2000
) -> AuditVerification:
    """Recompute every row's hash in id order and check each row points at the row before it.

    The chain alone cannot tell a log rewritten from its first row on by someone with write access to
    the database; `anchor`, a head hash recorded earlier outside the database, must still be in the chain
    (else that part of the log was rewritten or cut off)."""
    result = AuditVerification()
    anchor_seen = anchor is None
    expected_prev = GENESIS
    last_id = 0
    columns = (
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.submission_id,
        AuditEntry.details,
        AuditEntry.prev_hash,
        AuditEntry.hash,
    )
    while True:
        rows = session.execute(
            select(*columns).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            if not anchor_seen:
                result.problems.append(
                    f"此前记录的链头哈希 {(anchor or '')[:16]}… 不在审计日志中：该点之前的日志已被改写或截断"
                )
            result.head = expected_prev
            return result
        for row in rows:
            result.checked += 1
            recomputed = entry_hash(
                prev_hash=expected_prev,
                at=row.at,
                actor=row.actor,
                action=row.action,
                submission_id=row.submission_id,
                details=row.details or {},
            )
            problem = None
            if row.prev_hash != expected_prev:
                problem = f"第 {row.id} 条的前序哈希与上一条不符（上一条被删除、插入或改动）"
            elif row.hash != recomputed:
                problem = f"第 {row.id} 条的内容与其哈希不符（该条被改动）"
            if problem:
                result.problems.append(problem)
                if result.first_bad_id is None:
                    result.first_bad_id = row.id
            expected_prev = row.hash or ""
            last_id = row.id
            anchor_seen = anchor_seen or row.hash == anchor


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
