"""Roles, permissions and who may see what. Pure functions over records; no HTTP here."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # records import this module for roles; only the type names are needed here
    from assistant.records.models import SubmissionRecord, User


class Role(StrEnum):
    submitter = "submitter"
    reviewer = "reviewer"
    approver = "approver"
    admin = "admin"


class Permission(StrEnum):
    submit = "submit"
    view_all = "view_all"
    review = "review"  # draft, edit, return an opinion
    approve = "approve"
    manage_docs = "manage_docs"
    manage_users = "manage_users"


ROLE_ZH: dict[Role, str] = {
    Role.submitter: "提交单位",
    Role.reviewer: "审核人员",
    Role.approver: "审批人",
    Role.admin: "管理员",
}

# Separation of duties (审核与审批分离): reviewers draft, edit and return opinions; approvers approve them
# (and the workflow refuses an approval by anyone who drafted or edited that opinion); the admin manages
# documents and users and can read everything, but decides nothing.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.submitter: frozenset({Permission.submit}),
    Role.reviewer: frozenset({Permission.submit, Permission.view_all, Permission.review}),
    Role.approver: frozenset({Permission.submit, Permission.view_all, Permission.approve}),
    Role.admin: frozenset(
        {Permission.submit, Permission.view_all, Permission.manage_docs, Permission.manage_users}
    ),
}

PERMISSION_ZH: dict[Permission, str] = {
    Permission.submit: "提交绩效目标",
    Permission.view_all: "查看全部申报",
    Permission.review: "起草、修改或退回审核意见",
    Permission.approve: "审批通过审核意见",
    Permission.manage_docs: "管理政策文件",
    Permission.manage_users: "管理用户",
}


def parse_role(raw: str) -> Role:
    """The English name or the Chinese label (审核人员 …); ValueError with a Chinese message otherwise."""
    value = (raw or "").strip()
    for role in Role:
        if value.lower() == role.value or value == ROLE_ZH[role]:
            return role
    choices = "、".join(f"{r.value}（{ROLE_ZH[r]}）" for r in Role)
    raise ValueError(f"未知角色“{raw}”，可选：{choices}")


def permissions_of(role: Role | str) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[Role(role)]


def has_permission(user: User, permission: Permission) -> bool:
    return user.active and permission in permissions_of(user.role)


def can_view_submission(user: User, record: SubmissionRecord) -> bool:
    """Staff see everything; a submitter sees only what they submitted."""
    return has_permission(user, Permission.view_all) or record.submitter_id == user.id


def role_zh(role: Role | str) -> str:
    return ROLE_ZH[Role(role)]
