"""Citation verification: markers, quotes and article mentions are checked against this turn's sources."""

from __future__ import annotations

import pytest
from support.memory_kb import card

from assistant.citations import (
    DROPPED_MENTION,
    DROPPED_QUOTE,
    TRUST_LABELS,
    StreamingVerifier,
    Trust,
    citation_label,
    clause_trust,
    normalize_for_match,
    quote_in_clause,
    stable_prefix_length,
    to_chat_citation,
    trust_of,
    verify_answer,
    with_trust,
)


def law(*args, **kwargs):
    """An article of an ingested official text (not one of our cards)."""
    return card(*args, **kwargs).model_copy(update={"doc_kind": "law", "source": "laws/预算法.md"})


ART12 = law(
    "预算法",
    "第十二条",
    "第十二条 各级预算应当遵循统筹兼顾、勤俭节约、量力而行、讲求绩效和收支平衡的原则。",
    doc_title="中华人民共和国预算法",
)
ART32 = law(
    "预算法",
    "第三十二条",
    "第三十二条 各级预算应当根据年度经济社会发展目标、国家宏观调控总体要求和跨年度预算平衡的需要，"
    "参考上一年预算执行情况、有关支出绩效评价结果和本年度收支预测，按照规定程序征求各方面意见后，进行编制。",
    doc_title="中华人民共和国预算法",
)
IMPL32 = law(
    "预算法实施条例", "第三十二条", "第三十二条 各部门、各单位的预算支出，按其功能分类应当编列到项。"
)
SOURCES = [ART12, ART32]


def test_valid_marker_and_quote_are_kept() -> None:
    text = "预算编制要「讲求绩效」[1]，并参考「有关支出绩效评价结果」[2]。"
    out = verify_answer(text, SOURCES)
    assert out.text == text and out.dropped == 0
    assert [c.article for c in out.citations] == ["第十二条", "第三十二条"]
    assert out.citations[0].quote == "讲求绩效" and out.citations[0].label == "《预算法》第十二条"
    assert all(c.verified for c in out.citations)


def test_invented_marker_is_removed() -> None:
    out = verify_answer("应当讲求绩效[1]，并且必须经审计署批准[7]。", SOURCES)
    assert out.text == "应当讲求绩效[1]，并且必须经审计署批准。"
    assert out.dropped == 1 and "[7]" in out.problems[0]
    assert [c.article for c in out.citations] == ["第十二条"]


def test_misquote_is_replaced_and_its_marker_dropped() -> None:
    out = verify_answer("法律要求「各级预算应当追求利润最大化」[1]。", SOURCES)
    assert "利润最大化" not in out.text and DROPPED_QUOTE in out.text and "[1]" not in out.text
    assert out.dropped == 1 and out.citations == []


def test_quote_must_come_from_the_cited_clause() -> None:
    out = verify_answer("「讲求绩效」[2]", SOURCES)  # real text, but of [1], not [2]
    assert out.dropped == 1 and out.citations == []


def test_quote_without_marker_is_checked_against_all_sources() -> None:
    out = verify_answer("原文是「量力而行」。", SOURCES)
    assert out.dropped == 0 and out.citations[0].article == "第十二条"


def test_width_and_whitespace_are_normalised_but_nothing_else() -> None:
    clause = card("预算法", "第一条", "第一条 保障经济社会的健康发展，根据宪法，制定本法。")
    assert quote_in_clause("保障经济社会的 健康发展,根据宪法", clause.text)  # ASCII comma, space
    assert not quote_in_clause("保障经济社会健康发展", clause.text)  # a character left out
    assert normalize_for_match("ＡＢＣ　１２３。") == "ABC123."


def test_invented_article_mention_is_dropped() -> None:
    out = verify_answer("根据《预算法》第九十九条，项目必须评为优。《预算法》第十二条也有规定。", SOURCES)
    assert "第九十九条" not in out.text and DROPPED_MENTION in out.text
    assert "《预算法》第十二条也有规定" in out.text
    assert out.dropped == 1 and [c.article for c in out.citations] == ["第十二条"]


def test_mention_of_similar_document_is_not_confused() -> None:
    out = verify_answer("《预算法实施条例》第三十二条另有规定。", SOURCES)  # only 预算法 第三十二条 retrieved
    assert out.dropped == 1
    out = verify_answer("《预算法实施条例》第三十二条另有规定。", [IMPL32])
    assert out.dropped == 0 and out.citations[0].doc == "预算法实施条例"


def test_allowed_rule_mentions_survive() -> None:
    text = "依据《中央部门预算绩效目标管理办法》第十三条，指标应细化量化。"
    assert verify_answer(text, SOURCES).dropped == 1
    allowed = [("中央部门预算绩效目标管理办法", "第十三条")]
    assert verify_answer(text, SOURCES, allowed_mentions=allowed).dropped == 0


def test_labels_and_the_three_trust_states() -> None:
    assert citation_label("预算法", "第十二条") == "《预算法》第十二条"
    # the label never carries the state; the state travels beside it, one wording per state
    assert (
        citation_label("中央部门预算绩效目标管理办法", "第十三条", "记忆")
        == "《中央部门预算绩效目标管理办法》第十三条"
    )
    practice = citation_label("包头市财政局审核要点", None, "实务")
    assert practice.startswith("审核实务") and "《" not in practice
    assert citation_label("审核实务", "审核实务·改写方法", "实务") == "审核实务·改写方法（非文件规定）"
    assert trust_of("记忆", "第十三条", official=False) == Trust.UNCHECKED
    assert trust_of("记忆", "第十三条", official=True) == Trust.VERIFIED
    assert trust_of("二手✔", "第十条", official=False) == Trust.PARAPHRASE
    assert trust_of("记忆", None, official=False) == Trust.PARAPHRASE  # no number to check
    assert trust_of("实务", None, official=False) == Trust.PARAPHRASE
    assert TRUST_LABELS == {
        Trust.VERIFIED: "已核实",
        Trust.PARAPHRASE: "要点（转述）",
        Trust.UNCHECKED: "条款号待核对",
    }
    memory_card = card("中央部门预算绩效目标管理办法", "第十三条", "第十三条 四项设定要求", confidence="记忆")
    sourced_card = card(
        "中央部门预算绩效目标管理办法", "第二十五条", "第二十五条 审核结果分级", confidence="源文✔"
    )
    assert clause_trust(ART12) == Trust.VERIFIED and clause_trust(memory_card) == Trust.UNCHECKED
    assert clause_trust(sourced_card) == Trust.PARAPHRASE  # our card, however sure: never 已核实
    chips = [to_chat_citation(c) for c in (ART12, sourced_card, memory_card)]
    assert [(c.trust_label, c.verified) for c in chips] == [
        ("已核实", True),
        ("要点（转述）", False),
        ("条款号待核对", False),
    ]
    assert with_trust("《预算法》第十二条", Trust.VERIFIED) == "《预算法》第十二条"
    assert with_trust("《A》第二条", Trust.PARAPHRASE) == "《A》第二条〔要点（转述）〕"


ANSWER = (
    "结论：预算应当「讲求绩效」[1]。编制时要参考「有关支出绩效评价结果」[2]，"
    "但「预算可以随意调整」[2]不是原文；《预算法》第九十九条并不存在[5]。另见《预算法》第三十二条。"
)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_streaming_matches_whole_answer_verification(size: int) -> None:
    verifier = StreamingVerifier(SOURCES)
    shown = ""
    for i in range(0, len(ANSWER), size):
        delta = verifier.feed(ANSWER[i : i + size])
        shown += delta
        assert "随意调整" not in shown and "[5]" not in shown and "第九十九条" not in shown
    final, rest = verifier.finish()
    shown += rest
    whole = verify_answer(ANSWER, SOURCES)
    assert shown == final.text == whole.text
    assert final.dropped == whole.dropped == 3


def test_stable_prefix_holds_back_open_citations() -> None:
    assert stable_prefix_length("应当「讲求") == 2
    assert stable_prefix_length("应当讲求绩效[1") == 6
    assert stable_prefix_length("见《预算法》第三十") == 1
    assert stable_prefix_length("见《预算法》规定") == len("见《预算法》规定")
    assert stable_prefix_length("「讲求绩效」。") == 0  # its marker may still follow


def test_split_doc_keeps_a_bracketed_title_part_and_takes_the_last_bracket_as_the_docno():
    from assistant.citations import citation_label, split_doc

    doc = "中央部门项目支出核心绩效目标和指标设置及取值指引（试行）（财预〔2021〕101号）"
    assert split_doc(doc) == ("中央部门项目支出核心绩效目标和指标设置及取值指引（试行）", "财预〔2021〕101号")
    assert citation_label(doc).startswith(
        "《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》（财预〔2021〕101号）"
    )
