"""File loaders: pdf (pypdf), docx (python-docx, headings and tables kept), md, txt -> RawDocument.

Every failure a user can cause (unreadable, corrupt, empty, scanned, unsupported) raises
IngestError with a Chinese message naming the file.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

import yaml

from core.errors import IngestError
from ingest.policy.blocks import Line, RawDocument
from ingest.policy.cleaning import looks_hard_wrapped, normalize_inline, strip_page_furniture

SUPPORTED_SUFFIXES: tuple[str, ...] = (".pdf", ".docx", ".md", ".markdown", ".txt")

_INDENT_RE = re.compile(r"^[\u3000\t]|^ {2,}")
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_MD_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LIST_RE = re.compile(r"^\s*(?:[-*+]|>)\s+")
_HTML_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)
INFO_END_MARKER = "INFO END"


def read_text_file(path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else GB18030 (common for Chinese Windows files)."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(
        f"文件“{path.name}”无法识别文字编码（既不是 UTF-8 也不是 GB18030），请另存为 UTF-8 后重试。"
    )


def _text_line(raw: str, page: int | None = None) -> Line:
    text = normalize_inline(raw)
    if not text:
        return Line(text="", kind="blank", page=page)
    return Line(text=text, page=page, indented=bool(_INDENT_RE.match(raw)))


def load_txt(path: Path) -> RawDocument:
    text = read_text_file(path).replace("\r\n", "\n").replace("\r", "\n")
    pages = text.split("\f")
    paged = len(pages) > 1
    page_lines, dropped = (
        strip_page_furniture([p.split("\n") for p in pages]) if paged else ([pages[0].split("\n")], 0)
    )
    lines = [_text_line(raw, i + 1 if paged else None) for i, page in enumerate(page_lines) for raw in page]
    wrapped = looks_hard_wrapped([ln.text for ln in lines if ln.kind == "text"])
    return RawDocument(
        source=path.name,
        fmt="txt",
        lines=lines,
        wrapped=wrapped,
        pages=len(pages) if paged else None,
        removed_furniture=dropped,
    )


def _front_matter(path: Path, text: str) -> tuple[dict, str]:
    m = _MD_FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise IngestError(f"文件“{path.name}”开头的 YAML 元数据格式有误：{exc}") from None
    if not isinstance(data, dict):
        raise IngestError(f"文件“{path.name}”开头的 YAML 元数据应为“键: 值”形式。")
    return {str(k): v for k, v in data.items()}, text[m.end() :]


def _markdown_line(raw: str) -> Line:
    heading = _MD_HEADING_RE.match(raw.strip())
    if heading:
        level = len(heading.group(1))
        return Line(
            text=_MD_EMPHASIS_RE.sub(r"\2", heading.group(2)),
            kind="title" if level == 1 else "heading",
            level=level,
        )
    stripped = raw.strip()
    if stripped.startswith("|") and stripped.endswith("|"):
        if _MD_TABLE_SEP_RE.match(stripped):
            return Line(text="", kind="blank")
        cells = [normalize_inline(c) for c in stripped.strip("|").split("|")]
        return Line(text=" | ".join(cells), kind="table")
    line = _text_line(_MD_EMPHASIS_RE.sub(r"\2", _MD_LIST_RE.sub("", raw)))
    return line


def load_markdown(path: Path) -> RawDocument:
    text = read_text_file(path).replace("\r\n", "\n").replace("\r", "\n")
    front, body = _front_matter(path, text)
    lines: list[Line] = []
    for raw in _HTML_COMMENT_RE.sub(
        lambda m: "\n@@META_END@@\n" if INFO_END_MARKER in m.group(1) else "", body
    ).split("\n"):
        if raw.strip() == "@@META_END@@":
            lines.append(Line(text="", kind="meta_end"))
        else:
            lines.append(_markdown_line(raw))
    wrapped = looks_hard_wrapped([ln.text for ln in lines if ln.kind == "text"])
    return RawDocument(source=path.name, fmt="md", lines=lines, wrapped=wrapped, front_matter=front)


def load_pdf(path: Path) -> RawDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"文件“{path.name}”是加密的 PDF，无法读取，请提供未加密的版本。")
        raw_pages = [(page.extract_text() or "").replace("\r", "\n").split("\n") for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise IngestError(
            f"文件“{path.name}”不是有效的 PDF 或已损坏，无法读取（{type(exc).__name__}）。"
        ) from None
    if not any(normalize_inline(line) for page in raw_pages for line in page):
        raise IngestError(
            f"文件“{path.name}”中没有可提取的文字（可能是扫描件），请先做文字识别（OCR）后再导入。"
        )
    pages, dropped = strip_page_furniture(raw_pages)
    lines = [_text_line(raw, page_no) for page_no, page in enumerate(pages, start=1) for raw in page]
    return RawDocument(
        source=path.name, fmt="pdf", lines=lines, wrapped=True, pages=len(pages), removed_furniture=dropped
    )


def _docx_style_line(text: str, style: str) -> Line:
    style_lower = style.lower()
    if style_lower == "title" or style == "标题":
        return Line(text=text, kind="title", level=1)
    m = re.match(r"(?:heading|标题)\s*(\d)", style_lower)
    if m:
        return Line(text=text, kind="heading", level=int(m.group(1)) + 1)
    return Line(text=text)


def _docx_table_lines(table) -> list[Line]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            value = normalize_inline(cell.text.replace("\n", " "))
            if not cells or value != cells[-1]:  # merged cells repeat their text
                cells.append(value)
        if any(cells):
            lines.append(Line(text=" | ".join(cells), kind="table"))
    return lines


def load_docx(path: Path) -> RawDocument:
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml.etree import LxmlError

    try:
        document = docx.Document(str(path))
    except (OpcError, LxmlError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError(
            f"文件“{path.name}”不是有效的 Word（.docx）文件或已损坏，无法读取（{type(exc).__name__}）。"
        ) from None
    lines: list[Line] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(element, document)
            text = normalize_inline(para.text.replace("\n", " "))
            style = para.style.name if para.style is not None else ""
            lines.append(_docx_style_line(text, style) if text else Line(text="", kind="blank"))
        elif tag == "tbl":
            lines.extend(_docx_table_lines(Table(element, document)))
    core_title = normalize_inline(document.core_properties.title or "")
    return RawDocument(
        source=path.name,
        fmt="docx",
        lines=lines,
        wrapped=False,
        front_matter={"core_title": core_title} if core_title else {},
    )


LOADERS = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_txt,
}


def load_raw(path: Path) -> RawDocument:
    """Pick the loader by suffix; a Chinese IngestError for anything we cannot read."""
    suffix = path.suffix.lower()
    if suffix in (".doc", ".wps"):
        raise IngestError(
            f"文件“{path.name}”是旧版 Word/WPS 格式（{suffix}），不受支持，请另存为 .docx 后重试。",
            code="unsupported_format",
        )
    if suffix not in LOADERS:
        supported = "、".join(SUPPORTED_SUFFIXES)
        raise IngestError(
            f"文件“{path.name}”的格式（{suffix or '无扩展名'}）不受支持，支持的格式：{supported}。",
            code="unsupported_format",
        )
    if not path.is_file():
        raise IngestError(f"找不到文件“{path}”。", code="not_found")
    if path.stat().st_size == 0:
        raise IngestError(f"文件“{path.name}”是空文件，没有可导入的内容。", code="empty")
    return LOADERS[suffix](path)
