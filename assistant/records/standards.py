"""The 支出标准 library the service checks against (formats.md §5): one row per standard, with its region,
year, 依据 and where it was imported from. Imports upsert by (事项, 计量单位, 地区, 年度); every change is
written to the audit log. The checks never read this table themselves: callers load `library(session)` and
pass it to `check_submission(..., standards=...)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.records.audit import record_audit
from assistant.records.models import Base, utcnow
from core.errors import NotFound, UserError
from core.models import Standard


class StandardRecord(Base):
    __tablename__ = "cost_standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(256), index=True)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    unit: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(8), default="上限")
    region: Mapped[str | None] = mapped_column(String(128), default=None)
    year: Mapped[int | None] = mapped_column(default=None)
    basis: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(String(512), default=None)
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def to_standard(self) -> Standard:
        return Standard(
            id=self.id,
            item=self.item,
            keywords=list(self.keywords or []),
            unit=self.unit,
            value=self.value,
            kind=self.kind,
            region=self.region,
            year=self.year,
            basis=self.basis,
            source=self.source,
        )


class StandardNotFound(NotFound):
    def __init__(self, standard_id: int):
        super().__init__(
            f"支出标准（编号 {standard_id}）不存在，可能已被删除，请刷新列表。", code="standard_not_found"
        )


def _key(s: Standard | StandardRecord) -> tuple[str, str, str, int | None]:
    return (s.item, s.unit, s.region or "", s.year)


def list_standards(session: Session) -> list[StandardRecord]:
    return list(session.scalars(select(StandardRecord).order_by(StandardRecord.item, StandardRecord.id)))


def library(session: Session) -> tuple[Standard, ...]:
    """Every stored standard, as the checks take them."""
    return tuple(r.to_standard() for r in list_standards(session))


def get_standard(session: Session, standard_id: int) -> StandardRecord:
    record = session.get(StandardRecord, standard_id)
    if record is None:
        raise StandardNotFound(standard_id)
    return record


def _check_unique(session: Session, standard: Standard, own_id: int | None = None) -> None:
    for other in list_standards(session):
        if other.id != own_id and _key(other) == _key(standard):
            where = f"{standard.region or '所有地区'}、{standard.year or '不限年度'}"
            raise UserError(
                f"已有相同事项和计量单位的支出标准（“{standard.item}”{standard.unit}，{where}，"
                f"编号 {other.id}），请直接修改该条。",
                code="standard_duplicate",
            )


def _apply(record: StandardRecord, standard: Standard, actor: str) -> None:
    record.item = standard.item
    record.keywords = list(standard.keywords)
    record.unit = standard.unit
    record.value = standard.value
    record.kind = standard.kind
    record.region = standard.region
    record.year = standard.year
    record.basis = standard.basis
    record.source = standard.source
    record.updated_by = actor
    record.updated_at = utcnow()


def _summary(s: Standard | StandardRecord) -> dict[str, Any]:
    return {
        "item": s.item,
        "unit": s.unit,
        "value": s.value,
        "kind": s.kind,
        "region": s.region,
        "year": s.year,
    }


def add_standard(session: Session, standard: Standard, *, actor: str) -> StandardRecord:
    _check_unique(session, standard)
    record = StandardRecord()
    _apply(record, standard, actor)
    session.add(record)
    session.flush()
    record_audit(session, actor=actor, action="standard.add", details={"id": record.id, **_summary(record)})
    return record


def update_standard(session: Session, standard_id: int, standard: Standard, *, actor: str) -> StandardRecord:
    record = get_standard(session, standard_id)
    _check_unique(session, standard, own_id=standard_id)
    before = _summary(record)
    _apply(record, standard, actor)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="standard.update",
        details={"id": standard_id, "before": before, "after": _summary(record)},
    )
    return record


def delete_standard(session: Session, standard_id: int, *, actor: str) -> None:
    record = get_standard(session, standard_id)
    details = {"id": standard_id, **_summary(record)}
    session.delete(record)
    session.flush()
    record_audit(session, actor=actor, action="standard.delete", details=details)


def import_standards(
    session: Session,
    standards: Iterable[Standard],
    *,
    actor: str,
    source: str | None = None,
    replace: bool = False,
) -> dict[str, int]:
    """Upsert by (事项, 计量单位, 地区, 年度); with `replace`, standards not in the file are removed.
    Returns the counts {"added", "updated", "removed"}."""
    existing = {_key(r): r for r in list_standards(session)}
    incoming: dict[tuple[str, str, str, int | None], Standard] = {}
    for s in standards:
        incoming.setdefault(_key(s), s)
    added = updated = removed = 0
    for key, standard in incoming.items():
        record = existing.get(key)
        if record is None:
            record = StandardRecord()
            session.add(record)
            added += 1
        else:
            updated += 1
        _apply(record, standard, actor)
    if replace:
        for key, record in existing.items():
            if key not in incoming:
                session.delete(record)
                removed += 1
    session.flush()
    counts = {"added": added, "updated": updated, "removed": removed}
    record_audit(session, actor=actor, action="standards.import", details={"source": source, **counts})
    return counts
