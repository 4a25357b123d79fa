"""Request dependencies: the services, a DB session, the current user, and permissions as dependencies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.state import AppServices
from assistant.auth import PERMISSION_ZH, Permission, has_permission, role_zh
from assistant.records import User, read_scope, user_for_token
from core.errors import Forbidden, Unauthorized


async def get_services(request: Request) -> AppServices:
    return request.app.state.services


ServicesDep = Annotated[AppServices, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """A read-only session per request. Changes go through `records.transaction` (one locked, retried
    transaction per state change), never through this session."""
    with read_scope(services.session_factory) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="jixiao users token NAME 生成的令牌")


def _verify_token(services: AppServices, token: str) -> User | None:
    """The token's user, read from the database on every request (a revoked token fails at once), in its
    own short read session and returned detached (attributes loaded)."""
    with read_scope(services.session_factory) as session:
        return user_for_token(session, token)


async def get_current_user(
    services: ServicesDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("未登录：请在请求头提供 Authorization: Bearer <令牌>。")
    user = await run_in_threadpool(_verify_token, services, credentials.credentials)
    if user is None:
        raise Unauthorized("令牌无效、已撤销或用户已停用，请重新申请令牌。", code="invalid_token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(permission: Permission) -> Callable[[User], User]:
    """A dependency that passes the current user through only if their role has `permission`."""

    async def _check(user: CurrentUser) -> User:
        if not has_permission(user, permission):
            raise Forbidden(
                f"当前角色（{role_zh(user.role)}）无权{PERMISSION_ZH[permission]}。",
                details={"required": permission.value, "role": user.role},
            )
        return user

    return _check


Submitter = Annotated[User, Depends(require(Permission.submit))]
Staff = Annotated[User, Depends(require(Permission.view_all))]
Reviewer = Annotated[User, Depends(require(Permission.review))]
Approver = Annotated[User, Depends(require(Permission.approve))]
DocAdmin = Annotated[User, Depends(require(Permission.manage_docs))]
