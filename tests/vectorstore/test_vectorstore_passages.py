from core.models import Clause
from vectorstore.passages import index_text, sentences, squeeze_cjk_spaces, vector_passages


def _clause(**kw) -> Clause:
    base = {
        "id": "c1",
        "doc_id": "d1",
        "doc_title": "中华人民共和国预算法",
        "doc_short": "预算法",
        "source": "预算法.md",
        "article": "第六十九条",
        "path": ["第七章 预算调整", "第六十九条"],
        "text": "第六十九条 在预算执行中，各级政府对于必须进行的预算调整，应当编制预算调整方案。\n"
        "在预算执行中，由于发生自然灾害等突发事件，必须及时增加预算支出的，应当先动用预备费。",
        "paragraphs": [
            "在预算执行中，各级政府对于必须进行的预算调整，应当编制预算调整方案。",
            "在预算执行中，由于发生自然灾害等突发事件，必须及时增加预算支出的，应当先动用预备费。",
        ],
    }
    base.update(kw)
    return Clause(**base)


def _paragraphs(clause: Clause) -> list[str]:
    return [text for unit, text in vector_passages(clause) if unit == "paragraph"]


def test_one_dense_passage_per_paragraph_each_with_title_and_article():
    passages = _paragraphs(_clause())
    assert len(passages) == 2
    assert all(p.startswith("中华人民共和国预算法 第六十九条 ") for p in passages)
    assert passages[1].endswith("应当先动用预备费。")


def test_single_paragraph_clause_is_one_passage_without_a_doubled_label():
    clause = _clause(
        text="第十三条 未列入预算的不得支出。", article="第十三条", paragraphs=["未列入预算的不得支出。"]
    )
    assert vector_passages(clause) == [("paragraph", "中华人民共和国预算法 第十三条 未列入预算的不得支出。")]
    outline = _clause(
        article=None, heading="审核结果分级", text="审核结果分优、良、中、差四档。", paragraphs=[]
    )
    assert _paragraphs(outline) == ["中华人民共和国预算法 审核结果分级 审核结果分优、良、中、差四档。"]


def test_paragraphs_of_several_sentences_or_items_also_get_one_vector_per_sentence():
    penalty = _clause(
        article="第七十一条",
        paragraphs=[],
        text=(
            "第七十一条 采购人有下列情形之一的，责令限期改正，给予警告："
            "（一）未按照规定编制政府采购实施计划的；"
            "（二）擅自提高采购标准的。对直接负责的主管人员依法给予处分。"
        ),
    )
    units = vector_passages(penalty)
    assert [u for u, _ in units] == ["paragraph"] + ["sentence"] * 4
    assert all(text.startswith("中华人民共和国预算法 第七十一条 ") for _, text in units)
    assert units[2][1].endswith("（一）未按照规定编制政府采购实施计划的；")
    assert sentences("未列入预算的不得支出。") == []  # one sentence: the 款 vector is enough
    assert sentences("前款所称预算调整。（一）无。另有规定的除外。") == [
        "前款所称预算调整。",
        "另有规定的除外。",
    ]
    two = vector_passages(_clause())
    assert [u for u, _ in two] == ["paragraph", "paragraph"]  # each 款 here is a single sentence


def test_lexical_text_has_title_and_chapter():
    text = index_text(_clause())
    assert text.startswith("中华人民共和国预算法 第七章 预算调整\n第六十九条")
    assert "预备费" in text


def test_pdf_gaps_inside_chinese_are_closed():
    assert squeeze_cjk_spaces("按照财政部规定列 入转移性支出") == "按照财政部规定列入转移性支出"
    assert squeeze_cjk_spaces("第一款\n第二款") == "第一款\n第二款"
    assert squeeze_cjk_spaces("GDP 增长 5%") == "GDP 增长 5%"
