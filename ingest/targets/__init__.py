"""Target-submission importers: canonical JSON and xlsx (flat export or single-project form), by content.

    from ingest.targets import ImportResult, load_submissions, load_submissions_bytes, parse_submissions_json

Nothing here raises for bad content: every problem is an `ImportIssue` naming file/sheet/row/field in Chinese,
and whatever can be read is still returned, in input order.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import ImportIssue
from ingest.targets.json_loader import decode_json_bytes, parse_submissions_json
from ingest.targets.result import ImportResult

__all__ = ["ImportResult", "load_submissions", "load_submissions_bytes", "parse_submissions_json"]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted (password-protected) .xlsx


def load_submissions(path: Path) -> ImportResult:
    """Read a .json / .xlsx / .xlsm file; an unreadable file is an issue, not an exception."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "文件不存在" if isinstance(exc, FileNotFoundError) else "无法读取文件"
        return ImportResult(issues=[ImportIssue(file=path.name, message=f"{reason}（{path}），未导入。")])
    return load_submissions_bytes(data, path.name)


def load_submissions_bytes(data: bytes, filename: str) -> ImportResult:
    """Content decides the reader (an .xlsx that is really text is reported as such)."""
    name = Path(filename or "上传文件").name
    suffix = Path(name).suffix.lower()
    if not data or not data.strip():
        return _fail(name, "文件为空，没有可导入的内容。")
    if data.startswith(_ZIP_MAGIC):
        from ingest.targets.workbook import load_workbook_bytes

        return load_workbook_bytes(data, name)
    if data.startswith(_OLE_MAGIC):
        return _fail(
            name,
            "文件是设置了打开密码的加密 Excel，或旧版 .xls 格式，无法读取。"
            "请在 Excel 中取消密码保护并“另存为” .xlsx 后再导入。",
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return decode_json_bytes(data, name)
    if suffix in (".xlsx", ".xlsm"):
        return _fail(
            name,
            f"扩展名为 {suffix}，但内容不是 Excel 工作簿（可能是改了扩展名的文本文件或已损坏），"
            "请用一体化系统重新导出 .xlsx。",
        )
    if suffix == ".json":
        return _fail(name, "内容不是 JSON：应以 { 或 [ 开头，请检查文件。")
    return _fail(
        name, f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .xlsx（一体化系统导出或申报表）或 .json。"
    )


def _fail(name: str, message: str) -> ImportResult:
    return ImportResult(issues=[ImportIssue(file=name, message=message)])
