"""User-facing errors: a Chinese message naming the file, sheet, row or field. Everything else is a bug.

One family from the importers and services up to HTTP: every error a user may see is a `UserError`
with a machine `code` (snake_case) and the HTTP status it answers with as data (`status`), so the API
maps any of them with one handler and the CLI prints the message. Subclasses fix the status:
`Unauthorized` 401, `Forbidden` 403, `NotFound` 404, `Conflict` 409, `PayloadTooLarge` 413,
`UnsupportedMediaType` 415, `Unavailable` 503; a plain `UserError` is bad input (400).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel


class ImportIssue(BaseModel):
    """One problem found while reading input; the rest of the input is still processed."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # 1-based row as Excel shows it
    field: str | None = None
    message: str  # Chinese

    def __str__(self) -> str:
        where = "，".join(
            p
            for p in (
                f"文件“{self.file}”" if self.file else "",
                f"工作表“{self.sheet}”" if self.sheet else "",
                f"第{self.row}行" if self.row else "",
                f"字段“{self.field}”" if self.field else "",
            )
            if p
        )
        return f"{where}：{self.message}" if where else self.message


class UserError(Exception):
    """An error whose message is shown to the user as is (Chinese); bad input unless a subclass says so.

    `code` is the machine-readable reason (API `error.code`), `status` the HTTP status it maps to,
    `details` extra machine data (API `error.details`); an `issue` (file/sheet/row/field) joins the details.
    """

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_input"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        issue: ImportIssue | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.issue = issue
        self.details = details

    def public_details(self) -> dict[str, Any]:
        """What the API shows as `error.details`: the import issue's location, then the extra data."""
        data = self.issue.model_dump(exclude_none=True) if self.issue else {}
        data.update(self.details or {})
        return data


class Unauthorized(UserError):
    """No credentials, or credentials that are unknown, revoked or belong to a deactivated user."""

    status = 401
    default_code = "unauthorized"


class Forbidden(UserError):
    """The user is known but their role may not do this."""

    status = 403
    default_code = "forbidden"


class NotFound(UserError):
    """The thing does not exist, or the user may not know that it does."""

    status = 404
    default_code = "not_found"


class Conflict(UserError):
    """The request is valid but the current state forbids it (workflow state, stale version, a race lost)."""

    status = 409
    default_code = "conflict"


class PayloadTooLarge(UserError):
    status = 413
    default_code = "payload_too_large"


class UnsupportedMediaType(UserError):
    status = 415
    default_code = "unsupported_media_type"


class Unavailable(UserError):
    """A dependency is busy or down for a moment; the user may retry."""

    status = 503
    default_code = "unavailable"


class IngestError(UserError):
    """A policy file could not be read or parsed (the file is named in the message)."""

    def __init__(self, message: str, *, code: str = "ingest_failed"):
        super().__init__(message, code=code)
