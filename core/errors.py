"""User-facing errors: a Chinese message naming the file, sheet, row or field. Everything else is a bug."""

from __future__ import annotations

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
    """An error whose message is shown to the user as is (Chinese)."""

    def __init__(self, message: str, *, code: str = "bad_input", issue: ImportIssue | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.issue = issue


class IngestError(UserError):
    """A policy file could not be read or parsed (the file is named in the message)."""

    def __init__(self, message: str, *, code: str = "ingest_failed"):
        super().__init__(message, code=code)
