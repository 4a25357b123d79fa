from ingest.models import Clause
from vectorstore.passages import dense_passages, index_text, squeeze_cjk_spaces


def _clause(**kw) -> Clause:
    base = {"id": "c1", "doc_id": "d1", "doc_title": "中华人民共和国预算法", "doc_short": "预算法",
            "source": "预算法.md", "article": "第六十九条", "path": ["第七章 预算调整", "第六十九条"],
            "text": "第六十九条 在预算执行中，各级政府对于必须进行的预算调整，应当编制预算调整方案。\n"
                    "在预算执行中，由于发生自然灾害等突发事件，必须及时增加预算支出的，应当先动用预备费。",
            "paragraphs": ["在预算执行中，各级政府对于必须进行的预算调整，应当编制预算调整方案。",
                           "在预算执行中，由于发生自然灾害等突发事件，必须及时增加预算支出的，应当先动用预备费。"]}
    base.update(kw)
    return Clause(**base)


def test_one_dense_passage_per_paragraph_each_with_title_and_article():
    passages = dense_passages(_clause())
    assert len(passages) == 2
    assert all(p.startswith("中华人民共和国预算法 第六十九条 ") for p in passages)
    assert passages[1].endswith("应当先动用预备费。")


def test_single_paragraph_clause_is_one_passage_without_a_doubled_label():
    clause = _clause(text="第十三条 未列入预算的不得支出。", article="第十三条", paragraphs=["未列入预算的不得支出。"])
    assert dense_passages(clause) == ["中华人民共和国预算法 第十三条 未列入预算的不得支出。"]
    outline = _clause(article=None, heading="审核结果分级", text="审核结果分优、良、中、差四档。", paragraphs=[])
    assert dense_passages(outline) == ["中华人民共和国预算法 审核结果分级 审核结果分优、良、中、差四档。"]


def test_lexical_text_has_title_and_chapter():
    text = index_text(_clause())
    assert text.startswith("中华人民共和国预算法 第七章 预算调整\n第六十九条")
    assert "预备费" in text


def test_pdf_gaps_inside_chinese_are_closed():
    assert squeeze_cjk_spaces("按照财政部规定列 入转移性支出") == "按照财政部规定列入转移性支出"
    assert squeeze_cjk_spaces("第一款\n第二款") == "第一款\n第二款"
    assert squeeze_cjk_spaces("GDP 增长 5%") == "GDP 增长 5%"
