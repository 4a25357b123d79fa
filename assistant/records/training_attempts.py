"""培训练习 attempts: each trainee's scored answers, kept so their progress can be shown (best and latest
score per case, the defect codes they keep missing)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.records.models import Base, User, utcnow


class TrainingAttempt(Base):
    __tablename__ = "training_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[int]
    precision: Mapped[float] = mapped_column(Float)
    recall: Mapped[float] = mapped_column(Float)
    correct: Mapped[int]
    incorrect: Mapped[int]
    missed: Mapped[int]
    total_findings: Mapped[int]
    marks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    missed_codes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def record_attempt(session: Session, *, user: User, case_id: str, score: dict[str, Any]) -> TrainingAttempt:
    """Store one scored answer (a TrainingScore as JSON)."""
    attempt = TrainingAttempt(
        user_id=user.id,
        case_id=case_id,
        score=int(score["score"]),
        precision=float(score["precision"]),
        recall=float(score["recall"]),
        correct=int(score["correct"]),
        incorrect=int(score["incorrect"]),
        missed=int(score["missed"]),
        total_findings=int(score["total_findings"]),
        marks=[
            {"indicator": m["indicator"], "code": m["code"], "correct": m["correct"]} for m in score["marks"]
        ],
        missed_codes=[f["code"] for f in score["missed_findings"]],
    )
    session.add(attempt)
    session.flush()
    return attempt


def attempts_of(session: Session, user_id: int) -> list[TrainingAttempt]:
    """A trainee's attempts, oldest first."""
    return list(
        session.scalars(
            select(TrainingAttempt).where(TrainingAttempt.user_id == user_id).order_by(TrainingAttempt.id)
        )
    )


def all_attempts(session: Session) -> list[tuple[TrainingAttempt, User]]:
    rows = session.execute(
        select(TrainingAttempt, User)
        .join(User, User.id == TrainingAttempt.user_id)
        .order_by(TrainingAttempt.id)
    )
    return [(a, u) for a, u in rows]
