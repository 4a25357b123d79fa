"""Files with the same name in one policy upload are kept apart, never written over each other."""

import asyncio
import io
from pathlib import Path
from types import SimpleNamespace

from starlette.datastructures import UploadFile

from api.ingest_jobs import save_uploads


def _upload(name: str, body: bytes) -> UploadFile:
    return UploadFile(file=io.BytesIO(body), filename=name)


def test_same_names_in_one_upload_are_all_kept(tmp_path: Path) -> None:
    services = SimpleNamespace(settings=SimpleNamespace(data_dir=tmp_path))
    uploads = [
        _upload("办法.md", b"# A\n"),
        _upload("dir/办法.md", b"# B\n"),
        _upload("办法.MD", b"# C\n"),
        _upload("其他.txt", b"D"),
    ]
    paths = asyncio.run(save_uploads(services, uploads, "job1"))  # type: ignore[arg-type]
    assert [p.name for p in paths] == ["办法.md", "办法（2）.md", "办法（3）.MD", "其他.txt"]
    assert [p.read_bytes() for p in paths] == [b"# A\n", b"# B\n", b"# C\n", b"D"]
    assert len({p for p in paths}) == 4


def test_distinct_names_are_unchanged(tmp_path: Path) -> None:
    services = SimpleNamespace(settings=SimpleNamespace(data_dir=tmp_path))
    paths = asyncio.run(
        save_uploads(services, [_upload("甲.md", b"a"), _upload("乙.md", b"b")], "job2")  # type: ignore[arg-type]
    )
    assert [p.name for p in paths] == ["甲.md", "乙.md"]
