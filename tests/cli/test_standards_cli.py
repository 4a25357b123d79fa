"""`jixiao check --standards FILE` / JIXIAO_STANDARDS_FILE, `jixiao batch --standards`, and `jixiao standards
show|import|list|export` against a real SQLite library."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parents[2] / "jixiao" / "samples"
ROAD = SAMPLES / "cost_standard_submissions.json"
SAMPLE_STANDARDS = SAMPLES / "standards_sample.csv"


@pytest.fixture(autouse=True)
def _isolated(tmp_data_dir, monkeypatch):
    monkeypatch.delenv("JIXIAO_STANDARDS_FILE", raising=False)
    monkeypatch.delenv("JIXIAO_EXANTE_MIN_BUDGET_WAN", raising=False)
    yield


def _cost_findings(stdout: str) -> list[dict]:
    data = json.loads(stdout)
    return [f for s in data["submissions"] for f in s["findings"] if f["code"] == "COST_OVER_STANDARD"]


def test_check_with_standards_reports_the_saving_in_json():
    result = runner.invoke(
        app, ["check", str(ROAD), "--standards", str(SAMPLE_STANDARDS), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (finding,) = _cost_findings(result.stdout)
    assert finding["saving_yuan"] == pytest.approx(12_628_207 - 15_000 * 235.8 * 3)
    assert finding["dimension"] == "适当性" and finding["location"] == {"field": "budget_yuan"}
    assert json.loads(result.stdout)["submissions"][0]["cost_checks"][0]["years"] == 3


def test_the_settings_file_is_used_when_no_option_is_given(monkeypatch):
    from core.settings import get_settings

    without = runner.invoke(app, ["check", str(ROAD), "--format", "json"])
    assert _cost_findings(without.stdout) == []
    monkeypatch.setenv("JIXIAO_STANDARDS_FILE", str(SAMPLE_STANDARDS))
    get_settings.cache_clear()
    with_env = runner.invoke(app, ["check", str(ROAD), "--format", "json"])
    assert len(_cost_findings(with_env.stdout)) == 1


def test_the_ex_ante_threshold_comes_from_the_settings(monkeypatch):
    from core.settings import get_settings

    def ex_ante_codes() -> list[str]:
        out = runner.invoke(app, ["check", str(ROAD), "--format", "json"]).stdout
        return [
            f["code"] for f in json.loads(out)["submissions"][0]["findings"] if f["code"] == "EX_ANTE_MISSING"
        ]

    assert ex_ante_codes() == ["EX_ANTE_MISSING"]  # 1,262.82万元 ≥ 100万元
    monkeypatch.setenv("JIXIAO_EXANTE_MIN_BUDGET_WAN", "2000")
    get_settings.cache_clear()
    assert ex_ante_codes() == []


def test_a_standards_file_with_bad_rows_names_them_and_checks_with_the_good_ones(tmp_path):
    path = tmp_path / "std.csv"
    path.write_text(
        "事项,关键词,计量单位,标准值\n国省县道保洁,县道保洁,元/公里·年,15000\n绿化养护,,元,abc\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(ROAD), "--standards", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert "std.csv" in result.stderr and "第3行" in result.stderr and "Traceback" not in result.output
    assert len(_cost_findings(result.stdout)) == 1


@pytest.mark.parametrize("content", [None, "名称,备注\n无,无\n"])
def test_an_unusable_standards_file_is_a_chinese_error_with_exit_2(tmp_path, content):
    path = tmp_path / "std.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["check", str(ROAD), "--standards", str(path)])
    assert result.exit_code == 2
    assert "支出标准" in result.stderr and "Traceback" not in result.output


def test_batch_passes_the_standards_down(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["batch", str(ROAD), "--out", str(out), "--standards", str(SAMPLE_STANDARDS), "--min-budget", "0"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["by_code"].get("COST_OVER_STANDARD") == 1


def test_show_import_list_export_round_trip(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["支出事项", "计量单位", "单价", "类型", "适用地区", "年度", "依据"])
    ws.append(["生活垃圾清运", "元/吨", 120, "上限", "常宁市", 2024, "示例〔2024〕3号"])
    ws.append(["物业管理服务", "元/平方米·月", 3.5, "参考", None, None, "示例〔2024〕4号"])
    xlsx = tmp_path / "标准.xlsx"
    wb.save(xlsx)

    shown = runner.invoke(app, ["standards", "show", str(xlsx)])
    assert shown.exit_code == 0 and "生活垃圾清运" in shown.stdout and "可用支出标准2条" in shown.stdout
    first = runner.invoke(app, ["standards", "import", str(xlsx)])
    assert first.exit_code == 0 and "新增2条" in first.stdout
    again = runner.invoke(app, ["standards", "import", str(SAMPLE_STANDARDS), "--replace"])
    assert (
        again.exit_code == 0 and "新增6条、更新1条、删除1条" in again.stdout
    )  # 物业 updated, 常宁市 垃圾清运 gone
    listed = runner.invoke(app, ["standards", "list"])
    assert "国省县道保洁" in listed.stdout and "生活垃圾清运" in listed.stdout  # the sample has one too
    out = tmp_path / "导出.csv"
    exported = runner.invoke(app, ["standards", "export", str(out)])
    assert exported.exit_code == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:4] == ["事项", "关键词", "计量单位", "标准值"] and len(rows) == 1 + 7
    reread = runner.invoke(app, ["standards", "show", str(out)])
    assert reread.exit_code == 0 and "可用支出标准7条" in reread.stdout
