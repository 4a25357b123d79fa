"""Matching documents and articles by the names reviewers use: short title, full title, 文号, file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from ingest.models import Clause
from vectorstore.lexical import normalize_article_numbers
from vectorstore.models import DocumentInfo

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "(": "〔", ")": "〕",
                           "（": "〔", "）": "〕", "【": "〔", "】": "〕"})
_NATIONAL_PREFIX = "中华人民共和国"


def normalize_doc_key(text: str) -> str:
    """《中华人民共和国预算法》 -> 预算法; 财预[2015]88号 -> 财预〔2015〕88号; spaces dropped."""
    key = re.sub(r"\s+", "", text or "").strip("《》〈〉\"'“”")
    key = key.translate(_BRACKETS)
    return key.removeprefix(_NATIONAL_PREFIX)


def _doc_keys(info: DocumentInfo) -> set[str]:
    keys = {info.short_title, info.title, Path(info.source).stem}
    if info.doc_no:
        keys.add(info.doc_no)
    return {normalize_doc_key(k) for k in keys if k}


def match_documents(documents: Iterable[DocumentInfo], key: str) -> list[DocumentInfo]:
    """Documents whose id, source path, short title, full title or 文号 is `key` (normalised)."""
    wanted = normalize_doc_key(key)
    if not wanted:
        return []
    return [d for d in documents
            if key in (d.doc_id, d.source) or wanted in _doc_keys(d)]


class DocFilter(BaseModel):
    doc: str | None = None
    kind: str | None = None
    region: str | None = None

    def is_empty(self) -> bool:
        return not (self.doc or self.kind or self.region)

    def accepts(self, info: DocumentInfo) -> bool:
        if self.doc and not match_documents([info], self.doc):
            return False
        if self.kind and info.kind != self.kind:
            return False
        if not self.region:
            return True
        return bool(info.region) and (self.region in info.region or info.region in self.region)


def normalize_article(article: str) -> str:
    return normalize_article_numbers(re.sub(r"\s+", "", article or ""))


def find_article(clauses: list[Clause], article: str | None) -> Clause | None:
    """The clause labelled `article` (第32条 == 第三十二条); a 款-level label falls back to its article."""
    if not clauses:
        return None
    if not article:
        return clauses[0]
    wanted = normalize_article(article)
    labelled = [(normalize_article(c.article or ""), c) for c in clauses]
    for label, clause in labelled:
        if label == wanted:
            return clause
    for label, clause in labelled:
        if label and label.startswith(wanted):          # asked 第三十二条, indexed by 款
            return clause
    best = max(((len(label), c) for label, c in labelled if label and wanted.startswith(label)),
               default=None, key=lambda t: t[0])
    return best[1] if best else None                   # asked 第三十二条第二款, indexed by 条


_ADMIN_SUFFIX = re.compile(r"(.+?)(?:省|自治区|市|自治州|县|区)")


def mention_keys(info: DocumentInfo) -> set[str]:
    """Names by which a question points at a document: short and full title, and its place (上海, 青岛)."""
    keys = {k for k in (info.short_title, normalize_doc_key(info.title)) if k}
    if info.region and info.region != "全国":
        places = _ADMIN_SUFFIX.findall(info.region)        # 山东省青岛市 -> 山东, 青岛: the last one is the place
        if places and len(places[-1]) >= 2:
            keys.add(places[-1])
        keys.add(info.region)
    return keys


def mentioned_documents(query: str, documents: Iterable[DocumentInfo]) -> set[str]:
    """Doc ids the question names ("在上海，…", "审计法规定…"); a name inside a longer named one does not count.

    "预算法实施条例第几条" names the 实施条例 only, not also 预算法.
    """
    text = re.sub(r"\s+", "", query or "")
    spans = [(m.start(), m.start() + len(key), d.doc_id)
             for d in documents for key in mention_keys(d) for m in re.finditer(re.escape(key), text)]
    return {doc_id for start, end, doc_id in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)}
