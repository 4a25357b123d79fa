"""`jixiao batch`: a mixed round (JSON, Word, PDF, a zip with a bad member) gives a 汇总表 with one row per
submission in input order and the grades of `jixiao check`, a summary.json that agrees with it, and one
draft opinion per checked submission."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from support.target_docs import flat_pdf, form_docx, load_subs
from typer.testing import CliRunner

from jixiao.cli.main import app

runner = CliRunner()
CONTRACT = ["序号", "单位", "项目", "预算（万元）", "等级", "错误", "警告", "主要问题"]


@pytest.fixture(scope="module")
def round_files(tmp_path_factory, data_dir_shared: Path) -> list[Path]:
    d = tmp_path_factory.mktemp("round")
    real = load_subs(data_dir_shared / "real_dev_targets.json")
    dev = load_subs(data_dir_shared / "targets_dev.json")
    (d / "教育局申报表.docx").write_bytes(form_docx(real[:3]))
    (d / "预算公开.pdf").write_bytes(flat_pdf(dev[:4]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("民政局/申报表.docx", form_docx(real[3:5]))
        zf.writestr("民政局/说明.txt", "请查收".encode())
        zf.write(data_dir_shared / "targets_form_D07.xlsx", "教育基建中心/D07.xlsx")
    (d / "第二批.zip").write_bytes(buf.getvalue())
    return [
        data_dir_shared / "targets_dev.json",
        d / "教育局申报表.docx",
        d / "第二批.zip",
        data_dir_shared / "real_dev_targets.json",
        d / "预算公开.pdf",
    ]


@pytest.fixture(scope="module")
def batch_run(round_files: list[Path], tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["batch", *map(str, round_files), "--out", str(out), "--opinions"])
    return result, out


def _sheet_rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_rows_in_input_order_with_the_grades_of_check(batch_run, round_files: list[Path]) -> None:
    result, out = batch_run
    assert result.exit_code == 1  # one member of the zip could not be read: named, the rest still done
    assert result.stdout == ""  # progress and messages go to stderr
    ws = openpyxl.load_workbook(out / "审核结果汇总表.xlsx").worksheets[0]
    rows = _sheet_rows(ws)
    assert rows[2][:8] == CONTRACT
    body = rows[3:]
    assert [r[0] for r in body] == list(range(1, len(body) + 1))
    checked = runner.invoke(app, ["check", *map(str, round_files), "--format", "json"])
    want = json.loads(checked.stdout)["submissions"]
    imported = [r for r in body if r[1]]  # rows with a submission (the unreadable member has no unit)
    assert len(body) == len(want) + 1 == 40 + 3 + (2 + 1 + 1) + 12 + 4
    assert [r[4] for r in imported] == [w["grade"] for w in want]
    assert [r[2] for r in imported] == [w["project"] for w in want]
    files = [r[9] for r in body]
    assert files[40:43] == ["教育局申报表.docx"] * 3
    assert files[43:47] == ["第二批.zip/民政局/申报表.docx"] * 2 + [
        "第二批.zip/民政局/说明.txt",
        "第二批.zip/教育基建中心/D07.xlsx",
    ]
    bad = body[45]
    assert bad[4] is None and "不支持的文件类型" in bad[7]
    assert "第二批.zip/民政局/说明.txt" in result.stderr


def test_summary_json_agrees_with_the_workbook(batch_run) -> None:
    _, out = batch_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(out / "审核结果汇总表.xlsx")
    body = _sheet_rows(wb["审核结果汇总表"])[3:]
    assert summary["total"] == len(body)
    grades = Counter(r[4] for r in body if r[4])
    assert summary["by_grade"] == {g: grades.get(g, 0) for g in "优良中差"}
    assert summary["errors"] == sum(1 for r in body if not r[4])
    assert summary["out_of_scope"] == sum(1 for r in body if r[8] and "不在审核范围" in r[8])
    units = {r[1]: r for r in _sheet_rows(wb["按单位"])[3:] if r[0] != "合计"}
    assert sorted(units) == sorted(u["unit"] for u in summary["by_unit"])
    for u in summary["by_unit"]:
        row = units[u["unit"]]
        assert row[2] == u["total"] and row[4:8] == [u["by_grade"][g] for g in "优良中差"]
    total_row = next(r for r in _sheet_rows(wb["按单位"])[3:] if r[0] == "合计")
    assert total_row[2] == summary["total"]
    codes = {r[2]: r[4] for r in _sheet_rows(wb["按问题"])[3:]}
    assert codes == summary["by_code"]
    assert summary["findings"]["error"] == sum(r[5] or 0 for r in body)


def test_the_workbook_is_laid_out_for_printing(batch_run) -> None:
    _, out = batch_run
    ws = openpyxl.load_workbook(out / "审核结果汇总表.xlsx").worksheets[0]
    assert ws["A1"].value == "项目支出绩效目标审核结果汇总表" and "A1:K1" in {
        str(r) for r in ws.merged_cells.ranges
    }
    assert "金额单位：万元" in [c.value for c in ws[2]]
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["C"].width > 30 and ws.column_dimensions["A"].width < 10
    colours = {ws.cell(r, 5).value: ws.cell(r, 5).fill.fgColor.rgb for r in range(4, ws.max_row + 1)}
    assert colours["优"].endswith("C6EFCE") and colours["差"].endswith("FFC7CE")
    assert ws.cell(4, 4).number_format == "#,##0.00"
    problems = [ws.cell(r, 8).value for r in range(4, ws.max_row + 1) if ws.cell(r, 5).value in ("中", "差")]
    assert all(p and len(p) <= 60 for p in problems)  # short phrases, at most four and a count
    assert any("时效指标无时限" in p for p in problems)


def test_one_draft_opinion_per_checked_submission(batch_run) -> None:
    _, out = batch_run
    ws = openpyxl.load_workbook(out / "审核结果汇总表.xlsx").worksheets[0]
    body = _sheet_rows(ws)[3:]
    files = sorted(p.name for p in (out / "opinions").iterdir())
    checked = [r for r in body if r[4]]
    assert len(files) == len(checked) == len(set(files))
    for r in checked:
        name = r[10].removeprefix("opinions/")
        assert name in files and name.startswith(f"{r[0]:03d}_")
        assert not any(ch in name for ch in '\\/:*?"<>|')


def test_scope_options(round_files: list[Path], tmp_path: Path) -> None:
    dev_real = [round_files[0], round_files[3]]
    out = tmp_path / "skip"
    res = runner.invoke(
        app, ["batch", *map(str, dev_real), "--out", str(out), "--skip-out-of-scope", "--json"]
    )
    assert res.exit_code == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["skipped"] > 0 and summary["total"] == 52 - summary["skipped"]
    assert "未列入审核" in openpyxl.load_workbook(out / "审核结果汇总表.xlsx").sheetnames
    res = runner.invoke(
        app, ["batch", *map(str, dev_real), "--out", str(tmp_path / "all"), "--min-budget", "0", "--json"]
    )
    assert json.loads(res.stdout)["out_of_scope"] == 0
    res = runner.invoke(
        app,
        [
            "batch",
            str(round_files[0]),
            "--out",
            str(tmp_path / "u"),
            "--unit",
            "常宁市",
            "--min-budget",
            "0",
            "--json",
        ],
    )
    summary = json.loads(res.stdout)
    in_scope = sum(u["in_scope"] for u in summary["by_unit"])
    assert 0 < in_scope < 40 and all(u["in_scope"] == 0 or "常宁市" in u["unit"] for u in summary["by_unit"])
    res = runner.invoke(
        app, ["batch", str(round_files[0]), "--out", str(tmp_path / "n"), "--min-budget", "-1"]
    )
    assert res.exit_code == 2 and "不能为负数" in res.stderr
    (tmp_path / "file").write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["batch", str(round_files[0]), "--out", str(tmp_path / "file")])
    assert res.exit_code == 2 and "不是目录" in res.stderr
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "审核结果汇总表.xlsx").mkdir()  # a name the report cannot be written to
    res = runner.invoke(app, ["batch", str(round_files[0]), "--out", str(locked)])
    assert res.exit_code == 1 and "无法写入" in res.stderr and "Traceback" not in res.output
