"""What one import may cost, and the edge cleaning every importer applies.

Hostile or broken files must be refused before they cost memory or time (issue 13): an .xlsx is a zip
whose central directory states every member's decompressed size, so a bomb (a few MB expanding to a GiB)
is refused from the directory alone, before openpyxl inflates anything. Cells are counted by streaming
each worksheet's XML (bounded by the stated sizes) before the workbook is loaded. JSON nesting depth is
measured on the raw text before `json.loads`. Strings lose control characters and lone surrogates here,
at the edge, and over-long fields are cut with an issue.

Callers pass an `ImportLimits` (the CLI and API build it from `Settings`); nothing here reads global
settings. The defaults equal `core.settings.Settings`' defaults (a test holds them together).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.settings import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    max_unzipped_mb: float = 100.0  # total decompressed size of an .xlsx (real: ~20 MB per 300,000 cells)
    max_zip_members: int = 2000  # files inside one zip container
    max_archive_mb: float = 512.0  # total decompressed size of a .zip of submissions (one member at a time)
    max_zip_ratio: float = 100.0  # decompressed/compressed of one large member (real sheets: 10–30)
    max_cells: int = 300_000  # cells of a whole workbook (openpyxl holds ~0.4 KB per cell)
    max_rows: int = 20_000  # rows read per sheet; more are reported, not read
    max_columns: int = 200  # columns read per sheet (real tables: under 30); more are reported
    max_json_depth: int = 64  # nesting of a JSON document (a submission needs 4)
    max_field_chars: int = 500  # a name, value, unit, level, id … (real tables: under 100)
    max_text_chars: int = 5_000  # a goal, a basis, any other free text
    max_indicators: int = 500  # indicator rows of one submission (real tables: under 60)

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportLimits:
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})


# --- strings at the edge -------------------------------------------------------------------------------

# C0/C1 controls except tab and newline, DEL, and invisible format characters (zero-width, bidi
# overrides, BOM, soft hyphen) that break number parsing and can hide text.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_NEEDS_CLEANING_RE = re.compile(f"{_INVISIBLE_RE.pattern}|{_SURROGATE_RE.pattern}|\r")


_OOXML_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def clean_str(text: str) -> str:
    """Control and invisible characters removed, \\r\\n as \\n, lone surrogates as U+FFFD."""
    if not _NEEDS_CLEANING_RE.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", text)
    return _SURROGATE_RE.sub("\ufffd", text)


def clean_cell_text(text: str) -> str:
    """An Excel cell's string: its `_xHHHH_` escapes (ECMA-376 ST_Xstring: `_x000D_` for a carriage return,
    written by many exporters and left as is by openpyxl) decoded, then cleaned like any string."""
    if "_x" in text:
        text = _OOXML_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return clean_str(text)


def cut(text: str, limit: int) -> str:
    """The first `limit` characters (a surrogate pair is never split: Python strings hold code points)."""
    return text if len(text) <= limit else text[:limit]


def too_long_message(label: str, length: int, limit: int) -> str:
    return f"{label}长达 {length} 个字符，超过上限 {limit}，已截断为前 {limit} 个字符，请核对原表。"


# --- JSON ----------------------------------------------------------------------------------------------

_JSON_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET_RE = re.compile(r"[\[\]{}]")


def json_text_depth(text: str, stop_at: int) -> int:
    """Nesting depth of JSON text (strings skipped), without parsing; stops counting once past `stop_at`."""
    depth = deepest = 0
    for chunk in _JSON_STRING_RE.split(text):
        for m in _BRACKET_RE.finditer(chunk):
            if m.group(0) in "[{":
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > stop_at:
                        return deepest
            else:
                depth -= 1
    return deepest


def nesting_exceeds(obj: Any, max_depth: int) -> bool:
    """True when a parsed JSON value nests lists/objects deeper than `max_depth` (found without recursion)."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))
    return False


# --- zip containers (.xlsx, and any zip an importer opens) -----------------------------------------------


def zip_problem(zf: zipfile.ZipFile, limits: ImportLimits, *, compressed_size: int) -> str | None:
    """A Chinese reason to refuse a zip container from its central directory alone, or None.

    Python's zipfile never inflates a member past the size its directory entry states (reading more is a
    CRC error), so the stated sizes bound what opening it can cost.
    """
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        return (
            f"压缩包内有 {len(infos)} 个文件，超过上限 {limits.max_zip_members} 个，"
            "不像正常导出的文件，未导入。"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_mb * MB:
        return (
            f"文件解压后约 {total / MB:,.0f} MB（压缩时 {compressed_size / MB:,.1f} MB），"
            f"超过解压上限 {limits.max_unzipped_mb:g} MB，可能是恶意构造的压缩炸弹，未导入。"
            "如确为正常文件，请拆分后分批导入。"
        )
    for i in infos:
        if i.file_size > 10 * MB and i.file_size > limits.max_zip_ratio * max(i.compress_size, 1):
            return (
                f"文件中的“{i.filename}”压缩比高达 {i.file_size / max(i.compress_size, 1):,.0f} 倍"
                f"（正常表格约 10–30 倍，上限 {limits.max_zip_ratio:g} 倍），"
                "可能是恶意构造的压缩炸弹，未导入。"
            )
    return None


def package_problem(data: bytes, limits: ImportLimits) -> str | None:
    """`zip_problem` for the bytes of a zip-based file (.xlsx, .docx …); None also when it is no valid zip
    (the reader of its kind reports that in its own words)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zip_problem(zf, limits, compressed_size=len(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR_RE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
# a cell element, or a merged range (openpyxl creates one object per covered cell of a merge)
_SHEET_ITEM_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(?:c[\s/>]|mergeCell\b[^>]{0,200}?\bref\s*=\s*\"([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})\")"
)
_SCAN_OVERLAP = 300  # longer than any match of _SHEET_ITEM_RE


def _attrs(tag: bytes) -> dict[str, str]:
    return {
        k.decode("ascii", "replace").split(":")[-1]: v.decode("utf-8", "replace")
        for k, v in _ATTR_RE.findall(tag)
    }


def worksheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member path -> sheet title, from xl/workbook.xml and its rels (small; read by regex)."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except (KeyError, OSError, EOFError, zipfile.BadZipFile, RuntimeError, ValueError):
        return {}
    targets = {}
    for tag in _REL_RE.findall(rels):
        a = _attrs(tag)
        target = a.get("Target", "").lstrip("/")
        targets[a.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
    names: dict[str, str] = {}
    for tag in _SHEET_RE.findall(book):
        a = _attrs(tag)
        path = targets.get(a.get("id"))
        if path:
            names[path] = clean_str(a.get("name", ""))
    return names


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _item_cells(m: re.Match[bytes]) -> int:
    if m.group(1) is None:
        return 1
    c1, r1, c2, r2 = _column_number(m.group(1)), int(m.group(2)), _column_number(m.group(3)), int(m.group(4))
    return (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)


def count_cells(chunks: Iterable[bytes]) -> int:
    """Cells a worksheet's XML makes openpyxl hold: `<c>` elements plus every cell a merged range covers.

    Streams the XML (matches are found across chunk boundaries), so memory stays at one chunk.
    """
    count = 0
    tail = b""
    for chunk in chunks:
        buf = tail + chunk
        safe = max(len(buf) - _SCAN_OVERLAP, 0)
        count += sum(_item_cells(m) for m in _SHEET_ITEM_RE.finditer(buf) if m.start() < safe)
        tail = buf[safe:]
    return count + sum(_item_cells(m) for m in _SHEET_ITEM_RE.finditer(tail))


def _member_chunks(zf: zipfile.ZipFile, name: str, size: int = 1 << 20) -> Iterator[bytes]:
    with zf.open(name) as fh:
        while chunk := fh.read(size):
            yield chunk


def xlsx_cells_problem(zf: zipfile.ZipFile, limits: ImportLimits) -> str | None:
    """A Chinese reason to refuse a workbook whose worksheets hold more cells than allowed, or None.

    Raises what zipfile raises for a damaged member (BadZipFile, zlib.error, EOFError …).
    """
    names = worksheet_names(zf)
    sheets = [i.filename for i in zf.infolist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", i.filename)]
    total = 0
    per_sheet: list[tuple[str, int]] = []
    for member in sheets:
        n = count_cells(_member_chunks(zf, member))
        per_sheet.append((names.get(member, member), n))
        total += n
        if total > limits.max_cells:
            biggest = max(per_sheet, key=lambda p: p[1])
            return (
                f"工作簿的单元格（含合并单元格覆盖的格子）超过 {limits.max_cells:,} 个"
                f"（工作表“{biggest[0]}”就有 {biggest[1]:,} 个），读取会占用过多内存，未导入。"
                "请删除多余的行列、取消大范围合并或拆分文件后再导入。"
            )
    return None
