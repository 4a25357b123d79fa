"""The starter knowledge pack: every card parses into one starter clause, is paraphrased (not copied),
carries its confidence honestly, and answers the typical reviewer questions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.knowledge import starter_pack_dir, starter_pack_files
from ingest.policy import load_document
from ingest.policy.structure import CONFIDENCE_MARKS


@pytest.fixture(scope="module")
def pack():
    return [load_document(path) for path in starter_pack_files()]


@pytest.fixture(scope="module")
def cards(pack):
    return [c for doc in pack for c in doc.clauses]


def _card(cards, doc_short: str, article: str):
    found = [c for c in cards if c.doc_short == doc_short and c.article == article]
    assert len(found) == 1, (doc_short, article)
    return found[0]


def test_pack_location_and_readme():
    assert starter_pack_dir().is_dir() and len(starter_pack_files()) >= 6
    readme = (starter_pack_dir().parent / "README.md").read_text(encoding="utf-8")
    assert "转述" in readme and "不是任何文件的官方原文" in readme
    assert not list(starter_pack_dir().glob("README*"))  # only cards are ingestible


def test_one_clause_per_card_heading(pack):
    for doc in pack:
        source = (starter_pack_dir() / doc.source).read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+)$", source, re.MULTILINE)
        assert [c.article for c in doc.clauses] == [h.split()[0] for h in headings], doc.source
        assert doc.kind == "starter" and all(c.doc_kind == "starter" for c in doc.clauses)
        assert all(c.confidence in CONFIDENCE_MARKS for c in doc.clauses), doc.source
        assert all(c.heading and c.text.startswith(f"{c.article} {c.heading}") for c in doc.clauses)


def test_rule_cards_count_and_front_matter(pack, cards):
    rule_cards = [c for c in cards if not c.article.startswith("术语·")]
    assert 25 <= len(rule_cards) <= 40
    assert len(cards) - len(rule_cards) >= 12  # glossary terms
    by_short = {d.short_title: d for d in pack}
    assert by_short["中央部门预算绩效目标管理办法"].doc_no == "财预〔2015〕88号"
    assert by_short["项目支出绩效评价管理办法"].doc_no == "财预〔2020〕10号"
    assert by_short["中央部门项目支出核心绩效目标和指标设置及取值指引"].doc_no == "财预〔2021〕101号"
    assert by_short["关于全面实施预算绩效管理的意见"].doc_no == "中发〔2018〕34号"
    assert by_short["预算法"].title == "中华人民共和国预算法"
    assert len({c.id for c in cards}) == len(cards)


@pytest.mark.parametrize(
    "doc_short, article, confidence, must_contain",
    [
        ("中央部门预算绩效目标管理办法", "第二十四条", "二手✔", ["完整性", "相关性", "适当性", "可行性"]),
        ("中央部门预算绩效目标管理办法", "第二十五条", "源文✔", ["中：退回", "重新报送审核", "差：不得"]),
        (
            "中央部门预算绩效目标管理办法",
            "第十三条",
            "记忆",
            ["指向明确", "细化量化", "合理可行", "相应匹配"],
        ),
        ("中央部门预算绩效目标管理办法", "第二十六条", "源文✔", ["两级"]),
        ("中央部门预算绩效目标管理办法", "第十条", "二手✔", ["数量、质量、时效、成本", "可持续影响"]),
        ("中央部门预算绩效目标管理办法", "第十一条", "记忆", ["历史标准", "行业标准", "计划标准"]),
        ("中央部门预算绩效目标管理办法", "第二条", "记忆", ["产出和效果"]),
        (
            "项目支出绩效评价管理办法",
            "第十四条",
            "二手✔",
            ["预算执行率10%", "产出指标50%", "效益指标30%", "满意度指标10%"],
        ),
        ("项目支出绩效评价管理办法", "第三章·计分规则", "记忆", ["80%至100%", "扣减分值"]),
        ("项目支出绩效评价管理办法", "第三章·评价等级", "二手✔", ["优90至100分", "差0至59分"]),
        ("关于全面实施预算绩效管理的意见", "第（四）项", "二手✔", ["立项必要性", "筹资合规性"]),
        (
            "关于全面实施预算绩效管理的意见",
            "第（五）项",
            "二手✔",
            ["成本", "生态效益", "服务对象满意度", "前置条件"],
        ),
        ("关于全面实施预算绩效管理的意见", "第（六）项", "二手✔", ["双监控"]),
        ("关于全面实施预算绩效管理的意见", "第（七）项", "二手✔", ["削减或取消"]),
        ("关于全面实施预算绩效管理的意见", "第（十一）项", "二手✔", ["可比可测"]),
        (
            "中央部门项目支出核心绩效目标和指标设置及取值指引",
            "指引·四类一级指标",
            "记忆",
            ["成本指标、产出指标"],
        ),
        ("中央部门项目支出核心绩效目标和指标设置及取值指引", "指引·满意度指标", "记忆", ["统一下限"]),
        ("预算法", "第三十二条", "源文✔", ["绩效目标管理"]),
        ("预算法", "第十二条", "源文✔", ["讲求绩效"]),
        ("预算法", "第五十七条", "源文✔", ["绩效评价"]),
        ("审核实务", "审核实务·改写方法", "实务", ["群众满意度明显提升", "≥ 90%"]),
        ("审核实务", "审核实务·模糊表述", "实务", ["进一步", "不要写“违反"]),
    ],
)
def test_cards_answer_reviewer_questions(cards, doc_short, article, confidence, must_contain):
    card = _card(cards, doc_short, article)
    assert card.confidence == confidence
    for phrase in must_contain:
        assert phrase in card.text, (article, phrase)


def test_unverified_article_numbers_say_so(cards):
    """A card whose article number is not confirmed in the source says it is from memory."""
    for card in cards:
        if card.article.startswith("第") and card.confidence != "源文✔":
            assert "记忆" in card.text, (card.doc_short, card.article)


def test_practice_cards_never_claim_a_violation(cards):
    for card in cards:
        if card.confidence == "实务":
            assert not re.search(
                r"违反[^“”]{0,12}(规定|条)", card.text.replace("不要写“违反某文件禁用词规定”", "")
            )


def test_cards_paraphrase_rather_than_copy_the_law(cards, corpus_dir: Path):
    law = re.sub(r"\s+", "", (corpus_dir / "laws" / "预算法.md").read_text(encoding="utf-8"))
    window = 30
    for card in (c for c in cards if c.doc_short == "预算法"):
        text = re.sub(r"\s+", "", card.text)
        copied = [text[i : i + window] for i in range(len(text) - window) if text[i : i + window] in law]
        assert not copied, (card.article, copied[:1])


REVIEWER_QUESTIONS = [
    ("绩效目标审核有哪四个维度", "第二十四条"),
    ("审核结果为中的怎么处理", "第二十五条"),
    ("10号文自评权重是多少", "第十四条"),
    ("34号文对绩效目标管理有什么要求", "第（五）项"),
    ("群众满意度明显提升怎么改写", "审核实务·改写方法"),
    ("什么是双监控", "术语·双监控"),
    ("事前绩效评估论证哪些方面", "第（四）项"),
    ("定性指标怎么计分", "第三章·计分规则"),
    ("成本指标怎么设置", "指引·成本指标"),
    ("资金到位率能不能作为产出指标", "审核实务·投入不是产出"),
    ("绩效目标设定有哪些要求", "第十三条"),
    ("满意度有没有统一下限", "指引·满意度指标"),
]


def test_plain_bm25_finds_the_right_card_for_typical_questions(cards):
    """Quality of the cards themselves: even plain jieba+BM25 over title, 文号 and text puts the
    card that answers each typical reviewer question in the top 3."""
    import logging

    import bm25s
    import jieba

    jieba.setLogLevel(logging.WARNING)
    stop = {
        "的",
        "了",
        "是",
        "有",
        "哪些",
        "什么",
        "怎么",
        "多少",
        "能",
        "不能",
        "能不能",
        "对",
        "没有",
        "有没有",
    }

    def tokens(text: str) -> list[str]:
        return [w for w in jieba.cut_for_search(text) if w.strip() and w not in stop]

    index = bm25s.BM25()
    index.index([tokens(f"{c.doc_title} {c.doc_no or ''} {c.text}") for c in cards], show_progress=False)
    for question, article in REVIEWER_QUESTIONS:
        ids, _ = index.retrieve([tokens(question)], k=3, show_progress=False)
        assert article in [cards[i].article for i in ids[0]], question
