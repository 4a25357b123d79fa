"""Endpoints the web UI needs beyond the v1 contract (docs/api.md, "UI additions").

`GET /v1/citations/resolve?doc=&article=`: a precheck finding cites a rule by document and article
(`{doc: "中央部门预算绩效目标管理办法（财预〔2015〕88号）", article: "约第十三条（二）"}`), not by clause
id; this finds the ingested clause so the reviewer can read it beside the finding.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CurrentUser, DocAdmin, ServicesDep
from assistant import citation_resolve
from assistant.checks.catalog import load_catalog
from assistant.citation_audit import audit_citations, catalog_citations
from assistant.citations import TRUST_LABELS, TRUST_NOTES, clause_trust
from assistant.models import Citation, Clause
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
    trust = clause_trust(clause)
    return {
        "trust": trust.value,
        "trust_label": TRUST_LABELS[trust],
        "trust_note": TRUST_NOTES[trust],
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
    quote: Annotated[str | None, Query(max_length=500)] = None,
    confidence: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    knowledge_base = services.knowledge_base()
    if quote:  # the finding's own summary: resolve it against the official texts (assistant.citation_resolve)
        resolved = citation_resolve.resolve_citation(
            Citation(doc=doc, article=article, quote=quote, confidence=confidence), knowledge_base
        )
        found = knowledge_base.get_clause(resolved.clause_id) if resolved.clause_id else None
        if found is not None:
            return clause_public(found) | {
                "trust": resolved.trust.value,
                "trust_label": resolved.trust_label,
                "trust_note": resolved.trust_note,
                "citation_label": resolved.label,
                "quote": resolved.quote,
                "article_found": resolved.article_found,
                "mismatch": resolved.mismatch,
            }
        raise NotFound(
            f"{resolved.label}：{resolved.trust_label}。知识库中没有该文件的正式文本，也没有对应的要点卡片；"
            "以上为规则要点。",
            code="clause_not_found",
        )
    label = article_label(article)
    if label is None:
        raise UserError("请提供条款号（article），例如“第二十五条”。", code="article_required")
    for name in doc_candidates(doc):
        clause = knowledge_base.lookup(name, label)
        if clause is not None:
            return clause_public(clause)
    raise NotFound(
        f"知识库中没有找到《{doc.strip('《》')}》{article}的条文（可能尚未导入该文件）。",
        code="clause_not_found",
    )


@router.get("/citations/verify", summary="用已导入的正式文本核对规则目录的引用（管理员）")
def verify_citations(_admin: DocAdmin, services: ServicesDep) -> dict[str, Any]:
    """`jixiao docs verify-citations` over the API: each catalog citation, the article found, the quote."""
    audit = audit_citations(catalog_citations(load_catalog()), services.knowledge_base())
    return {
        "counts": audit.counts(),
        "checks": [c.model_dump(mode="json") | {"status": c.status} for c in audit.checks],
    }
