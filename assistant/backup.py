"""`jixiao backup DIR` / `jixiao restore DIR`: the records database, the vectors (Chroma's directory), the
lexical index and the uploaded files, in one directory with a manifest of checksums.

SQLite files (the records database, Chroma's and the index manifest's) are copied with SQLite's online
backup API, so a backup taken while the service runs is consistent file by file; other files are copied
as they are. PostgreSQL is dumped with `pg_dump` (custom format) and restored with `pg_restore` when those
are on PATH; otherwise the command stops with a Chinese message. A Chroma server's data lives on that
server and is backed up there (the report says so). Restoring goes into an empty data directory (or over
an existing one with `force`), after every checksum has been verified.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

import core
from core.errors import UserError
from core.settings import Settings

MANIFEST = "jixiao-backup.json"
FORMAT = 1
SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")
DIRECTORY_PARTS = {"chroma": "向量库（Chroma）", "index": "词法索引", "uploads": "上传文件"}


@dataclass
class BackupReport:
    directory: Path
    parts: dict[str, int] = field(default_factory=dict)  # part -> files
    total_bytes: int = 0
    notes: list[str] = field(default_factory=list)  # Chinese: what was not covered, and why

    def summary(self, verb: str) -> str:
        names = {"database": "数据库", **DIRECTORY_PARTS}
        parts = "，".join(f"{names.get(k, k)} {n} 个文件" for k, n in self.parts.items())
        return f"已{verb}：{parts}；共 {self.total_bytes / 1024 / 1024:.1f} MB（{self.directory}）。"


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (its WAL included) through the online backup API."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    for suffix in _SIDE_FILES:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if _is_sqlite(source):
        _sqlite_copy(source, target)
    else:
        shutil.copyfile(source, target)


def _files(root: Path) -> Iterator[Path]:
    """Every regular file under root, SQLite side files left out (the backup API covers them)."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(_SIDE_FILES):
            yield path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _database_url(settings: Settings) -> URL:
    return make_url(settings.resolved_database_url)


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise UserError("数据库为内存数据库，没有可备份或恢复的文件。", code="backup_memory_db")
    return Path(url.database)


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise UserError(
            f"数据库为 PostgreSQL，但未找到 {name}：请安装 PostgreSQL 客户端（Debian：apt-get install "
            f"postgresql-client，版本不低于服务器），或由数据库管理员用 pg_dump/pg_restore 另行备份与恢复。",
            code="pg_tool_missing",
        )
    return tool


def _pg_target(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq URI (password left out) and the environment carrying the password (not on the command
    line, where other users could read it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        raise UserError(f"{what}失败（退出码 {result.returncode}）：{detail[0][:300]}", code="pg_tool_failed")


def _empty_or_missing(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# --- backup ---------------------------------------------------------------------------------------------


def backup(settings: Settings, target: Path) -> BackupReport:
    """Write a backup of everything under settings into `target` (a new or empty directory)."""
    target = target.resolve()
    data_dir = settings.data_dir.resolve()
    if target == data_dir or data_dir in target.parents:
        raise UserError(f"备份目录“{target}”不能位于数据目录之内。", code="backup_inside_data_dir")
    if not _empty_or_missing(target):
        raise UserError(
            f"备份目录“{target}”已存在且不为空：请指定一个新目录，以免覆盖此前的备份。",
            code="backup_dir_not_empty",
        )
    if not data_dir.is_dir():
        raise UserError(f"数据目录“{data_dir}”不存在，没有可备份的数据。", code="no_data_dir")
    old_umask = os.umask(0o077)
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        report = BackupReport(directory=target)
        manifest: dict[str, object] = {
            "format": FORMAT,
            "version": core.__version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        manifest["database"] = _backup_database(settings, target, report)
        for part in DIRECTORY_PARTS:
            source = data_dir / part
            if part == "chroma" and settings.chroma_url:
                report.notes.append(
                    f"向量库位于 Chroma 服务器（{settings.chroma_url}），未包含在本备份中："
                    "请在该服务器上备份其数据目录（chroma run --path 所指目录）。"
                )
                continue
            count = 0
            for path in _files(source) if source.is_dir() else iter(()):
                _copy(path, target / part / path.relative_to(source))
                count += 1
            report.parts[part] = count
        checksums = {}
        for path in _files(target):
            rel = path.relative_to(target).as_posix()
            checksums[rel] = _sha256(path)
            report.total_bytes += path.stat().st_size
        manifest["files"] = checksums
        manifest["parts"] = report.parts
        manifest["notes"] = report.notes
        (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        return report
    finally:
        os.umask(old_umask)


def _backup_database(settings: Settings, target: Path, report: BackupReport) -> dict[str, str]:
    url = _database_url(settings)
    sqlite_path = _sqlite_path(url)
    if sqlite_path is not None:
        if not sqlite_path.exists():
            raise UserError(f"数据库文件“{sqlite_path}”不存在，没有可备份的记录。", code="no_database")
        _sqlite_copy(sqlite_path, target / "database" / "jixiao.sqlite3")
        report.parts["database"] = 1
        return {"kind": "sqlite", "file": "database/jixiao.sqlite3"}
    if url.get_backend_name() != "postgresql":
        raise UserError(
            f"不支持备份 {url.get_backend_name()} 数据库（支持 SQLite 与 PostgreSQL）。",
            code="backup_db_kind",
        )
    tool = _pg_tool("pg_dump")
    uri, env = _pg_target(url)
    dump = target / "database" / "jixiao.pgdump"
    dump.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    command = [tool, "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={uri}"]
    _run(command, env, "pg_dump 导出数据库")
    report.parts["database"] = 1
    return {"kind": "postgresql", "file": "database/jixiao.pgdump"}


# --- restore --------------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    path = source / MANIFEST
    if not path.is_file():
        raise UserError(
            f"“{source}”不是 jixiao backup 生成的备份目录（缺少 {MANIFEST}）。", code="not_a_backup"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"备份清单 {MANIFEST} 无法读取：{type(exc).__name__}。", code="bad_manifest") from exc
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise UserError(
            f"备份清单 {MANIFEST} 的格式不受支持（format={manifest.get('format')}）。", code="bad_manifest"
        )
    return manifest


def verify(source: Path, manifest: dict) -> None:
    """Every file the manifest lists is there with its checksum; nothing else pretends to be part of it."""
    for rel, expected in manifest["files"].items():
        path = source / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise UserError(f"备份清单中的路径“{rel}”无效。", code="bad_manifest")
        if not path.is_file():
            raise UserError(f"备份不完整：缺少文件“{rel}”。", code="backup_incomplete")
        if _sha256(path) != expected:
            raise UserError(f"备份已损坏：文件“{rel}”的校验和不符，请改用其他备份。", code="backup_corrupt")


def restore(settings: Settings, source: Path, *, force: bool = False) -> BackupReport:
    """Put a backup back under settings' data directory (and database). Stop the service first."""
    source = source.resolve()
    manifest = read_manifest(source)
    verify(source, manifest)
    data_dir = settings.data_dir.resolve()
    url = _database_url(settings)
    sqlite_path = _sqlite_path(url)
    kind = manifest.get("database", {}).get("kind")
    expected_kind = "sqlite" if sqlite_path is not None else url.get_backend_name()
    if kind != expected_kind:
        raise UserError(
            f"备份中的数据库为 {kind}，当前配置的数据库为 {expected_kind}，不能直接恢复：请先调整 "
            "JIXIAO_DATABASE_URL。",
            code="backup_db_mismatch",
        )
    occupied = [p for p in ("chroma", "index", "uploads") if not _empty_or_missing(data_dir / p)]
    if sqlite_path is not None and sqlite_path.exists() and sqlite_path.stat().st_size > 0:
        occupied.insert(0, sqlite_path.name)
    if occupied and not force:
        raise UserError(
            f"数据目录“{data_dir}”已有数据（{'、'.join(occupied)}）：恢复会覆盖它们。请先停止服务并确认，"
            "再加 --force 重新执行；或恢复到一个新的数据目录。",
            code="data_dir_not_empty",
        )
    old_umask = os.umask(0o077)
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        data_dir.chmod(0o700)
        report = BackupReport(directory=data_dir)
        _restore_database(source, manifest, sqlite_path, url, report)
        for part in DIRECTORY_PARTS:
            files = [rel for rel in manifest["files"] if rel.startswith(f"{part}/")]
            if part == "chroma" and not files and manifest.get("notes"):
                report.notes.extend(str(n) for n in manifest["notes"])
                continue
            if part == "chroma" and settings.chroma_url:
                report.notes.append(
                    f"当前配置使用 Chroma 服务器（{settings.chroma_url}）：备份中的向量库未恢复到该服务器，"
                    "请在服务器上恢复其数据目录，或执行 jixiao ingest 重新入库。"
                )
                continue
            destination = data_dir / part
            if destination.exists():
                shutil.rmtree(destination)
            for rel in files:
                _copy(source / rel, data_dir / rel)
            report.parts[part] = len(files)
        report.total_bytes = sum((source / rel).stat().st_size for rel in manifest["files"])
        return report
    finally:
        os.umask(old_umask)


def _restore_database(
    source: Path, manifest: dict, sqlite_path: Path | None, url: URL, report: BackupReport
) -> None:
    stored = source / manifest["database"]["file"]
    if sqlite_path is not None:
        _sqlite_copy(stored, sqlite_path)
        sqlite_path.chmod(0o600)
        report.parts["database"] = 1
        return
    tool = _pg_tool("pg_restore")
    uri, env = _pg_target(url)
    command = [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={uri}"]
    _run([*command, str(stored)], env, "pg_restore 恢复数据库")
    report.parts["database"] = 1
