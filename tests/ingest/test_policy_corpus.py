"""Clause-level parsing of the shared corpus: markdown laws, the PDF and the DOCX renderings."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from ingest.policy import load_document

ARTICLE_LINE = re.compile(r"^第[一二三四五六七八九十百零〇]+条", re.MULTILINE)


def _markdown_files(corpus_dir: Path) -> list[Path]:
    files = sorted((corpus_dir / "laws").glob("*.md")) + sorted((corpus_dir / "local").glob("*.md"))
    assert len(files) >= 9
    return files


def _articles(doc) -> list[str]:
    return [c.article for c in doc.clauses if c.article and c.article.endswith("条")]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_markdown_law_parses_to_its_article_count(corpus_dir: Path):
    for path in _markdown_files(corpus_dir):
        source = path.read_text(encoding="utf-8")
        expected = ARTICLE_LINE.findall(source)
        doc = load_document(path)
        assert len(_articles(doc)) == len(expected), path.name
        assert [m for m in expected] == _articles(doc), path.name
        assert len({c.id for c in doc.clauses}) == len(doc.clauses)
        assert doc.short_title == path.stem and all(c.doc_short == path.stem for c in doc.clauses)
        title = re.search(r"^# (.+)$", source, re.MULTILINE).group(1).strip()
        assert doc.title == title


def test_markdown_preamble_is_metadata_not_clause(corpus_dir: Path):
    doc = load_document(corpus_dir / "laws" / "预算法.md")
    assert all("INFO END" not in c.text and "第一次修正" not in c.text for c in doc.clauses)
    first = doc.clauses[0]
    assert first.article == "第一条" and first.path == ["第一章 总则", "第一条"]
    assert first.text.startswith("第一条 为了规范政府收支行为")


def test_paragraphs_are_kept_for_citing_kuan(corpus_dir: Path):
    path = corpus_dir / "laws" / "预算法.md"
    source = path.read_text(encoding="utf-8")
    body = source.split("第三十二条", 1)[1].split("第三十三条", 1)[0]
    expected_paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
    clause = next(c for c in load_document(path).clauses if c.article == "第三十二条")
    assert len(clause.paragraphs) == len(expected_paragraphs) >= 2
    assert clause.path[-1] == "第三十二条" and clause.path[0].startswith("第")
    assert _squash(clause.paragraphs[1]) == _squash(expected_paragraphs[1])


def test_items_stay_inside_their_paragraph(corpus_dir: Path):
    doc = load_document(corpus_dir / "laws" / "预算法实施条例.md")
    clause = next(c for c in doc.clauses if c.article == "第九条")
    assert len(clause.paragraphs) == 1
    assert clause.paragraphs[0].count("\n（") == 3


def _compare_renderings(rendered: Path, reference: Path) -> list:
    doc, ref = load_document(rendered), load_document(reference)
    assert _articles(doc) == _articles(ref)
    assert [c.path for c in doc.clauses] == [c.path for c in ref.clauses]
    for got, want in zip(doc.clauses, ref.clauses, strict=True):
        ratio = difflib.SequenceMatcher(None, _squash(got.text), _squash(want.text), autojunk=False).ratio()
        assert ratio >= 0.95, (got.article, ratio, got.text[:80], want.text[:80])
    return doc.clauses


def test_pdf_matches_markdown(corpus_dir: Path):
    clauses = _compare_renderings(
        corpus_dir / "formats" / "预算法实施条例.pdf", corpus_dir / "laws" / "预算法实施条例.md"
    )
    for clause in clauses:
        assert "（2020年修订）" not in clause.text, clause.article  # running header
        assert not re.search(r"[—－-]\s*\d+\s*[—－-]", clause.text), clause.article  # page number
        assert clause.page is not None and 1 <= clause.page <= clause.page_end <= 16
    pages = [c.page for c in clauses]
    assert pages == sorted(pages) and pages[0] == 1 and clauses[-1].page_end == 16
    assert any(c.page_end > c.page for c in clauses)  # articles cross pages


def test_pdf_pages_point_at_the_article_label(corpus_dir: Path):
    from pypdf import PdfReader

    pdf = corpus_dir / "formats" / "预算法实施条例.pdf"
    raw_pages = [p.extract_text() for p in PdfReader(pdf).pages]
    for clause in load_document(pdf).clauses:
        label = re.compile(rf"(^|\n)[\s\u3000]*{clause.article}(\s|$)")
        assert label.search(raw_pages[clause.page - 1]), (clause.article, clause.page)


def test_docx_matches_markdown(corpus_dir: Path):
    clauses = _compare_renderings(
        corpus_dir / "formats" / "青岛市预算绩效管理条例.docx",
        corpus_dir / "local" / "青岛市预算绩效管理条例.md",
    )
    assert clauses[0].doc_title == "青岛市预算绩效管理条例"
    assert all(c.page is None for c in clauses)


@pytest.mark.parametrize(
    "relative, doc_no, kind, region, issuer",
    [
        ("laws/预算法.md", None, "law", "全国", "全国人民代表大会"),
        ("laws/预算法实施条例.md", "国务院令第729号", "regulation", "全国", "国务院"),
        ("formats/预算法实施条例.pdf", "国务院令第729号", "regulation", "全国", "国务院"),
        ("laws/政府采购法实施条例.md", "国务院令第658号", "regulation", "全国", "国务院"),
        ("local/青岛市预算绩效管理条例.md", None, "local", "山东省青岛市", "青岛市人民代表大会常务委员会"),
        (
            "formats/青岛市预算绩效管理条例.docx",
            None,
            "local",
            "山东省青岛市",
            "青岛市人民代表大会常务委员会",
        ),
        ("local/上海市预算审查监督条例.md", None, "local", "上海市", "上海市人民代表大会常务委员会"),
        ("local/河南省预算审查监督条例.md", None, "local", "河南省", "河南省人民代表大会"),
    ],
)
def test_corpus_metadata(corpus_dir: Path, relative, doc_no, kind, region, issuer):
    doc = load_document(corpus_dir / relative)
    assert (doc.doc_no, doc.kind, doc.region, doc.issuer) == (doc_no, kind, region, issuer)
    assert all(c.doc_kind == kind and c.region == region and c.doc_no == doc_no for c in doc.clauses)


def test_preamble_dates(corpus_dir: Path):
    doc = load_document(corpus_dir / "local" / "青岛市预算绩效管理条例.md")
    assert doc.dates == {
        "通过": "2014-08-27",
        "批准": "2014-09-26",
        "公布": "2014-09-26",
        "施行": "2014-11-01",
    }
    assert doc.date == "2014-11-01"


def test_content_hash_ids(corpus_dir: Path, tmp_path: Path):
    source = corpus_dir / "local" / "青岛市预算绩效管理条例.md"
    first, again = load_document(source), load_document(source)
    assert first.doc_id == again.doc_id and [c.id for c in first.clauses] == [c.id for c in again.clauses]
    assert first.sha256.startswith(first.doc_id) and len(first.sha256) == 64
    changed = tmp_path / source.name
    changed.write_text(source.read_text(encoding="utf-8").replace("科学规范", "科学、规范"), encoding="utf-8")
    other = load_document(changed)
    assert other.doc_id != first.doc_id and other.short_title == first.short_title


@pytest.mark.slow
def test_whole_corpus_parse_speed(corpus_dir: Path, benchmark):
    files = [p for p in sorted(corpus_dir.rglob("*")) if p.is_file()]
    docs = benchmark.pedantic(lambda: [load_document(p) for p in files], rounds=3, iterations=1)
    assert len(docs) == len(files)
