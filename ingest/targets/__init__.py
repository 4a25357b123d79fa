"""Target-submission importers, by content: canonical JSON; xlsx and legacy xls (flat export or single-project
form); Word 申报表 (.docx tables); text PDFs (部门预算公开 tables); and .zip archives of any of these.

    from ingest.targets import ImportResult, load_submissions, load_submissions_bytes, parse_submissions_json
    from ingest.targets import load_submission_parts  # per file (and per .zip member), for batch review

Nothing here raises for bad content: every problem is an `ImportIssue` naming file/sheet/row/field in Chinese,
and whatever can be read is still returned, in input order.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from core.errors import ImportIssue
from ingest.targets.archive import ZIP_MAGIC, FilePart, archive_parts, zip_kind
from ingest.targets.json_loader import decode_json_bytes, parse_submissions_json
from ingest.targets.limits import ImportLimits, package_problem
from ingest.targets.pdf_tables import PDF_MAGIC
from ingest.targets.result import ImportResult

__all__ = [
    "FilePart",
    "ImportLimits",
    "ImportResult",
    "load_file_parts",
    "load_submission_parts",
    "load_submissions",
    "load_submissions_bytes",
    "parse_submissions_json",
]

_ZIP_MAGIC = ZIP_MAGIC
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.doc, or a password-protected .xlsx/.docx
_EXPECTED = {
    ".xlsx": " Excel 工作簿",
    ".xlsm": " Excel 工作簿",
    ".xls": " Excel 工作簿",
    ".docx": " Word 文档",
    ".pdf": " PDF 文件",
    ".zip": "压缩包",
}
# a zip with one of these names is a damaged file, not an archive
_OFFICE_SUFFIXES = (".xlsx", ".xlsm", ".docx")
SUPPORTED = (
    "请上传 .xlsx / .xls（一体化系统导出或申报表）、.docx 申报表、文字版 PDF、.json，或它们的 .zip 压缩包"
)


def load_submissions(path: Path, limits: ImportLimits | None = None) -> ImportResult:
    """Read one file of any supported kind; an unreadable file is an issue, not an exception."""
    result = ImportResult()
    for part in load_submission_parts(path, limits):
        result.extend(part.result)
    return result


def load_submission_parts(path: Path, limits: ImportLimits | None = None) -> list[FilePart]:
    """`load_file_parts` for a path: one part per file, or per member when it is a .zip."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "文件不存在" if isinstance(exc, FileNotFoundError) else "无法读取文件"
        issue = ImportIssue(file=path.name, message=f"{reason}（{path}），未导入。")
        return [FilePart(path.name, ImportResult(issues=[issue]))]
    return load_file_parts(data, path.name, limits)


def load_submissions_bytes(data: bytes, filename: str, limits: ImportLimits | None = None) -> ImportResult:
    """Content decides the reader (an .xlsx that is text is reported as such); a .zip gives its members."""
    result = ImportResult()
    for part in load_file_parts(data, filename, limits):
        result.extend(part.result)
    return result


def load_file_parts(data: bytes, filename: str, limits: ImportLimits | None = None) -> list[FilePart]:
    """One part per file read, in order: the file itself, or each member of a .zip (named 压缩包/成员)."""
    name = Path(filename or "上传文件").name
    suffix = Path(name).suffix.lower()
    if data.startswith(_ZIP_MAGIC) and suffix not in _OFFICE_SUFFIXES and zip_kind(data) == "archive":
        limits = limits or ImportLimits()
        return archive_parts(data, name, partial(_load_one, limits=limits), limits)
    return [FilePart(name, _load_one(data, name, limits or ImportLimits()))]


def _load_one(data: bytes, name: str, limits: ImportLimits) -> ImportResult:
    """One file (never an archive): the reader its content calls for."""
    suffix = Path(name).suffix.lower()
    if not data or not data.strip():
        return _fail(name, "文件为空，没有可导入的内容。")
    if data.startswith(_ZIP_MAGIC):
        return _load_package(data, name, suffix, limits)
    if data.startswith(_OLE_MAGIC):
        return _load_ole(data, name, suffix, limits)
    if PDF_MAGIC in data[:1024]:
        from ingest.targets.pdf_tables import load_pdf_bytes

        return load_pdf_bytes(data, name, limits)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return decode_json_bytes(data, name, limits)
    if suffix in _EXPECTED:
        return _fail(
            name,
            f"扩展名为 {suffix}，但内容不是{_EXPECTED[suffix]}（可能是改了扩展名的文本文件或已损坏），"
            "请重新导出后再导入。",
        )
    if suffix == ".json":
        return _fail(name, "内容不是 JSON：应以 { 或 [ 开头，请检查文件。")
    if suffix in (".rar", ".7z", ".tar", ".gz", ".tgz"):
        return _fail(name, f"不支持 {suffix} 压缩包：请改用 .zip 打包后上传。")
    return _fail(name, f"不支持的文件类型“{suffix or '无扩展名'}”：{SUPPORTED}。")


def _load_package(data: bytes, name: str, suffix: str, limits: ImportLimits) -> ImportResult:
    """A zip-based file: .xlsx or .docx by its parts (an archive never reaches here)."""
    too_big = package_problem(data, limits)  # a zip bomb is refused from the zip's directory alone
    if too_big is not None:
        return _fail(name, too_big)
    kind = zip_kind(data)
    if kind == "docx":
        from ingest.targets.docx_tables import load_docx_bytes

        return load_docx_bytes(data, name, limits)
    if kind == "xlsb":
        return _fail(name, "不支持 Excel 二进制工作簿（.xlsb）：请在 Excel 中“另存为” .xlsx 后再导入。")
    if kind == "office":
        return _fail(name, f"文件是 Office 文档，但既不是 Excel 工作簿也不是 Word 文档：{SUPPORTED}。")
    if suffix == ".docx" and kind != "xlsx":
        return _fail(name, "Word 文件已损坏或不完整，无法打开，请在 Word 中“另存为” .docx 后重新导入。")
    if kind == "broken" and suffix == ".zip":
        return _fail(name, "压缩包已损坏或不完整，无法解压，请重新打包后上传。")
    from ingest.targets.workbook import load_workbook_bytes

    return load_workbook_bytes(data, name, limits)


def _load_ole(data: bytes, name: str, suffix: str, limits: ImportLimits) -> ImportResult:
    """An OLE compound file: legacy .xls, a password-protected .xlsx/.docx, or a legacy .doc."""
    encrypted = _utf16(b"EncryptedPackage") in data
    if encrypted or (suffix in _OFFICE_SUFFIXES and _utf16(b"Workbook") not in data):
        return _fail(
            name,
            "文件设置了打开密码（已加密）或已损坏，无法读取。"
            "请在 Excel / Word 中取消密码保护并另存后再导入。",
        )
    if _utf16(b"WordDocument") in data:
        return _fail(name, "旧版 Word（.doc）格式无法读取：请在 Word 中“另存为” .docx 后再导入。")
    from ingest.targets.xls import load_xls_bytes

    return load_xls_bytes(data, name, limits)


def _utf16(name: bytes) -> bytes:
    return name.decode("ascii").encode("utf-16-le")


def _fail(name: str, message: str) -> ImportResult:
    return ImportResult(issues=[ImportIssue(file=name, message=message)])
