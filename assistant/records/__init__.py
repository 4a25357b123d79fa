"""Review records: SQLAlchemy models, the session factory, users/tokens and the append-only audit log."""

from assistant.records.assessments import AssessmentRecord
from assistant.records.audit import (
    AuditLogImmutable,
    AuditVerification,
    list_audit,
    record_audit,
    verify_audit_chain,
)
from assistant.records.db import (
    init_db,
    make_engine,
    make_session_factory,
    open_records,
    read_scope,
    session_scope,
    transaction,
)
from assistant.records.models import (
    ApiToken,
    AuditEntry,
    Base,
    Conversation,
    IdempotencyKey,
    IngestJob,
    Message,
    PrecheckRecord,
    ReviewRecord,
    ReviewVersion,
    SubmissionRecord,
    User,
)
from assistant.records.standards import StandardRecord
from assistant.records.training_attempts import TrainingAttempt
from assistant.records.users import (
    create_user,
    get_user,
    issue_token,
    list_users,
    revoke_tokens,
    user_for_token,
)

__all__ = [
    "ApiToken",
    "AssessmentRecord",
    "AuditEntry",
    "AuditLogImmutable",
    "AuditVerification",
    "Base",
    "Conversation",
    "IdempotencyKey",
    "IngestJob",
    "Message",
    "PrecheckRecord",
    "ReviewRecord",
    "ReviewVersion",
    "StandardRecord",
    "SubmissionRecord",
    "TrainingAttempt",
    "User",
    "create_user",
    "get_user",
    "init_db",
    "issue_token",
    "list_audit",
    "list_users",
    "make_engine",
    "make_session_factory",
    "open_records",
    "read_scope",
    "record_audit",
    "revoke_tokens",
    "session_scope",
    "transaction",
    "user_for_token",
    "verify_audit_chain",
]
