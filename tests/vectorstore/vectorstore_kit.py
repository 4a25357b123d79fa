"""Builders for small parsed documents, so the index can be tested without the policy parser."""

from __future__ import annotations

import hashlib

from core.models import Clause, ParsedDocument


def make_document(
    short_title: str,
    articles: dict[str, str],
    *,
    title: str | None = None,
    source: str | None = None,
    kind: str = "law",
    region: str | None = "全国",
    doc_no: str | None = None,
) -> ParsedDocument:
    """A document whose doc_id is the hash of its content, like a parsed file's."""
    source = source or f"/policies/{short_title}.md"
    content = short_title + "".join(f"{k}{v}" for k, v in articles.items())
    sha = hashlib.sha256(content.encode()).hexdigest()
    doc_id = sha[:16]
    clauses = [
        Clause(
            id=hashlib.sha256(f"{doc_id}{label}{text}".encode()).hexdigest()[:24],
            doc_id=doc_id,
            doc_title=title or short_title,
            doc_short=short_title,
            doc_no=doc_no,
            doc_kind=kind,
            region=region,
            source=source,
            article=label,
            path=["第一章 总则", label],
            text=f"{label} {text}",
        )
        for label, text in articles.items()
    ]
    return ParsedDocument(
        doc_id=doc_id,
        title=title or short_title,
        short_title=short_title,
        doc_no=doc_no,
        kind=kind,
        region=region,
        source=source,
        sha256=sha,
        clauses=clauses,
    )


BUDGET_LAW = {
    "第十三条": (
        "经人民代表大会批准的预算，非经法定程序，不得调整。"
        "各级政府、各部门、各单位的支出必须以经批准的预算为依据，未列入预算的不得支出。"
    ),
    "第四十条": (
        "各级一般公共预算应当按照本级一般公共预算支出额的百分之一至百分之三设置预备费，"
        "用于当年预算执行中的自然灾害等突发事件处理增加的支出及其他难以预见的开支。"
    ),
    "第五十二条": (
        "各级预算经本级人民代表大会批准后，本级政府财政部门应当在二十日内向本级各部门批复预算。"
        "各部门应当在接到本级政府财政部门批复的本部门预算后十五日内向所属各单位批复预算。"
    ),
}

QINGDAO = {
    "第十条": (
        "预算部门编报年度预算时，应当按照要求设定部门整体支出和项目支出绩效目标。"
        "绩效目标应当指向明确、细化量化、合理可行、相应匹配。"
    ),
    "第十五条": "绩效目标未通过财政部门审核的，不得进入下一步预算编审流程。",
}
