"""Policy-file ingestion: pdf/docx/md/txt -> ParsedDocument with clause-level Clause records.

from ingest.policy import load_document, SUPPORTED_SUFFIXES
doc = load_document(Path("预算法.md"))          # raises IngestError (Chinese, names the file)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from core.errors import IngestError
from core.models import Clause, ParsedDocument
from ingest.policy.blocks import Block
from ingest.policy.cleaning import join_lines
from ingest.policy.loaders import SUPPORTED_SUFFIXES, load_raw
from ingest.policy.metadata import KINDS, DocMetadata, build_metadata, extract_doc_no, parse_date
from ingest.policy.structure import ClauseDraft, parse_structure

__all__ = ["SUPPORTED_SUFFIXES", "load_document"]


def _pick_title(preamble: list[Block], front_matter: dict, stem: str) -> str:
    if front_matter.get("title"):
        return str(front_matter["title"]).strip()
    titled = next((b.text for b in preamble if b.kind == "title"), None)
    if titled:
        return titled
    for block in preamble:
        if (
            block.kind in ("text", "heading")
            and not parse_date(block.text)
            and not extract_doc_no([block.text])
        ):
            return block.text
    return str(front_matter.get("core_title") or stem)


def _clause_id(doc_id: str, draft: ClauseDraft, index: int) -> str:
    key = f"{doc_id}|{draft.article or ''}|{'/'.join(draft.path)}|{index}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _to_clause(
    draft: ClauseDraft, index: int, *, doc_id: str, short_title: str, meta: DocMetadata, source: str
) -> Clause:
    return Clause(
        id=_clause_id(doc_id, draft, index),
        doc_id=doc_id,
        doc_title=meta.title,
        doc_short=short_title,
        doc_no=meta.doc_no,
        doc_date=meta.date,
        doc_kind=meta.kind,
        region=meta.region,
        source=source,
        article=draft.article,
        path=draft.path,
        text=draft.text,
        page=draft.page,
        page_end=draft.page_end,
        confidence=draft.confidence,
        paragraphs=draft.paragraphs,
        heading=draft.heading,
    )


def load_document(path: Path, *, kind: str | None = None, region: str | None = None) -> ParsedDocument:
    """Read one policy file (pdf, docx, md, txt) and cut it into citable clauses with metadata.

    `doc_id` is the first 16 hex of the sha256 of the file bytes, so an unchanged file keeps its id.
    `short_title` is the file name without extension (or `short_title` from markdown front matter).
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise IngestError(
            f"文件“{path.name}”：未知的文件类别“{kind}”，可选：{'、'.join(KINDS)}。", code="bad_kind"
        )
    raw = load_raw(path)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    blocks = join_lines(raw.lines, wrapped=raw.wrapped)
    if not any(b.text for b in blocks):
        raise IngestError(f"文件“{path.name}”中没有文字内容，无法导入。", code="empty")
    front = raw.front_matter
    starter = (kind or front.get("kind")) == "starter"
    structure = parse_structure(blocks, cards=starter)
    if not structure.drafts:
        raise IngestError(
            f"文件“{path.name}”只有标题或说明信息，没有找到可作为条款的正文内容。", code="no_clauses"
        )
    short_title = str(front.get("short_title") or path.stem).strip()
    title = _pick_title(structure.preamble, front, path.stem)
    meta = build_metadata(
        title=title,
        preamble=[b.text for b in structure.preamble if b.text],
        front_matter=front,
        kind=kind,
        region=region,
    )
    doc_id = sha256[:16]
    clauses = [
        _to_clause(d, i, doc_id=doc_id, short_title=short_title, meta=meta, source=path.name)
        for i, d in enumerate(structure.drafts)
    ]
    return ParsedDocument(
        doc_id=doc_id,
        title=meta.title,
        short_title=short_title,
        doc_no=meta.doc_no,
        date=meta.date,
        issuer=meta.issuer,
        kind=meta.kind,
        region=meta.region,
        source=path.name,
        sha256=sha256,
        clauses=clauses,
        dates=meta.dates,
    )
