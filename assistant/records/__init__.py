"""Review records: SQLAlchemy models, the session factory, users/tokens and the append-only audit log."""

from assistant.records.audit import AuditLogImmutable, list_audit, record_audit
from assistant.records.db import init_db, make_engine, make_session_factory, open_records, session_scope
from assistant.records.models import (
    ApiToken,
    AuditEntry,
    Base,
    Conversation,
    IngestJob,
    Message,
    PrecheckRecord,
    ReviewRecord,
    ReviewVersion,
    SubmissionRecord,
    User,
)
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
    "AuditEntry",
    "AuditLogImmutable",
    "Base",
    "Conversation",
    "IngestJob",
    "Message",
    "PrecheckRecord",
    "ReviewRecord",
    "ReviewVersion",
    "SubmissionRecord",
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
    "record_audit",
    "revoke_tokens",
    "session_scope",
    "user_for_token",
]
