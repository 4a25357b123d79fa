"""Records: users and hashed tokens, the append-only audit log, on a real SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update

from assistant.auth import Permission, Role, has_permission, parse_role
from assistant.records import (
    ApiToken,
    AuditEntry,
    AuditLogImmutable,
    create_user,
    issue_token,
    list_audit,
    open_records,
    record_audit,
    revoke_tokens,
    session_scope,
    user_for_token,
)
from core.errors import UserError
from core.settings import Settings


@pytest.fixture()
def factory(tmp_data_dir):
    return open_records(Settings(data_dir=tmp_data_dir))


def test_sqlite_runs_in_wal_mode(factory):
    with session_scope(factory) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"


def test_token_is_shown_once_and_stored_hashed(factory):
    with session_scope(factory) as session:
        create_user(session, username="wang", role="reviewer", display_name="王审核")
        token = issue_token(session, username="wang")
    secret = token.split(".", 1)[1]
    with session_scope(factory) as session:
        stored = session.scalars(select(ApiToken)).one()
        assert secret not in (stored.secret_sha256, stored.key_id)
        assert len(stored.secret_sha256) == 64
        assert user_for_token(session, token).username == "wang"
        assert user_for_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert user_for_token(session, "garbage") is None


def test_revoked_token_no_longer_authenticates(factory):
    with session_scope(factory) as session:
        create_user(session, username="li", role="submitter")
        token = issue_token(session, username="li")
    with session_scope(factory) as session:
        assert revoke_tokens(session, username="li") == 1
    with session_scope(factory) as session:
        assert user_for_token(session, token) is None


def test_user_errors_are_chinese(factory):
    with session_scope(factory) as session:
        create_user(session, username="zhao", role="审批人")
    with pytest.raises(UserError, match="已存在"), session_scope(factory) as session:
        create_user(session, username="zhao", role="approver")
    with pytest.raises(UserError, match="未知角色"), session_scope(factory) as session:
        create_user(session, username="qian", role="boss")
    with pytest.raises(UserError, match="不存在"), session_scope(factory) as session:
        issue_token(session, username="nobody")


def test_roles_and_permissions():
    assert parse_role("审核人员") is Role.reviewer
    assert parse_role(" Admin ") is Role.admin
    with pytest.raises(ValueError, match="未知角色"):
        parse_role("guest")


def test_review_and_approval_belong_to_different_roles(factory):
    with session_scope(factory) as session:
        users = {r: create_user(session, username=f"u_{r.value}", role=r) for r in Role}
        approvers = {r for r, u in users.items() if has_permission(u, Permission.approve)}
        reviewers = {r for r, u in users.items() if has_permission(u, Permission.review)}
        managers = {r for r, u in users.items() if has_permission(u, Permission.manage_users)}
    assert approvers == {Role.approver} and reviewers == {Role.reviewer} and managers == {Role.admin}


def test_audit_log_is_append_only(factory):
    with session_scope(factory) as session:
        record_audit(session, actor="wang", action="review.edit", submission_id=7, details={"version": 2})
        record_audit(session, actor="li", action="submission.create", submission_id=8)
    with pytest.raises(AuditLogImmutable), session_scope(factory) as session:
        session.scalars(select(AuditEntry)).first().action = "tampered"
    with pytest.raises(AuditLogImmutable), session_scope(factory) as session:
        session.delete(session.scalars(select(AuditEntry)).first())
    with pytest.raises(AuditLogImmutable), session_scope(factory) as session:
        session.execute(update(AuditEntry).values(actor="x"))
    with pytest.raises(AuditLogImmutable), session_scope(factory) as session:
        session.execute(delete(AuditEntry))
    with session_scope(factory) as session:
        entries = list_audit(session, submission_id=7)
        assert [(e["actor"], e["action"], e["details"]) for e in entries] == [
            ("wang", "review.edit", {"version": 2})
        ]
        assert len(list_audit(session)) == 2
