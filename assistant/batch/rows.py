"""The rows of a round: one per submission in input order, including the ones that cannot be checked.

Every file (and every member of a .zip) is read on its own; a file that gives no submission is one row
carrying its error, a JSON item that could not be read keeps its place between the others, and import
notes of a file stay with that file's rows. Checking never stops on one submission.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.batch.scope import ScopeRules
from assistant.models import CheckResult, Grade, Severity
from core.errors import ImportIssue
from core.models import Submission

Progress = Callable[[str, int, int], None]  # (phase, done, total)
UNIT_MISSING = "（未填单位）"
UNREAD = "（未能导入的文件）"
_JSON_ITEM = re.compile(r"^第(\d+)条申报")


@dataclass
class BatchRow:
    seq: int  # 序号, 1-based, in input order
    file: str  # the file (or 压缩包/成员) it came from
    submission: Submission | None = None
    result: CheckResult | None = None
    error: str | None = None  # why it could not be read or checked (Chinese)
    out_of_scope: str | None = None  # why it is not in the round's scope (Chinese)
    notes: list[str] = field(default_factory=list)  # import notes and scope notes
    opinion_file: str | None = None  # file name under opinions/, when one was written

    @property
    def unit(self) -> str:
        sub = self.submission
        return (sub.unit or sub.department or UNIT_MISSING) if sub else UNREAD

    @property
    def project(self) -> str:
        return (self.submission.project or "（未填项目名称）") if self.submission else ""

    @property
    def budget_wan(self) -> float | None:
        budget = self.submission.budget_yuan if self.submission else None
        return None if budget is None else round(budget / 10000, 4)

    @property
    def graded(self) -> CheckResult | None:
        """The check result when it has a grade (None when not checked or the check failed)."""
        result = self.result
        return result if result is not None and result.grade is not None and not result.error else None

    @property
    def grade(self) -> Grade | None:
        graded = self.graded
        return graded.grade if graded is not None else None

    @property
    def checked(self) -> bool:
        return self.graded is not None

    def count(self, severity: Severity) -> int:
        graded = self.graded
        return 0 if graded is None else len([f for f in graded.findings if f.severity == severity])

    @property
    def codes(self) -> list[str]:
        """Defect codes of the row, each once, in order of first occurrence."""
        graded = self.graded
        return [] if graded is None else list(dict.fromkeys(f.code for f in graded.findings))


def _issue_text(issue: ImportIssue, file: str) -> str:
    """An import issue without the file name the row already shows."""
    if issue.file == file:
        issue = issue.model_copy(update={"file": None})
    return str(issue)


def part_rows(name: str, submissions: list[Submission], issues: list[ImportIssue]) -> list[BatchRow]:
    """Rows of one file: its submissions in order; a JSON item that failed keeps its place."""
    if not submissions:
        text = "；".join(_issue_text(i, name) for i in issues) or "文件中没有可识别的申报项目。"
        return [BatchRow(0, name, error=f"未能导入：{text}")]
    rows: list[tuple[int, BatchRow]] = []
    placed: dict[int, BatchRow] = {}
    for k, sub in enumerate(submissions):
        index = _json_index(sub.source, name)
        row = BatchRow(0, name, submission=sub)
        rows.append((index if index is not None else k, row))
        if index is not None:
            placed[index] = row
    loose: list[str] = []
    failed: dict[int, list[str]] = {}
    for issue in issues:
        m = _JSON_ITEM.match(issue.message)
        index = int(m.group(1)) if m and placed else None
        if index is None:
            loose.append(_issue_text(issue, name))
        elif index in placed:
            placed[index].notes.append(_issue_text(issue, name))
        else:
            failed.setdefault(index, []).append(_issue_text(issue, name))
    for index, texts in failed.items():
        rows.append((index, BatchRow(0, name, error="未能导入：" + "；".join(texts))))
    ordered = [row for _, row in sorted(rows, key=lambda p: p[0])] if placed else [r for _, r in rows]
    if loose:
        ordered[0].notes.extend(loose)
    return ordered


def _json_index(source: str | None, name: str) -> int | None:
    """The item number of a JSON submission (`source` = 'name#3'), None for other kinds of file."""
    if source and source.startswith(name + "#"):
        tail = source[len(name) + 1 :]
        return int(tail) if tail.isdigit() else None
    return None


def read_rows(
    paths: Iterable[Path], load_parts: Callable[[Path], list], progress: Progress | None = None
) -> list[BatchRow]:
    """All rows of the given files in input order, numbered 1…n (`load_parts` reads one path into parts)."""
    paths = list(paths)
    rows: list[BatchRow] = []
    for done, path in enumerate(paths, 1):
        path = Path(path)
        if not path.is_file():
            rows.append(
                BatchRow(0, path.name or str(path), error=f"未能导入：文件“{path}”不存在或不是文件。")
            )
        else:
            for part in load_parts(path):
                rows.extend(part_rows(part.name, part.result.submissions, part.result.issues))
        if progress:
            progress("读取申报文件", done, len(paths))
    for seq, row in enumerate(rows, 1):
        row.seq = seq
    return rows


def apply_scope(rows: list[BatchRow], scope: ScopeRules) -> None:
    for row in rows:
        if row.submission is None:
            continue
        row.out_of_scope = scope.reason(row.submission)
        note = scope.note(row.submission)
        if note:
            row.notes.append(note)


def check_rows(
    rows: list[BatchRow], check: Callable[[Submission], CheckResult], progress: Progress | None = None
) -> None:
    """Check every row that has a submission (a failure is that row's error, never the batch's)."""
    todo = [(r, r.submission) for r in rows if r.submission is not None]
    for done, (row, sub) in enumerate(todo, 1):
        try:
            row.result = check(sub)
        except Exception:  # noqa: BLE001  one submission never stops the round
            row.error = "预审时出错，本项目未能完成预审；其余项目不受影响，请转人工审核。"
        else:
            if row.result.error:
                row.error = row.result.error
        if progress and (done % 25 == 0 or done == len(todo)):
            progress("预审", done, len(todo))
