"""The CLI reads the settings once and passes them down: JIXIAO_GRADING_FILE reaches `jixiao draft`
(the checks themselves read no settings), and a broken grading file is one Chinese line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli.main import app

STRICT = (
    "grades:\n  - {grade: 差, min_errors: 1}\n  - {grade: 中, min_warnings: 1}\n  - {grade: 优}\n"
    "consequences: {优: 甲等, 良: 乙等, 中: 丙等, 差: 丁等}\ncitation: 本局等级映射\n"
)


def _draft(data_dir_shared: Path) -> dict:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["draft", str(data_dir_shared / "targets_dev.json"), "--id", "D01", "--no-kb", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["opinions"][0]


def test_the_grading_file_in_the_environment_decides_the_drafted_grade(
    data_dir_shared: Path, tmp_data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from core.settings import get_settings

    default = _draft(data_dir_shared)
    strict = tmp_path / "grading.yaml"
    strict.write_text(STRICT, encoding="utf-8")
    monkeypatch.setenv("JIXIAO_GRADING_FILE", str(strict))
    get_settings.cache_clear()
    custom = _draft(data_dir_shared)
    assert default["grade"] == "中"  # D01 has error-level findings: 中 by the packaged mapping
    assert custom["grade"] == "差" and custom["grade_consequence"].startswith("丁等")


def test_a_broken_grading_file_is_a_chinese_error(
    data_dir_shared: Path, tmp_data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from core.settings import get_settings

    broken = tmp_path / "grading.yaml"
    broken.write_text("grades: [oops", encoding="utf-8")
    monkeypatch.setenv("JIXIAO_GRADING_FILE", str(broken))
    get_settings.cache_clear()
    result = CliRunner().invoke(
        app, ["draft", str(data_dir_shared / "targets_dev.json"), "--id", "D01", "--no-kb"]
    )
    assert result.exit_code == 2
    assert "等级映射文件" in result.output and "Traceback" not in result.output
