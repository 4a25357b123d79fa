"""The main command indexes the policy texts beside the checkout (issue 16: knowledge out of the box)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.demo import BUNDLED_SAMPLES, REPO, default_corpus
from jixiao.cli.main import app


def test_default_corpus_is_the_shared_laws_local_and_partial_texts(corpus_dir: Path) -> None:
    if corpus_dir.resolve() != (REPO.parent / "shared" / "corpus").resolve():
        pytest.skip("../shared is not beside the checkout")
    assert [p.name for p in default_corpus()] == ["laws", "local", "partial"]


@pytest.mark.slow
def test_demo_indexes_the_corpus_and_its_opinions_quote_the_official_text(tmp_data_dir, corpus_dir) -> None:
    from assistant.records import get_user, open_records, session_scope
    from assistant.workflow import get_review, list_submissions
    from core.settings import get_settings

    runner = CliRunner()
    missing = runner.invoke(app, ["demo", "--no-serve", "--corpus", str(corpus_dir / "无此目录")])
    assert missing.exit_code == 2 and "不存在" in missing.output
    run = runner.invoke(
        app, ["demo", "--no-serve", "--corpus", str(corpus_dir / "partial"), str(BUNDLED_SAMPLES)]
    )
    assert run.exit_code == 0, run.output
    assert "政策文件（partial）：新增 3 份" in run.output
    from vectorstore.knowledge_base import KnowledgeBase

    kb = KnowledgeBase.open(get_settings())
    try:
        documents = kb.list_documents()
    finally:
        kb.close()
    # the official text beside our starter card of the same 文号
    assert {d.kind for d in documents if d.doc_no == "财预〔2020〕10号"} == {"policy", "starter"}
    with session_scope(open_records(get_settings())) as session:
        reviewer = get_user(session, "demo_reviewer")
        texts = [
            get_review(session, viewer=reviewer, submission_id=r.id).text
            for r in list_submissions(session, viewer=reviewer)
        ]
    assert texts and all("凭记忆" not in t and "待核对" not in t for t in texts)
