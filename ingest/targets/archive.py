""".zip of submissions: each member read as its own file and named in every issue (压缩包/成员).

Bounded by the `ImportLimits` the caller passes down (the CLI and the API build them from settings): at most
`max_zip_members` files, `max_archive_mb` decompressed in all and `max_unzipped_mb` (the size limit of one
workbook) for one member, enforced while reading, not taken from the archive's headers, so one member at a
time is held in memory; a zip inside the zip is refused, not opened. Member names
written by Chinese Windows tools (GBK without the UTF-8 flag) are decoded as such. Folders, macOS resource
forks, Office lock files (~$…) and thumbnail caches are skipped without a message.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from core.errors import ImportIssue
from ingest.targets.limits import MB, ImportLimits
from ingest.targets.result import ImportResult

ZIP_MAGIC = b"PK\x03\x04"
_ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass
class FilePart:
    """What one file (or one member of a .zip) gave: its display name and its submissions and issues."""

    name: str
    result: ImportResult


def zip_kind(data: bytes) -> str:
    """'xlsx', 'docx', 'xlsb', 'office' (another Office package), 'archive', or 'broken'."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "broken"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "[Content_Types].xml" in names or "mimetype" in names:
        return "office"
    return "archive"


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's path as its author typed it: GBK names without the UTF-8 flag are re-decoded."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _is_junk(path: str) -> bool:
    p = PurePosixPath(path)
    return (
        path.endswith("/")
        or "__MACOSX" in p.parts
        or p.name.startswith(("._", "~$"))
        or p.name.lower() in _JUNK_NAMES
    )


def archive_parts(
    data: bytes,
    archive: str,
    load_one: Callable[[bytes, str], ImportResult],
    limits: ImportLimits,
) -> list[FilePart]:
    """One part per member file, in the archive's order; problems of the archive itself are a part too."""
    max_members = limits.max_zip_members
    max_member_bytes = int(limits.max_unzipped_mb * MB)  # one member may be as large as one workbook
    max_total_bytes = int(limits.max_archive_mb * MB)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return [_fail(archive, "压缩包已损坏或不完整，无法解压，请重新打包后上传。")]
    parts: list[FilePart] = []
    with zf:
        infos = [(i, member_name(i)) for i in zf.infolist()]
        files = [(i, n) for i, n in infos if not _is_junk(n)]
        if not files:
            return [_fail(archive, "压缩包中没有文件，未导入。")]
        if len(files) > max_members:
            parts.append(
                _fail(
                    archive,
                    f"压缩包中有 {len(files)} 个文件，超过上限 {max_members} 个："
                    f"只读取了前 {max_members} 个，其余请分包上传。",
                )
            )
            files = files[:max_members]
        budget = max_total_bytes
        for info, name in files:
            shown = f"{archive}/{name}"
            if PurePosixPath(name).suffix.lower() in _ARCHIVE_SUFFIXES:
                parts.append(_nested(shown))
                continue
            if info.flag_bits & 0x1:
                parts.append(
                    _fail(shown, "该文件在压缩包中设置了密码（已加密），无法读取，请去掉密码后重新打包。")
                )
                continue
            if budget <= 0:
                parts.append(_over_budget(shown, max_total_bytes))
                continue
            if info.file_size > max_member_bytes:
                parts.append(_too_large(shown, max_member_bytes))
                continue
            try:
                with zf.open(info) as fh:
                    content = fh.read(min(budget, max_member_bytes) + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
                parts.append(_fail(shown, "该文件在压缩包中已损坏或使用了不支持的压缩方式，无法解压。"))
                continue
            if len(content) > max_member_bytes:  # its header understated its size
                parts.append(_too_large(shown, max_member_bytes))
                continue
            if len(content) > budget:
                parts.append(_over_budget(shown, max_total_bytes))
                budget = 0
                continue
            budget -= len(content)
            if content.startswith(ZIP_MAGIC) and zip_kind(content) == "archive":
                parts.append(_nested(shown))
                continue
            parts.append(FilePart(shown, load_one(content, shown)))
    return parts


def _nested(name: str) -> FilePart:
    return _fail(name, "压缩包中的压缩包不予展开：请解压后把其中的申报文件直接放入同一个压缩包，或分别上传。")


def _too_large(name: str, limit: int) -> FilePart:
    return _fail(name, f"该文件解压后超过 {_size(limit)}，超出单个申报文件的上限，未读取；请拆分后上传。")


def _over_budget(name: str, limit: int) -> FilePart:
    return _fail(name, f"压缩包解压后的总大小超过 {_size(limit)}，该文件及其后的文件未读取，请分包上传。")


def _size(size: int) -> str:
    return f"{size / MB:g} MB" if size >= MB else f"{size / 1024:.0f} KB"


def _fail(name: str, message: str) -> FilePart:
    return FilePart(name, ImportResult(issues=[ImportIssue(file=name, message=message)]))
