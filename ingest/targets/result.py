"""The importers' output: submissions in input order plus every problem found on the way."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.errors import ImportIssue
from core.models import Submission


class ImportResult(BaseModel):
    submissions: list[Submission] = Field(default_factory=list)
    issues: list[ImportIssue] = Field(default_factory=list)

    def extend(self, other: ImportResult) -> None:
        self.submissions.extend(other.submissions)
        self.issues.extend(other.issues)
