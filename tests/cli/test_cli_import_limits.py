"""The CLI passes the settings' import limits down to every importer, the .zip of a round included:
JIXIAO_MAX_ZIP_MEMBERS and JIXIAO_MAX_ARCHIVE_MB bound what `jixiao batch` and `jixiao check` read."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app

runner = CliRunner()


def _round_zip(tmp_path: Path, data_dir_shared: Path, members: int) -> Path:
    subs = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(members):
            zf.writestr(f"单位{n + 1}/申报.json", json.dumps(subs[n], ensure_ascii=False))
    path = tmp_path / "本轮.zip"
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture()
def limited(tmp_data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from core.settings import get_settings

    def set_env(**env: str) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()

    return set_env


def test_batch_reads_a_round_zip_within_the_settings_member_limit(tmp_path, data_dir_shared, limited):
    zipped = _round_zip(tmp_path, data_dir_shared, 3)
    whole = runner.invoke(app, ["batch", str(zipped), "--out", str(tmp_path / "all"), "--json"])
    assert whole.exit_code == 0, whole.output
    assert json.loads(whole.stdout)["total"] == 3
    limited(JIXIAO_MAX_ZIP_MEMBERS="2")
    capped = runner.invoke(app, ["batch", str(zipped), "--out", str(tmp_path / "capped"), "--json"])
    summary = json.loads(capped.stdout)
    assert summary["total"] - summary["errors"] == 2  # the first two members checked
    assert "超过上限 2 个" in capped.stderr and "本轮.zip" in capped.stderr


def test_check_reads_a_round_zip_within_the_settings_size_limit(tmp_path, data_dir_shared, limited):
    zipped = _round_zip(tmp_path, data_dir_shared, 3)
    with zipfile.ZipFile(zipped) as zf:
        first = zf.infolist()[0].file_size
    limited(JIXIAO_MAX_ARCHIVE_MB=str((first + 10) / (1024 * 1024)))
    result = runner.invoke(app, ["check", str(zipped), "--format", "json"])
    assert len(json.loads(result.stdout)["submissions"]) == 1
    assert "压缩包解压后的总大小超过" in result.stderr and "本轮.zip/单位2/申报.json" in result.stderr
