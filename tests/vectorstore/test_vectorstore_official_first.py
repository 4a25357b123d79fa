"""An ingested official text outranks our starter card of the same document and article (issue 16)."""

from __future__ import annotations

from vectorstore_kit import BUDGET_LAW, make_document

from vectorstore.lookup import match_documents, official_first
from vectorstore.models import DocumentInfo, SearchHit


def _info(doc) -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc.doc_id,
        title=doc.title,
        short_title=doc.short_title,
        doc_no=doc.doc_no,
        kind=doc.kind,
        region=doc.region,
        source=doc.source,
        sha256=doc.sha256,
        clauses=len(doc.clauses),
        ingested_at="2024-01-01T00:00:00+00:00",
    )


LAW = make_document("预算法", BUDGET_LAW, title="中华人民共和国预算法")
CARDS = make_document(
    "预算法",
    {
        "第十三条": "预算法第十三条要点：未列入预算的不得支出（转述）。",
        "第九十九条": "一张没有原文对应的卡片。",
    },
    title="中华人民共和国预算法",
    kind="starter",
    source="starter/yusuanfa.md",
)
OTHER = make_document(
    "审计法", {"第一条": "为了加强国家的审计监督，制定本法。"}, title="中华人民共和国审计法"
)
DOCS = [_info(d) for d in (CARDS, LAW, OTHER)]
CLAUSES = [c for d in (CARDS, LAW, OTHER) for c in d.clauses]


def _hits(*clauses) -> list[SearchHit]:
    return [SearchHit(clause=c, score=10.0 - i) for i, c in enumerate(clauses)]


def test_the_official_article_takes_the_cards_place() -> None:
    card13, card99 = CARDS.clauses
    law13 = next(c for c in LAW.clauses if c.article == "第十三条")
    other = OTHER.clauses[0]
    out = official_first(_hits(card13, other, card99), DOCS, CLAUSES)
    assert [h.clause.id for h in out] == [law13.id, card13.id, other.id]  # same length: the last card drops
    # already retrieved below the card: it moves up, not in twice
    out = official_first(_hits(card13, other, law13), DOCS, CLAUSES)
    assert [h.clause.id for h in out] == [law13.id, card13.id, other.id]


def test_cards_without_an_official_twin_and_filtered_documents_stay_as_they_are() -> None:
    card13, card99 = CARDS.clauses
    hits = _hits(card99, OTHER.clauses[0])
    assert official_first(hits, DOCS, CLAUSES) == hits
    only_cards = _hits(card13)
    assert official_first(only_cards, DOCS, CLAUSES, allowed_docs={CARDS.doc_id}) == only_cards
    assert official_first(only_cards, [_info(CARDS)], CARDS.clauses) == only_cards


def test_citation_lookup_prefers_the_official_text() -> None:
    assert [d.kind for d in match_documents(DOCS, "预算法")] == ["law", "starter"]
    notice = make_document(
        "项目支出绩效评价管理办法（财预〔2020〕10号，节选）",
        {"第二条": "项目支出绩效评价是指……"},
        title="关于印发《项目支出绩效评价管理办法》的通知",
        kind="policy",
        doc_no="财预〔2020〕10号",
    )
    info = [_info(notice)]
    # by 文号, by the title the notice issues, by the file's title without （…，节选）
    for key in ("财预〔2020〕10号", "项目支出绩效评价管理办法", "《项目支出绩效评价管理办法》"):
        assert match_documents(info, key) == info, key
