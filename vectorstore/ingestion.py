"""Turning files into indexed documents, one at a time, with a report that names every file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from core.errors import UserError
from core.models import ParsedDocument
from ingest.policy import load_document

Outcome = Literal["added", "replaced", "unchanged"]


class DocumentIndex(Protocol):
    """Where parsed documents go (the knowledge base): indexes one and says what happened to it."""

    def ingest_document(self, doc: ParsedDocument) -> Outcome: ...


SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx")


class IngestFailure(BaseModel):
    file: str
    message: str  # Chinese, names the file


class IngestReport(BaseModel):
    added: list[str] = Field(default_factory=list)  # files
    replaced: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: list[IngestFailure] = Field(default_factory=list)
    clauses_indexed: int = 0  # clauses of added/replaced documents

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """新增 2 个，替换 1 个，未变 3 个，失败 0 个（共 57 条新索引条款）"""
        return (
            f"新增 {len(self.added)} 个，替换 {len(self.replaced)} 个，未变 {len(self.unchanged)} 个，"
            f"失败 {len(self.failed)} 个（本次新索引条款 {self.clauses_indexed} 条）"
        )


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[IngestFailure]]:
    """Files to ingest (directories walked, supported types only, sorted) and the paths that do not exist."""
    files: list[Path] = []
    missing: list[IngestFailure] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not p.name.startswith((".", "~$"))
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(IngestFailure(file=str(path), message=f"文件“{path}”不存在或无法访问。"))
    unique: dict[Path, Path] = {}  # resolved path -> the path as given, first one wins
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), missing


def ingest_files(
    kb: DocumentIndex,
    paths: list[Path],
    *,
    kind: str | None,
    region: str | None,
    progress: Callable[[int, int, str], None] | None,
) -> IngestReport:
    files, missing = expand_paths(paths)
    report = IngestReport(failed=missing)
    for done, path in enumerate(files):
        if progress:
            progress(done, len(files), path.name)
        try:
            doc = load_document(path, kind=kind, region=region)
            if not doc.clauses:
                raise UserError(
                    f"文件“{path.name}”中没有识别出任何条款（第X条或一、（一）等结构），未建立索引。"
                )
            outcome = kb.ingest_document(doc)
        except UserError as exc:
            message = exc.message if path.name in exc.message else f"文件“{path.name}”：{exc.message}"
            report.failed.append(IngestFailure(file=str(path), message=message))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
            report.failed.append(
                IngestFailure(
                    file=str(path),
                    message=f"文件“{path.name}”处理失败（{type(exc).__name__}：{exc}），其他文件不受影响。",
                )
            )
            continue
        getattr(report, outcome).append(str(path))
        if outcome != "unchanged":
            report.clauses_indexed += len(doc.clauses)
    if progress:
        progress(len(files), len(files), "")
    return report
