"""Every citation of the rule catalog checked against the official texts in the knowledge base.

What an administrator runs after ingesting a bureau's official copies (`jixiao docs verify-citations`,
`GET /v1/citations/verify`): for each rule citation, the article it cites, the article of the official
text that carries its point, and the quote — so a wrong article number is corrected in the catalog instead
of being shown to reviewers (the opinion already cites the article found).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from assistant.checks.catalog import Catalog
from assistant.citation_resolve import ClauseSource, ResolvedCitation, resolve_citation
from assistant.citations import Trust
from assistant.models import Citation


class CitationCheck(BaseModel):
    rule_ids: list[str]  # the rules that cite it (one catalog citation may serve several rules)
    doc: str
    article: str | None  # as cited
    summary: str
    confidence: str
    trust: Trust
    trust_label: str
    official: bool  # an official text of the document is ingested
    article_found: str | None = None  # where the official text carries the point
    mismatch: bool = False
    quote: str | None = None  # the official text's sentence (verified) or our summary
    clause_id: str | None = None

    @property
    def status(self) -> str:
        """One Chinese word for the table: 条款号不符 / 已核实 / 原文未见 / 未导入."""
        if self.mismatch:
            return "条款号不符"
        if self.trust == Trust.VERIFIED:
            return "已核实"
        return "原文未见该要点" if self.official else "未导入正式文本"


class CitationAudit(BaseModel):
    checks: list[CitationCheck]

    @property
    def mismatches(self) -> list[CitationCheck]:
        return [c for c in self.checks if c.mismatch]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for check in self.checks:
            counts[check.status] = counts.get(check.status, 0) + 1
        return counts


def catalog_citations(catalog: Catalog) -> list[tuple[str, Citation]]:
    """(rule id, citation) for every non-practice citation of the catalog, in catalog order."""
    return [
        (rule.id, cite)
        for rule in catalog.rules
        for cite in catalog.citations(rule)
        if "实务" not in (cite.confidence or "")
    ]


def audit_citations(items: Iterable[tuple[str, Citation]], kb: ClauseSource) -> CitationAudit:
    """Resolve each distinct citation once; rules citing the same thing are listed together."""
    by_key: dict[tuple[str, str | None, str | None], tuple[list[str], ResolvedCitation]] = {}
    for rule_id, cite in items:
        key = (cite.doc, cite.article, cite.quote)
        if key in by_key:
            by_key[key][0].append(rule_id)
        else:
            by_key[key] = ([rule_id], resolve_citation(cite, kb))
    checks = [
        CitationCheck(
            rule_ids=rule_ids,
            doc=r.doc,
            article=r.article,
            summary=r.summary or "",
            confidence=r.confidence or "",
            trust=r.trust,
            trust_label=r.trust_label,
            official=r.official,
            article_found=r.article_found,
            mismatch=r.mismatch,
            quote=r.quote,
            clause_id=r.clause_id,
        )
        for rule_ids, r in by_key.values()
    ]
    return CitationAudit(checks=checks)
