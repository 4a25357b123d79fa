"""`jixiao check`: table / json / markdown, input order and ids echoed, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app

runner = CliRunner()


@pytest.fixture()
def dev_json(data_dir_shared: Path) -> Path:
    return data_dir_shared / "targets_dev.json"


def _two_submissions(tmp_path: Path, dev_json: Path) -> Path:
    subs = json.loads(dev_json.read_text(encoding="utf-8"))["submissions"]
    picked = [s for s in subs if s["id"] in ("D24", "D02")]
    picked.sort(key=lambda s: s["id"] != "D24")  # D24 first: output must keep input order
    path = tmp_path / "two.json"
    path.write_text(json.dumps(picked, ensure_ascii=False), encoding="utf-8")
    return path


def test_json_output_shape_order_and_ids(tmp_path, dev_json):
    result = runner.invoke(app, ["check", str(_two_submissions(tmp_path, dev_json)), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["submissions"]] == ["D24", "D02"]
    first, clean = data["submissions"]
    assert first["grade"] == "差" and clean["grade"] == "优" and clean["findings"] == []
    codes = {f["code"] for f in first["findings"]}
    assert {"GOAL_MISSING", "TEMPLATE_PLACEHOLDER", "TIMELINESS_VAGUE", "COST_NOT_MEASURABLE"} <= codes
    f = first["findings"][0]
    assert set(f) >= {
        "rule_id",
        "code",
        "severity",
        "dimension",
        "location",
        "message",
        "suggestion",
        "citations",
    }
    assert f["severity"] in ("error", "warning", "info")
    assert set(f["citations"][0]) >= {"doc", "article", "quote"}


def test_table_output_speaks_chinese(dev_json):
    result = runner.invoke(app, ["check", str(dev_json)])
    assert result.exit_code == 0
    assert "预审等级" in result.stdout and "D04" in result.stdout and "错误" in result.stdout


def test_markdown_output(tmp_path, dev_json):
    result = runner.invoke(app, ["check", str(_two_submissions(tmp_path, dev_json)), "--format", "markdown"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# 绩效目标预审报告")
    assert "## D24" in result.stdout and "**预审等级：差**" in result.stdout and "建议改写" in result.stdout


def test_xlsx_input(data_dir_shared):
    result = runner.invoke(app, ["check", str(data_dir_shared / "targets_form_D07.xlsx"), "--format", "json"])
    assert result.exit_code == 0
    codes = {f["code"] for f in json.loads(result.stdout)["submissions"][0]["findings"]}
    assert {"TIMELINESS_VAGUE", "COST_NOT_MEASURABLE"} <= codes


def test_unreadable_input_exits_non_zero_with_a_chinese_message(tmp_path, dev_json):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["check", str(broken), "--format", "json"])
    assert result.exit_code != 0
    assert "broken.json" in result.output and "Traceback" not in result.output
    missing = runner.invoke(app, ["check", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0 and "不存在" in missing.output


def test_defects_do_not_change_the_exit_code(dev_json):
    assert runner.invoke(app, ["check", str(dev_json), "--format", "json"]).exit_code == 0


def test_unknown_format(dev_json):
    result = runner.invoke(app, ["check", str(dev_json), "--format", "pdf"])
    assert result.exit_code == 2 and "不支持的输出格式" in result.output
