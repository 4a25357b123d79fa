"""Users and API tokens. A token is shown once; only sha256 of its random secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.auth import Role, parse_role
from assistant.records.audit import record_audit
from assistant.records.models import ApiToken, User, utcnow
from core.errors import UserError

TOKEN_PREFIX = "jx_"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_user(
    session: Session,
    *,
    username: str,
    role: Role | str,
    display_name: str | None = None,
    actor: str = "system",
) -> User:
    name = (username or "").strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise UserError(f"用户名“{username}”无效：不能为空、不能含空白，最长64个字符。", code="bad_username")
    resolved = role if isinstance(role, Role) else _role_or_error(role)
    if get_user(session, name) is not None:
        raise UserError(f"用户“{name}”已存在。", code="user_exists")
    user = User(username=name, display_name=(display_name or name).strip(), role=resolved.value)
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="user.create",
        details={"username": name, "role": resolved.value, "display_name": user.display_name},
    )
    return user


def _role_or_error(raw: str) -> Role:
    try:
        return parse_role(raw)
    except ValueError as exc:
        raise UserError(str(exc), code="bad_role") from exc


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def issue_token(session: Session, *, username: str, actor: str = "system") -> str:
    """A new bearer token for the user; the plain token is returned once and never stored."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"用户“{username}”不存在。", code="user_not_found")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    session.add(ApiToken(key_id=key_id, secret_sha256=_sha256(secret), user_id=user.id))
    record_audit(session, actor=actor, action="token.issue", details={"username": username, "key_id": key_id})
    return f"{TOKEN_PREFIX}{key_id}.{secret}"


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, malformed)."""
    if not token or not token.startswith(TOKEN_PREFIX) or "." not in token:
        return None
    key_id, _, secret = token[len(TOKEN_PREFIX) :].partition(".")
    row = session.scalar(select(ApiToken).where(ApiToken.key_id == key_id))
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.secret_sha256, _sha256(secret)):
        return None
    return row.user if row.user.active else None


def revoke_tokens(session: Session, *, username: str, actor: str = "system") -> int:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"用户“{username}”不存在。", code="user_not_found")
    active = [t for t in user.tokens if t.revoked_at is None]
    for token in active:
        token.revoked_at = utcnow()
    record_audit(
        session, actor=actor, action="token.revoke", details={"username": username, "count": len(active)}
    )
    return len(active)
