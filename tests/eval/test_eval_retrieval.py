"""Retrieval eval: metric arithmetic, the naive baseline, the dev-set bars, and PDF/DOCX parity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.errors import UserError
from eval.retrieval import (
    BLIND_DATASET,
    HARD_DATASET,
    HELDOUT_STANDIN_DATASET,
    SCENARIO_DATASET,
    SYNTHETIC_DATASET,
    NaiveChunkIndex,
    RetrievalQuestion,
    build_temp_kb,
    evaluate_ranker,
    kb_ranker,
    load_questions,
    score_rankings,
)

Q = RetrievalQuestion


def test_load_questions_names_the_bad_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"q": "预备费？", "doc": "预算法", "article": "第四十条"}\n\n{"q": "缺字段"}\n', encoding="utf-8"
    )
    with pytest.raises(UserError, match="gold.jsonl.*第3行"):
        load_questions(path)
    path.write_text('{"q": "预备费？", "doc": "预算法", "article": "第四十条"}\n', encoding="utf-8")
    assert load_questions(path) == [Q(q="预备费？", doc="预算法", article="第四十条")]
    with pytest.raises(UserError, match="不存在"):
        load_questions(tmp_path / "missing.jsonl")


def test_metrics_arithmetic():
    questions = [Q(q=str(i), doc="d", article="a") for i in range(4)]
    hits = [[True], [False, True], [False] * 4 + [True], [False] * 10]
    m = score_rankings("x", questions, hits)
    assert (m.recall_at_1, m.recall_at_5) == (0.25, 0.75)
    assert m.mrr == pytest.approx((1 + 1 / 2 + 1 / 5) / 4)
    assert m.first_hit_ranks == [1, 2, 5, None]


def test_same_article_in_another_document_is_a_miss():
    questions = [Q(q="q", doc="预算法", article="第十三条")]
    ranked = {"q": [("预算法实施条例", "第十三条"), ("预算法", "第十三条第二款"), ("预算法", "第十三条")]}
    m = evaluate_ranker("x", questions, lambda query: ranked[query])
    assert m.first_hit_ranks == [3]


def test_naive_baseline_counts_a_chunk_with_the_label_from_the_gold_doc(tmp_path):
    (tmp_path / "甲法.md").write_text(
        "第一条 预备费用于自然灾害。" + "填充文字" * 200 + "第二条 审计通知书三日前送达。", encoding="utf-8"
    )
    (tmp_path / "乙法.md").write_text("第一条 预备费的比例另行规定。", encoding="utf-8")
    index = NaiveChunkIndex(sorted(tmp_path.glob("*.md")))
    assert len(index.chunks) == 3
    m = index.evaluate(
        [
            Q(q="预备费用于自然灾害", doc="甲法", article="第一条"),
            Q(q="审计通知书", doc="甲法", article="第二条"),
            Q(q="预备费的比例", doc="乙法", article="第九条"),
        ]
    )
    assert m.first_hit_ranks[0] in (1, 2) and m.first_hit_ranks[1] == 1 and m.first_hit_ranks[2] is None


_SUMMARY = re.compile(
    r"^retrieval: r@1=(\d\.\d\d) r@5=(\d\.\d\d) mrr=(\d\.\d\d) bm25_r@5=(\d\.\d\d) "
    r"bm25_mrr=(\d\.\d\d) naive_r@5=(\d\.\d\d) rrf_mrr=(\d\.\d\d) answer1=(\d\.\d\d)$"
)


@pytest.mark.slow
def test_dev_set_bars_via_the_cli(data_dir_shared, corpus_dir):
    from jixiao.cli.main import app

    result = CliRunner().invoke(
        app,
        [
            "eval",
            "retrieval",
            "--dataset",
            str(data_dir_shared / "retrieval_dev.jsonl"),
            "--corpus",
            str(corpus_dir),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    match = _SUMMARY.match(last)
    assert match, last
    r1, r5, mrr, _bm25_r5, bm25_mrr, naive_r5, _rrf_mrr, answer1 = map(float, match.groups())
    assert r1 >= 0.85 and r5 >= 0.95 and mrr >= 0.90, last
    # issue 16: the rules-only answer's first sentence comes from the expected article (measured 0.95)
    assert answer1 >= 0.90, last
    assert mrr > bm25_mrr, last
    assert naive_r5 < r5, last


_LINE = re.compile(
    r"^retrieval(?:\[(\w+)\])?: r@1=(\d\.\d\d) r@5=(\d\.\d\d) mrr=(\d\.\d\d) bm25_r@5=(\d\.\d\d) "
    r"bm25_mrr=(\d\.\d\d) naive_r@5=(\d\.\d\d) rrf_mrr=(\d\.\d\d) answer1=(\d\.\d\d)$"
)


@pytest.mark.parametrize(
    "dataset, minimum",
    [
        (SCENARIO_DATASET, 60),
        (BLIND_DATASET, 90),
        (SYNTHETIC_DATASET, 500),
        (HELDOUT_STANDIN_DATASET, 120),
        (HARD_DATASET, 70),
    ],
)
def test_paraphrase_sets_are_well_formed_and_cover_every_document(dataset, minimum, corpus_dir):
    questions = load_questions(dataset)
    stems = {p.stem for sub in ("laws", "local") for p in (corpus_dir / sub).glob("*.md")}
    assert len(questions) >= minimum and {q.doc for q in questions} == stems
    assert len({q.q for q in questions}) == len(questions)
    assert all(re.fullmatch(r"第[零一二三四五六七八九十百]+条", q.article) for q in questions)
    texts = {
        stem: (corpus_dir / sub / f"{stem}.md").read_text(encoding="utf-8")
        for sub in ("laws", "local")
        for stem in stems
        if (corpus_dir / sub / f"{stem}.md").exists()
    }
    assert all(q.article in texts[q.doc] for q in questions)


@pytest.mark.slow
def test_paraphrase_sets_bars_via_the_cli_on_one_index(corpus_dir):
    """Scenario, blind, synthetic and held-out stand-in sets on one index build (eval/datasets/README.md).

    Measured (learned fusion): scenarios r@5 0.96 / MRR 0.79, blind 0.97 / 0.87, synthetic 0.95 / 0.85,
    held-out stand-in 0.96 / 0.92; bars sit just below, so a regression shows and noise does not. The
    stand-in must also hold the product's held-out bar (r@5 >= 0.95, MRR >= 0.88). On the two sets no
    question of which was used to choose features or weights, the learned fusion must not lose to
    reciprocal-rank fusion.
    """
    from jixiao.cli.main import app

    args = ["eval", "retrieval", "--corpus", str(corpus_dir)]
    for dataset in (
        SCENARIO_DATASET,
        BLIND_DATASET,
        SYNTHETIC_DATASET,
        HELDOUT_STANDIN_DATASET,
        HARD_DATASET,
    ):
        args += ["--dataset", str(dataset)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = [m for line in result.stdout.splitlines() if (m := _LINE.match(line.strip()))]
    scores = {m.group(1): tuple(map(float, m.groups()[1:8])) for m in lines}
    assert set(scores) == {
        "retrieval_scenarios",
        "retrieval_blind",
        "retrieval_synthetic",
        "retrieval_heldout_standin",
        "retrieval_hard",
    }, result.stdout
    bars = {
        "retrieval_scenarios": (0.93, 0.77),
        "retrieval_blind": (0.94, 0.85),
        "retrieval_synthetic": (0.93, 0.83),
        "retrieval_heldout_standin": (0.95, 0.90),
        "retrieval_hard": (0.95, 0.88),  # issue 16's bar; first contact 0.971 / 0.888
    }
    for name, (min_r5, min_mrr) in bars.items():
        _r1, r5, mrr, _bm25_r5, bm25_mrr, naive_r5, _rrf_mrr = scores[name]
        assert r5 >= min_r5 and mrr >= min_mrr, (name, scores[name])
        assert mrr > bm25_mrr and naive_r5 < r5, (name, scores[name])
    for name in ("retrieval_blind", "retrieval_heldout_standin"):
        assert scores[name][2] >= scores[name][6], (name, scores[name])


def _ranks_on(files: list[Path], questions: list[RetrievalQuestion], data_dir: Path):
    kb = build_temp_kb(files, data_dir)
    try:
        ranker = kb_ranker(kb, "hybrid")
        return [ranker(q.q)[:5] for q in questions], evaluate_ranker("x", questions, ranker)
    finally:
        kb.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    "formatted, markdown",
    [
        ("formats/预算法实施条例.pdf", "laws/预算法实施条例.md"),
        ("formats/青岛市预算绩效管理条例.docx", "local/青岛市预算绩效管理条例.md"),
    ],
)
def test_pdf_and_docx_answer_like_markdown(formatted, markdown, corpus_dir, data_dir_shared, tmp_path):
    doc = Path(markdown).stem
    questions = [q for q in load_questions(data_dir_shared / "retrieval_dev.jsonl") if q.doc == doc]
    assert questions
    top_fmt, m_fmt = _ranks_on([corpus_dir / formatted], questions, tmp_path / "fmt")
    top_md, m_md = _ranks_on([corpus_dir / markdown], questions, tmp_path / "md")
    assert m_fmt.first_hit_ranks == m_md.first_hit_ranks
    assert [t[0] for t in top_fmt] == [t[0] for t in top_md]
    assert m_fmt.recall_at_5 == 1.0
