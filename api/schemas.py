"""Response shapes of docs/api.md, built from records (presentation only, no domain logic)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assistant.auth import role_zh
from assistant.labels import STATUS_ZH
from assistant.models import SEVERITY_ZH, CheckResult, Location, Severity
from assistant.opinion_render import location_text
from assistant.records import ReviewRecord, SubmissionRecord
from assistant.records.models import as_utc
from assistant.workflow import current_version

TEXT_MAX = 100_000  # a 审核意见 runs to a few thousand characters
COMMENT_MAX = 2_000


VersionField = Field(
    default=None, ge=1, description="所依据的审核意见版本号（与 If-Match 相同）；已变化时返回 409"
)


class DraftBody(BaseModel):
    version: int | None = VersionField


class EditReviewBody(BaseModel):
    text: str = Field(min_length=1, max_length=TEXT_MAX, description="修改后的审核意见全文")
    comment: str | None = Field(default=None, max_length=COMMENT_MAX, description="修改说明")
    version: int | None = VersionField


class ApproveBody(BaseModel):
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    version: int | None = VersionField


class ReturnBody(BaseModel):
    comment: str = Field(min_length=1, max_length=COMMENT_MAX, description="退回修改的意见（必填）")
    version: int | None = VersionField


class ChatBody(BaseModel):
    message: str = Field(min_length=1, max_length=4000)
    conversation_id: int | None = None
    submission_id: int | None = None


def finding_public(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding's JSON with `severity_zh` and `location_text` (第3项指标的指标值, 年度目标 …): the
    words the Word export uses, so the UI never composes them itself."""
    return {
        **finding,
        "severity_zh": SEVERITY_ZH[Severity(finding["severity"])],
        "location_text": location_text(Location.model_validate(finding.get("location") or {})),
    }


def check_result_public(result: CheckResult) -> dict[str, Any]:
    """CheckResult JSON with `severity_zh` and `location_text` beside each finding."""
    data = result.model_dump(mode="json", exclude={"source"})
    data["findings"] = [finding_public(f) for f in data["findings"]]
    return data


def diff_public(diff: dict[str, Any] | None) -> dict[str, Any] | None:
    if not diff:
        return diff
    return {
        **diff,
        "added": [finding_public(f) for f in diff.get("added", [])],
        "resolved": [finding_public(f) for f in diff.get("resolved", [])],
    }


def submission_summary(record: SubmissionRecord, grade_consequence: str | None = None) -> dict[str, Any]:
    return {
        "id": record.id,
        "external_id": record.external_id,
        "project": record.project,
        "unit": record.unit,
        "year": record.year,
        "status": record.status,
        "status_zh": STATUS_ZH[record.status],
        "grade": record.grade,
        "grade_consequence": grade_consequence,
        "findings_count": record.findings_count,
        "counts": record.severity_counts,
        "submitter": record.submitter.username,
        "submitter_name": record.submitter.display_name,
        "created_at": as_utc(record.created_at).isoformat(),
        "version": record.version,
        "previous_id": record.previous_id,
        "superseded_by_id": record.superseded_by_id,
    }


def submission_detail(record: SubmissionRecord, precheck: CheckResult) -> dict[str, Any]:
    return {
        **submission_summary(record, precheck.grade_consequence),
        "submission": record.canonical,
        "precheck": check_result_public(precheck),
        "diff": diff_public(record.diff),
    }


def review_public(record: SubmissionRecord, review: ReviewRecord) -> dict[str, Any]:
    return {
        "submission_id": record.id,
        "status": record.status,
        "status_zh": STATUS_ZH[record.status],
        "mode": review.mode,
        "mode_label": review.mode_label,
        "opinion": review.opinion,
        "text": review.text,
        "version": current_version(review),
        "updated_at": as_utc(review.updated_at).isoformat(),
        "versions": [
            {
                "version": v.version,
                "author": v.author.username,
                "author_name": v.author.display_name,
                "role": v.author_role,
                "role_zh": role_zh(v.author_role),
                "created_at": as_utc(v.created_at).isoformat(),
                "action": v.action,
                "comment": v.comment,
                "text": v.text,
            }
            for v in review.versions
        ],
    }
