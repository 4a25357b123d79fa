"""事前绩效评估 records: one assessment per submission (the reviewer's scores, comments, conclusion and
adjusted budget, with the evidence as it stood when saved), versioned so two reviewers cannot overwrite
each other silently; every save is written to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.records.audit import record_audit
from assistant.records.models import Base, utcnow
from core.errors import Conflict


class AssessmentRecord(Base):
    __tablename__ = "exante_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # assistant.exante.Assessment JSON
    conclusion: Mapped[str | None] = mapped_column(String(16), default=None)
    adjusted_budget_yuan: Mapped[float | None] = mapped_column(Float, default=None)
    total_score: Mapped[float | None] = mapped_column(Float, default=None)
    status: Mapped[str] = mapped_column(String(8), default="draft")  # draft / final
    assessor: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def get_assessment(session: Session, submission_id: int) -> AssessmentRecord | None:
    return session.scalar(select(AssessmentRecord).where(AssessmentRecord.submission_id == submission_id))


def assessed_ids(session: Session) -> dict[int, AssessmentRecord]:
    return {r.submission_id: r for r in session.scalars(select(AssessmentRecord))}


def save_assessment(
    session: Session,
    *,
    submission_id: int,
    data: dict[str, Any],
    conclusion: str | None,
    adjusted_budget_yuan: float | None,
    total_score: float | None,
    status: str,
    actor: str,
    expected_version: int | None = None,
) -> AssessmentRecord:
    """Create or update the submission's assessment. `expected_version` (the version the reviewer edited)
    refuses a save over someone else's newer one with Conflict (409)."""
    record = get_assessment(session, submission_id)
    current = record.version if record else 0
    if expected_version is not None and expected_version != current:
        raise Conflict(
            f"申报 #{submission_id} 的事前绩效评估已被他人修改（当前第{current}版，"
            f"您编辑的是第{expected_version}版），请刷新后在最新版本上修改。",
            code="assessment_version_conflict",
        )
    if record is None:
        record = AssessmentRecord(submission_id=submission_id, data=data, assessor=actor, version=1)
        session.add(record)
    else:
        record.version += 1
    record.data = data
    record.conclusion = conclusion
    record.adjusted_budget_yuan = adjusted_budget_yuan
    record.total_score = total_score
    record.status = status
    record.assessor = actor
    record.updated_at = utcnow()
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="exante.save",
        submission_id=submission_id,
        details={
            "version": record.version,
            "status": status,
            "conclusion": conclusion,
            "adjusted_budget_yuan": adjusted_budget_yuan,
            "total_score": total_score,
        },
    )
    return record
