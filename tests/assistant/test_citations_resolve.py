"""Catalog citations resolved against ingested official texts (issue 16): verified quotes from the clause
that carries the point, honest marks where the text is missing, wrong article numbers reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.memory_kb import MemoryKB, card, corpus_clauses
from typer.testing import CliRunner

from assistant.checks.catalog import CATALOG_FILE, load_catalog
from assistant.citation_audit import audit_citations, catalog_citations
from assistant.citation_resolve import resolve_citation
from assistant.citations import Trust, quote_in_clause
from assistant.models import Citation

PARTIAL_10 = "项目支出绩效评价管理办法（财预〔2020〕10号，节选）.md"
DOC_10 = "项目支出绩效评价管理办法（财预〔2020〕10号）"
DEFINITION = "绩效评价是依据设定的绩效目标，对项目支出的经济性、效率性、效益性和公平性进行测量、分析和评判。"
WRONG_ARTICLE = "第三条"  # the definition is 第二条 of 财预〔2020〕10号


def _is_cy10_article_1_to_4(cite: Citation) -> bool:
    return "财预〔2020〕10号" in cite.doc and cite.article in ("第一条", "第二条", "第三条", "第四条")


@pytest.fixture(scope="module")
def partial_kb(corpus_dir: Path) -> MemoryKB:
    """The partial official 10号 text (parsed by article) beside our starter cards of the same document."""
    official = corpus_clauses(corpus_dir / "partial" / PARTIAL_10)
    cards = [
        card(
            "项目支出绩效评价管理办法",
            "第二条",
            "第二条 绩效评价的定义\n" + DEFINITION,
            doc_no="财预〔2020〕10号",
            confidence="二手✔",
        ),
        card(
            "中央部门预算绩效目标管理办法",
            "第十三条",
            "第十三条 四项设定要求\n绩效目标应当符合四项要求。",
            doc_no="财预〔2015〕88号",
            confidence="记忆",
        ),
    ]
    return MemoryKB(official + cards)


def test_a_citation_of_an_ingested_official_text_shows_its_own_sentence(partial_kb) -> None:
    resolved = resolve_citation(
        Citation(doc=DOC_10, article="第二条", quote=DEFINITION, confidence="二手✔"), partial_kb
    )
    assert resolved.trust == Trust.VERIFIED and resolved.trust_label == "已核实" and not resolved.mismatch
    clause = partial_kb.get_clause(resolved.clause_id)
    assert clause.doc_kind != "starter" and clause.article == "第二条"  # the official text, not our card
    assert quote_in_clause(resolved.quote, clause.text) and resolved.quote.startswith("项目支出绩效评价")
    assert resolved.label == "《项目支出绩效评价管理办法》（财预〔2020〕10号）第二条"


def test_a_wrong_article_number_resolves_to_the_article_that_carries_the_point(partial_kb) -> None:
    cite = Citation(doc=DOC_10, article="约" + WRONG_ARTICLE, quote=DEFINITION, confidence="记忆")
    resolved = resolve_citation(cite, partial_kb)
    assert resolved.mismatch and resolved.article_found == "第二条" and resolved.trust == Trust.VERIFIED
    assert "第二条" in resolved.label and WRONG_ARTICLE not in resolved.label  # never the wrong number


def test_a_point_the_partial_text_lacks_keeps_its_mark(partial_kb) -> None:
    lacks = Citation(
        doc=DOC_10,
        article="第三章（定性指标计分）",
        quote="定性指标按达成、部分达成、未达成三档计分。",
        confidence="记忆",
    )
    resolved = resolve_citation(lacks, partial_kb)
    assert resolved.official and resolved.trust == Trust.UNCHECKED and resolved.trust_label == "条款号待核对"
    not_ingested = Citation(
        doc="中央部门预算绩效目标管理办法（财预〔2015〕88号）",
        article="约第十三条",
        quote="绩效目标应当符合四项要求",
        confidence="记忆",
    )
    resolved = resolve_citation(not_ingested, partial_kb)
    assert not resolved.official and resolved.trust == Trust.UNCHECKED
    assert partial_kb.get_clause(resolved.clause_id).doc_kind == "starter"  # the link opens our card
    sourced = resolve_citation(not_ingested.model_copy(update={"confidence": "二手✔"}), partial_kb)
    assert sourced.trust == Trust.PARAPHRASE and sourced.trust_label == "要点（转述）"


def test_every_catalog_citation_of_10_articles_1_to_4_verifies(partial_kb) -> None:
    items = [(rule_id, c) for rule_id, c in catalog_citations(load_catalog()) if "财预〔2020〕10号" in c.doc]
    cited_1_to_4 = [(r, c) for r, c in items if _is_cy10_article_1_to_4(c)]
    assert len(cited_1_to_4) >= 2
    audit = audit_citations(items, partial_kb)
    for check in audit.checks:
        if check.article in ("第一条", "第二条", "第三条", "第四条"):
            assert (
                check.trust == Trust.VERIFIED and check.article_found == check.article and not check.mismatch
            )
            assert quote_in_clause(check.quote, partial_kb.get_clause(check.clause_id).text)
        else:  # 第三章… is missing from the partial text: the citation keeps its honest state
            assert check.trust != Trust.VERIFIED and check.official and check.status == "原文未见该要点"


def test_a_test_catalog_with_a_wrong_article_is_reported(partial_kb, tmp_path: Path) -> None:
    text = CATALOG_FILE.read_text(encoding="utf-8")
    wrong = text.replace("{doc: cy10, article: 第二条,", f"{{doc: cy10, article: {WRONG_ARTICLE},", 1)
    assert wrong != text
    path = tmp_path / "catalog.yaml"
    path.write_text(wrong, encoding="utf-8")
    audit = audit_citations(catalog_citations(load_catalog(path)), partial_kb)
    (mismatch,) = audit.mismatches
    assert mismatch.article == WRONG_ARTICLE and mismatch.article_found == "第二条"
    assert mismatch.status == "条款号不符" and "依据设定的绩效目标" in mismatch.quote


# -- the real knowledge base and the CLI -----------------------------------------------------------


@pytest.fixture(scope="module")
def real_kb_dir(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    from assistant.knowledge import starter_pack_dir
    from core.settings import Settings
    from vectorstore.knowledge_base import KnowledgeBase

    data_dir = tmp_path_factory.mktemp("var")
    kb = KnowledgeBase.open(Settings(_env_file=None, data_dir=data_dir))
    kb.ensure_starter(starter_pack_dir())
    assert not kb.ingest_paths([corpus_dir / "partial"]).failed
    kb.close()
    return data_dir


@pytest.mark.slow
def test_verify_citations_command_over_the_real_index(real_kb_dir, tmp_path, monkeypatch) -> None:
    from core.settings import get_settings
    from jixiao.cli.main import app

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(real_kb_dir))
    get_settings.cache_clear()
    try:
        ok = CliRunner().invoke(app, ["docs", "verify-citations", "--format", "json"])
        assert ok.exit_code == 0, ok.output
        checks = json.loads(ok.stdout)["checks"]
        verified = [c for c in checks if c["status"] == "已核实"]
        assert {c["article"] for c in verified} >= {"第二条", "第四条"}
        assert all(c["trust_label"] == "已核实" and c["quote"] for c in verified)
        # 88号 is not ingested: its memory-grade citations keep 条款号待核对
        p88 = [c for c in checks if "88号" in c["doc"]]
        assert p88 and all(c["status"] == "未导入正式文本" for c in p88)
        assert any(c["trust_label"] == "条款号待核对" for c in p88)

        wrong = tmp_path / "catalog.yaml"
        text = CATALOG_FILE.read_text(encoding="utf-8")
        wrong.write_text(
            text.replace("{doc: cy10, article: 第二条,", "{doc: cy10, article: 第三条,", 1), "utf-8"
        )
        bad = CliRunner().invoke(app, ["docs", "verify-citations", "--catalog", str(wrong)])
        assert bad.exit_code == 1
        assert "条款号不符" in bad.stdout and "第三条" in bad.stdout and "第二条" in bad.stdout
        missing = CliRunner().invoke(
            app, ["docs", "verify-citations", "--catalog", str(tmp_path / "无.yaml")]
        )
        assert missing.exit_code == 1 and "不存在" in missing.output and "Traceback" not in missing.output
    finally:
        get_settings.cache_clear()


@pytest.mark.slow
def test_opinion_quotes_the_official_sentence_once_the_text_is_ingested(real_kb_dir) -> None:
    from assistant.checks import check_submission
    from assistant.models import Submission
    from assistant.opinion import draft_opinion, render_opinion_text
    from core.settings import Settings
    from vectorstore.knowledge_base import KnowledgeBase

    kb = KnowledgeBase.open(Settings(_env_file=None, data_dir=real_kb_dir))
    try:
        sub = Submission.model_validate(
            {
                "id": "G1",
                "project": "村级道路保洁",
                "budget_yuan": 500000,
                "annual_goal": "",
                "indicators": [
                    {
                        "level1": "产出指标",
                        "level2": "数量指标",
                        "name": "保洁道路长度",
                        "op": "≥",
                        "value": "20",
                        "unit": "公里",
                        "weight": 50,
                    },
                    {
                        "level1": "满意度指标",
                        "level2": "服务对象满意度指标",
                        "name": "群众满意度",
                        "op": "≥",
                        "value": "90",
                        "unit": "%",
                        "weight": 50,
                    },
                ],
            }
        )
        result = check_submission(sub)
        assert "GOAL_MISSING" in {f.code for f in result.findings}
        op = draft_opinion(sub, result, kb=kb)
        refs = [r for f in op.findings() for r in f.citations if r.article == "第二条"]
        assert refs and all(r.trust == Trust.VERIFIED for r in refs)
        text = render_opinion_text(op)
        shown = refs[0].quote.rstrip("。")
        assert f"《项目支出绩效评价管理办法》（财预〔2020〕10号）第二条：「{shown}」" in text
        assert quote_in_clause(refs[0].quote, kb.get_clause(refs[0].clause_id).text)
    finally:
        kb.close()
