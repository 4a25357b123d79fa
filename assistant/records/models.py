"""SQLAlchemy 2 models of the review records: users, tokens, submissions, prechecks, reviews,
the append-only audit log, conversations, document ingest jobs and idempotency keys.

Portable column types only (JSON, DateTime(timezone=True), String, Integer, Text), so the same
models run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, overload

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict] = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))  # submitter / reviewer / approver / admin
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    """A bearer token `jx_<key_id>.<secret>`: only the key id and sha256(secret) are stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    user: Mapped[User] = relationship(back_populates="tokens")


class SubmissionRecord(Base):
    """One stored submission (canonical JSON) with its workflow status and precheck summary."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(128), default=None)
    project: Mapped[str | None] = mapped_column(String(512), default=None)
    unit: Mapped[str | None] = mapped_column(String(512), default=None)
    year: Mapped[int | None] = mapped_column(default=None)
    canonical: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(512), default=None)
    submitter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    grade: Mapped[str | None] = mapped_column(String(4), default=None, index=True)
    findings_count: Mapped[int] = mapped_column(default=0)
    severity_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), default=None)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    diff: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    callback_url: Mapped[str | None] = mapped_column(String(1024), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    submitter: Mapped[User] = relationship()


class PrecheckRecord(Base):
    __tablename__ = "prechecks"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # CheckResult JSON
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewRecord(Base):
    """The 审核意见 of one submission; its history lives in ReviewVersion rows."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True, index=True)
    text: Mapped[str] = mapped_column(Text)
    opinion: Mapped[dict[str, Any]] = mapped_column(JSON)  # ReviewOpinion JSON
    mode: Mapped[str] = mapped_column(String(16))
    mode_label: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    versions: Mapped[list[ReviewVersion]] = relationship(
        back_populates="review", order_by="ReviewVersion.version"
    )


class ReviewVersion(Base):
    __tablename__ = "review_versions"
    __table_args__ = (UniqueConstraint("review_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    version: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))  # draft / edit / approve / return
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    text: Mapped[str] = mapped_column(Text)
    opinion: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)  # the structured opinion then
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    review: Mapped[ReviewRecord] = relationship(back_populates="versions")
    author: Mapped[User] = relationship()


class AuditEntry(Base):
    """Append-only: rows are inserted by assistant.records.audit and never updated or deleted (a database
    trigger refuses both). Each row stores the hash of the row before it and its own hash over that and
    its content, so a changed, removed or inserted row breaks the chain (`verify_audit_chain`)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48), index=True)
    submission_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    hash: Mapped[str | None] = mapped_column(String(64), default=None)


class IdempotencyKey(Base):
    """The stored response of a creating POST sent with an Idempotency-Key header: the same key from the
    same user gets this response again instead of a second record."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(256))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    submission_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    messages: Mapped[list[Message]] = relationship(back_populates="conversation", order_by="Message.id")


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # user / assistant
    text: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class IngestJob(Base):
    """A background ingestion of uploaded policy files, polled by the admin UI; leased by one worker at a
    time (assistant.records.jobs)."""

    __tablename__ = "ingest_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(64))
    # queued / running (leased) / done / failed
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    files: Mapped[list[Any]] = mapped_column(JSON, default=list)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    current: Mapped[str | None] = mapped_column(String(512), default=None)
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    added: Mapped[int] = mapped_column(default=0)
    replaced: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    folder: Mapped[str | None] = mapped_column(String(64), default=None)  # data_dir/uploads/<folder>/
    leased_by: Mapped[str | None] = mapped_column(String(128), default=None)  # the worker holding the job
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # leases taken so far
