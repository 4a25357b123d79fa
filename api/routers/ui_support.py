"""Endpoints the web UI needs beyond the v1 contract (docs/api.md, "UI additions").

`GET /v1/citations/resolve?doc=&article=`: a precheck finding cites a rule by document and article
(`{doc: "中央部门预算绩效目标管理办法（财预〔2015〕88号）", article: "约第十三条（二）"}`), not by clause
id; this finds the ingested clause so the reviewer can read it beside the finding.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CurrentUser, ServicesDep
from assistant.models import Clause
from core.errors import NotFound, UserError

router = APIRouter(tags=["界面支持"])

_DOC_NO = re.compile(r"[\u4e00-\u9fa5]{1,8}〔\d{4}〕\d+号")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇两\d]+条")


def doc_candidates(doc: str) -> list[str]:
    """The ways a cited document may be named: as written, its title without the 文号, the 文号 alone."""
    text = doc.strip().strip("《》")
    candidates = [text]
    title = re.split(r"[（(]", text, maxsplit=1)[0].strip().strip("《》")
    if title and title != text:
        candidates.append(title)
    candidates += _DOC_NO.findall(text)
    return list(dict.fromkeys(c for c in candidates if c))


def article_label(article: str | None) -> str | None:
    """`约第十三条（二）〔记忆〕` → `第十三条`; labels without a 第X条 (一、（二）) are kept as written."""
    if not article:
        return None
    found = _ARTICLE.search(article)
    return found.group(0) if found else article.strip()


def clause_public(clause: Clause) -> dict[str, Any]:
    return {
        "clause_id": clause.id,
        "doc": clause.doc_short,
        "doc_title": clause.doc_title,
        "doc_no": clause.doc_no,
        "article": clause.article,
        "citation": clause.citation,
        "path": clause.path,
        "text": clause.text,
        "page": clause.page,
        "source": clause.source,
        "confidence": clause.confidence,
    }


@router.get("/citations/resolve", summary="按文件与条款查找被引用的条文（预审发现的依据）")
def resolve_citation(
    _user: CurrentUser,
    services: ServicesDep,
    doc: Annotated[str, Query(min_length=1, max_length=200)],
    article: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    label = article_label(article)
    if label is None:
        raise UserError("请提供条款号（article），例如“第二十五条”。", code="article_required")
    knowledge_base = services.knowledge_base()
    for name in doc_candidates(doc):
        clause = knowledge_base.lookup(name, label)
        if clause is not None:
            return clause_public(clause)
    raise NotFound(
        f"知识库中没有找到《{doc.strip('《》')}》{article}的条文（可能尚未导入该文件）。",
        code="clause_not_found",
    )
