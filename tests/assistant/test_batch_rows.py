"""Batch rows, scope rules, 主要问题 phrases and the summary, on real submissions and real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.batch import BatchOptions, ScopeRules, run_batch, split_words
from assistant.batch.phrases import main_problems
from assistant.batch.rows import read_rows
from assistant.checks import check_submission
from assistant.models import CheckResult, Dimension, Finding, Location, Severity
from core.models import Submission
from ingest.targets import load_submission_parts


def _json(path: Path, items: list) -> Path:
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_json_item_that_cannot_be_read_keeps_its_place(tmp_path: Path) -> None:
    items = [
        {"id": "A", "project": "甲", "indicators": []},
        {"id": "B", "project": "乙", "budget_yuan": "很多", "indicators": []},
        {"id": "C", "project": "丙", "indicators": []},
        "不是对象",
    ]
    rows = read_rows([_json(tmp_path / "round.json", items)], load_submission_parts)
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    # one bad value is emptied (the importer says so) and the rest of that submission is still reviewed;
    # an item that is not a submission at all keeps its place with its error
    assert [r.submission.id if r.submission else None for r in rows] == ["A", "B", "C", None]
    assert rows[1].submission is not None and rows[1].submission.budget_yuan is None
    assert rows[3].error and "第4条申报" in rows[3].error
    assert all(r.file == "round.json" for r in rows)


def test_a_file_without_submissions_is_one_row_with_its_error(tmp_path: Path) -> None:
    (tmp_path / "说明.txt").write_text("请查收", encoding="utf-8")
    rows = read_rows(
        [
            tmp_path / "说明.txt",
            tmp_path / "缺.json",
            _json(tmp_path / "a.json", [{"project": "甲", "indicators": []}]),
        ],
        load_submission_parts,
    )
    assert [r.file for r in rows] == ["说明.txt", "缺.json", "a.json"]
    assert "不支持的文件类型" in rows[0].error and "不存在" in rows[1].error
    assert (
        "说明.txt" not in rows[0].error.split("：", 1)[1][:6]
    )  # the row names the file; the text does not repeat it
    assert rows[2].submission.project == "甲"


def _sub(**kw) -> Submission:
    return Submission.model_validate({"project": "项目", "indicators": [], **kw})


def test_scope_rules() -> None:
    scope = ScopeRules(min_budget_wan=50)
    assert scope.reason(_sub(budget_yuan=499_999)) == "预算49.9999万元，低于审核起点50万元"
    assert scope.reason(_sub(budget_yuan=432_000)) == "预算43.2万元，低于审核起点50万元"
    assert scope.reason(_sub(budget_yuan=500_000)) is None
    assert scope.reason(_sub()) is None and "未填预算" in scope.note(_sub())
    assert ScopeRules(min_budget_wan=0).reason(_sub(budget_yuan=1)) is None
    units = ScopeRules(min_budget_wan=0, units=split_words("教育局，民政局"))
    assert units.reason(_sub(unit="常宁市教育局")) is None
    assert units.reason(_sub(department="大英县民政局", unit="某中心")) is None
    assert "单位不在本轮审核范围" in units.reason(_sub(unit="常宁市水利局"))
    kinds = ScopeRules(min_budget_wan=0, kinds=("新增",))
    assert kinds.reason(_sub(project_type="新增项目")) is None
    assert kinds.reason(_sub(ex_ante={"project_kind": "新增"})) is None
    assert "项目类型“持续性项目”不在本轮审核范围" in kinds.reason(_sub(project_type="持续性项目"))
    assert kinds.reason(_sub()) is None and "未填项目类型" in kinds.note(_sub())


def _finding(code: str, severity: Severity) -> Finding:
    return Finding(
        rule_id="X", code=code, severity=severity, dimension=Dimension.relevance,
        location=Location(field="annual_goal"), message="m", suggestion="s",
    )  # fmt: skip


def test_main_problems_short_phrases_errors_first_each_code_once() -> None:
    findings = [
        _finding("TIMELINESS_VAGUE", Severity.warning),
        _finding("GOAL_VAGUE", Severity.error),
        _finding("TIMELINESS_VAGUE", Severity.warning),
        _finding("NEW_CODE", Severity.warning),
    ]
    result = CheckResult(project="p", findings=findings)
    assert main_problems(result, {"X": "某条新规则"}) == "年度目标不明确；时效指标无时限；某条新规则"
    many = [
        _finding(c, Severity.error) for c in ("NO_COST", "NO_UNIT", "WRONG_UNIT", "DUPLICATE", "IRRELEVANT")
    ]
    assert (
        main_problems(CheckResult(findings=many)) == "缺成本指标；缺度量单位；度量单位不当；指标重复等5类问题"
    )
    assert main_problems(CheckResult(findings=[])) == ""


@pytest.fixture(scope="module")
def dev_and_real(data_dir_shared: Path) -> list[Path]:
    return [data_dir_shared / "targets_dev.json", data_dir_shared / "real_dev_targets.json"]


def test_run_batch_grades_equal_check_and_summary_counts_rows(tmp_path: Path, dev_and_real) -> None:
    report = run_batch(dev_and_real, tmp_path / "out", BatchOptions())
    subs = [s for p in dev_and_real for part in load_submission_parts(p) for s in part.result.submissions]
    assert [r.submission.id for r in report.rows] == [s.id for s in subs]
    assert [r.grade for r in report.rows] == [check_submission(s).grade for s in subs]
    s = report.summary
    assert s["total"] == len(subs) == 52
    assert sum(s["by_grade"].values()) + s["errors"] == s["total"]
    assert s["by_grade"] == {
        g: sum(1 for r in report.rows if r.grade and r.grade.value == g) for g in "优良中差"
    }
    assert sum(u["total"] for u in s["by_unit"]) == s["total"]
    assert s["out_of_scope"] == sum(1 for r in report.rows if r.out_of_scope) > 0  # real tables under 50万元
    assert sum(s["in_scope_by_grade"].values()) == s["checked"] - sum(
        1 for r in report.rows if r.out_of_scope and r.checked
    )
    for code, n in s["by_code"].items():
        assert n == sum(1 for r in report.rows if code in r.codes)
    saved = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert saved == s


def test_skip_mode_leaves_out_of_scope_projects_out(tmp_path: Path, dev_and_real) -> None:
    listed = run_batch(dev_and_real, tmp_path / "a", BatchOptions())
    skipped = run_batch(dev_and_real, tmp_path / "b", BatchOptions(scope=ScopeRules(out_of_scope="skip")))
    out = [r for r in listed.rows if r.out_of_scope]
    assert len(skipped.rows) == len(listed.rows) - len(out)
    assert [r.seq for r in skipped.rows] == list(range(1, len(skipped.rows) + 1))
    assert skipped.summary["skipped"] == len(out) and skipped.summary["total"] == len(skipped.rows)
    assert [i["project"] for i in skipped.summary["skipped_items"]] == [r.project for r in out]
    assert all(r.result is None for r in skipped.skipped)  # not checked
