"""Text inputs written in the tests: txt laws (plain and hard-wrapped with page furniture),
policy outlines, unstructured text, and every kind of bad input."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest

from core.errors import IngestError
from ingest.policy import SUPPORTED_SUFFIXES, load_document
from ingest.policy.structure import CHUNK_LIMIT

OUTLINE_TEXT = """关于全面加强某市预算绩效管理的实施意见
某办发〔2023〕12号
2023年3月15日

为贯彻落实全面实施预算绩效管理的要求，提高财政资金使用效益，结合本市实际，提出如下实施意见。

一、总体要求
（一）指导思想。坚持以结果为导向，将绩效理念融入预算编制、执行和监督全过程。
（二）工作目标。到2025年，基本建成全方位、全过程、全覆盖的预算绩效管理体系。
二、重点任务
（一）强化绩效目标管理。各部门申报项目预算时应当同步设置绩效目标，做到：
1.目标指向明确，与部门职能和项目内容紧密相关；
2.指标细化量化，主要包括：
（1）产出指标，反映数量、质量、时效和成本；
（2）效益指标，反映经济、社会、生态效益；
（二）做好绩效运行监控。对绩效目标实现程度和预算执行进度实行双监控。
三、保障措施
各部门要加强组织领导，明确责任分工，确保各项任务落到实处。
"""


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_txt_law_plain(tmp_path: Path, corpus_dir: Path):
    md = (corpus_dir / "local" / "青岛市预算绩效管理条例.md").read_text(encoding="utf-8")
    plain = re.sub(r"^#+ ", "", md.replace("<!-- INFO END -->\n", ""), flags=re.MULTILINE)
    doc = load_document(_write(tmp_path, "青岛条例.txt", plain, encoding="gb18030"))
    reference = load_document(corpus_dir / "local" / "青岛市预算绩效管理条例.md")
    assert [c.article for c in doc.clauses] == [c.article for c in reference.clauses]
    assert [_squash(c.text) for c in doc.clauses] == [_squash(c.text) for c in reference.clauses]
    assert doc.title == "青岛市预算绩效管理条例" and doc.short_title == "青岛条例"
    assert doc.region == "山东省青岛市"


def test_txt_hard_wrapped_with_page_headers(tmp_path: Path, corpus_dir: Path):
    """A txt export cut at 38 characters, indented paragraphs, running header and page numbers."""
    source = corpus_dir / "laws" / "预算法实施条例.md"
    reference = load_document(source)
    body = source.read_text(encoding="utf-8").split("<!-- INFO END -->", 1)[1]
    lines = ["中华人民共和国预算法实施条例", "2020年8月3日 中华人民共和国国务院令第729号修订"]
    for para in (p.strip() for p in body.split("\n\n") if p.strip()):
        para = para.lstrip("# ")
        wrapped = textwrap.wrap(para, 38) if not para.startswith("第") or "条" in para[:8] else [para]
        lines += ["\u3000\u3000" + wrapped[0], *wrapped[1:]]
    pages = [lines[i : i + 30] for i in range(0, len(lines), 30)]
    text = "\f".join(
        "\n".join(["预算法实施条例（内部学习版）", *page, f"- {n} -"])
        for n, page in enumerate(pages, start=1)
    )
    doc = load_document(_write(tmp_path, "预算法实施条例.txt", text))
    assert [c.article for c in doc.clauses] == [c.article for c in reference.clauses]
    for got, want in zip(doc.clauses, reference.clauses, strict=True):
        assert _squash(got.text) == _squash(want.text), got.article
        assert "内部学习版" not in got.text and got.page is not None
    assert doc.doc_no == "国务院令第729号"


def test_outline_policy_text(tmp_path: Path):
    doc = load_document(_write(tmp_path, "某市实施意见.txt", OUTLINE_TEXT))
    assert [c.article for c in doc.clauses] == [
        "前言",
        "一、（一）",
        "一、（二）",
        "二、（一）",
        "二、（二）",
        "三、",
    ]
    task = doc.clauses[3]
    assert task.path == ["二、重点任务", "（一）强化绩效目标管理"] and task.heading == "强化绩效目标管理"
    assert "（1）产出指标" in task.text and "2.指标细化量化" in task.text  # deeper levels stay inside
    assert doc.clauses[0].text.startswith("为贯彻落实")
    assert doc.doc_no == "某办发〔2023〕12号" and doc.kind == "policy" and doc.date == "2023-03-15"
    assert doc.title == "关于全面加强某市预算绩效管理的实施意见"
    all_text = _squash("".join("".join(c.path) + c.text for c in doc.clauses))  # titles live in the path
    for line in OUTLINE_TEXT.splitlines()[4:]:
        label_free = re.sub(r"^(?:[一二三]、|（[一二]）)", "", line.strip())
        assert _squash(label_free) in all_text, line  # nothing lost


def _random_paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    words = ["预算", "资金", "项目", "管理", "单位", "绩效", "支出", "审核", "年度", "计划", "执行", "监督"]
    paragraphs = []
    for _ in range(40):
        sentences = [
            "".join(rng.choice(words) for _ in range(rng.randint(4, 20))) + "。"
            for _ in range(rng.randint(1, 6))
        ]
        paragraphs.append("".join(sentences))
    paragraphs[7] = "".join("很长的一句说明文字" * 6 + "。" for _ in range(15))  # one paragraph > limit
    return paragraphs


def test_unstructured_text_falls_back_to_paragraph_chunks(tmp_path: Path):
    paragraphs = _random_paragraphs(7)
    doc = load_document(_write(tmp_path, "工作笔记.txt", "\n\n".join(paragraphs)))
    assert len(doc.clauses) > 3
    assert all(len(c.text) <= CHUNK_LIMIT + 40 for c in doc.clauses)
    assert [c.article for c in doc.clauses] == [f"第{i}段" for i in range(1, len(doc.clauses) + 1)]
    assert _squash("".join(c.text for c in doc.clauses)) == _squash("".join(paragraphs))
    chunk_paragraphs = [p for c in doc.clauses for p in c.paragraphs]
    for para in paragraphs:
        if len(para) <= CHUNK_LIMIT:
            assert para in chunk_paragraphs  # cut only between paragraphs
    long_pieces = [p for p in chunk_paragraphs if p not in paragraphs]
    assert long_pieces and all(p.endswith("。") for p in long_pieces)  # long one cut between sentences


def test_markdown_with_headings_only(tmp_path: Path):
    text = "# 工作说明\n\n## 背景\n\n这是背景说明。\n\n## 做法\n\n第一段做法。\n\n第二段做法。\n"
    doc = load_document(_write(tmp_path, "说明.md", text))
    assert doc.title == "工作说明"
    assert [c.path for c in doc.clauses] == [["背景", "第1段"], ["做法", "第2段"]]
    assert doc.clauses[1].paragraphs == ["第一段做法。", "第二段做法。"]


@pytest.mark.parametrize(
    "name, content",
    [
        ("空文件.txt", b""),
        ("空白.md", "   \n\n\u3000\n".encode()),
        ("坏文件.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage without xref"),
        ("不是pdf.pdf", "这其实是一段文字".encode()),
        ("坏文件.docx", b"PK\x03\x04 not really a zip"),
        ("表格.xlsx", b"whatever"),
        ("旧版.doc", b"\xd0\xcf\x11\xe0"),
        ("只有标题.md", "# 某某办法\n\n2020年1月1日 施行\n".encode()),
    ],
)
def test_bad_input_raises_chinese_error_naming_the_file(tmp_path: Path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        load_document(path)
    assert name in info.value.message
    assert re.search(r"[\u4e00-\u9fff]{4}", info.value.message.replace(name, ""))


def test_missing_file_and_bad_kind(tmp_path: Path):
    with pytest.raises(IngestError, match="不存在.txt"):
        load_document(tmp_path / "不存在.txt")
    path = _write(tmp_path, "a.txt", "一段话。")
    with pytest.raises(IngestError, match="a.txt"):
        load_document(path, kind="novel")


def test_overrides_and_suffixes(tmp_path: Path):
    doc = load_document(
        _write(tmp_path, "某县办法.md", OUTLINE_TEXT), kind="local", region="湖南省衡阳市常宁市"
    )
    assert doc.kind == "local" and doc.region == "湖南省衡阳市常宁市"
    assert all(c.doc_kind == "local" for c in doc.clauses)
    assert {".pdf", ".docx", ".md", ".txt"} <= set(SUPPORTED_SUFFIXES)


def test_docx_keeps_headings_and_tables(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("某某专项资金管理办法", style="Title")
    document.add_paragraph("财农〔2022〕5号")
    document.add_heading("第一章 总则", level=1)
    document.add_paragraph("第一条 为规范专项资金管理，制定本办法。")
    document.add_paragraph("第二条 补助标准如下表：")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["类别", "标准", "单位"], ["一类", "800", "元/人"], ["二类", "500", "元/人"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = table.cell(2, 1).merge(table.cell(2, 2))
    merged.text = "另行核定"
    document.add_heading("第二章 附则", level=1)
    document.add_paragraph("第三条 本办法自印发之日起施行。")
    path = tmp_path / "专项资金办法.docx"
    document.save(str(path))

    doc = load_document(path)
    assert doc.title == "某某专项资金管理办法" and doc.doc_no == "财农〔2022〕5号" and doc.kind == "policy"
    assert [c.article for c in doc.clauses] == ["第一条", "第二条", "第三条"]
    assert [c.path[0] for c in doc.clauses] == ["第一章 总则", "第一章 总则", "第二章 附则"]
    second = doc.clauses[1].text
    assert "类别 | 标准 | 单位" in second and "一类 | 800 | 元/人" in second
    assert "二类 | 另行核定" in second and "另行核定 | 另行核定" not in second  # merged cell once
