"""Re-joining wrapped PDF lines must not put a space inside a Chinese word ("纳 入")."""

from __future__ import annotations

from ingest.policy.blocks import Line
from ingest.policy.cleaning import join_lines


def _joined(*texts: str) -> list[str]:
    return [b.text for b in join_lines([Line(text=t, kind="text") for t in texts], wrapped=True)]


def test_an_article_line_continues_without_a_space():
    full = "第二条 县级以上地方政府的派出机关根据本级政府授权进行预算管理活动，不作为一级预算，其收支纳"
    assert _joined(full, "入本级预算。") == [full + "入本级预算。"]


def test_a_bare_label_keeps_its_space_and_latin_words_keep_theirs():
    assert _joined(
        "第二条", "县级以上地方政府的派出机关根据本级政府授权进行预算管理活动，不作为一级预算。"
    ) == ["第二条 县级以上地方政府的派出机关根据本级政府授权进行预算管理活动，不作为一级预算。"]
    long_latin = "各级政府应当按照国务院规定编制以权责发生制为基础的政府综合财务报告，报告内容包括 GDP"
    assert _joined(long_latin, "growth 等指标。") == [long_latin + " growth 等指标。"]
