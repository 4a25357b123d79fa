"""Matching documents and articles by the names reviewers use: short title, full title, 文号, file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from core.models import Clause
from vectorstore.lexical import normalize_article_numbers
from vectorstore.models import DocumentInfo, SearchHit

_BRACKETS = str.maketrans(
    {
        "[": "〔",
        "]": "〕",
        "［": "〔",
        "］": "〕",
        "(": "〔",
        ")": "〕",
        "（": "〔",
        "）": "〕",
        "【": "〔",
        "】": "〕",
    }
)
_NATIONAL_PREFIX = "中华人民共和国"
STARTER_KIND = "starter"  # our own paraphrased cards (assistant/knowledge/pack)
# 关于印发《项目支出绩效评价管理办法》的通知 names the document it issues
_ISSUING_NOTICE = re.compile(r"^(?:[^《》]*?)关于印发《([^《》]+)》的通知$")
# a file named 项目支出绩效评价管理办法（财预〔2020〕10号，节选） is that document
_TITLE_SUFFIX = re.compile(r"[（(][^（）()]*(?:〔\d{4}〕|节选|试行|修订|草案)[^（）()]*[）)]$")


def normalize_doc_key(text: str) -> str:
    """《中华人民共和国预算法》 -> 预算法; 财预[2015]88号 -> 财预〔2015〕88号; spaces dropped."""
    key = re.sub(r"\s+", "", text or "").strip("《》〈〉\"'“”")
    key = key.translate(_BRACKETS)
    return key.removeprefix(_NATIONAL_PREFIX)


def _doc_keys(info: DocumentInfo) -> set[str]:
    keys = {info.short_title, info.title, Path(info.source).stem}
    notice = _ISSUING_NOTICE.match(info.title or "")
    if notice:
        keys.add(notice.group(1))
    for key in list(keys):
        if key and _TITLE_SUFFIX.search(key):
            keys.add(_TITLE_SUFFIX.sub("", key))
    if info.doc_no:
        keys.add(info.doc_no)
    return {normalize_doc_key(k) for k in keys if k}


def match_documents(documents: Iterable[DocumentInfo], key: str) -> list[DocumentInfo]:
    """Documents whose id, source path, short title, full title or 文号 is `key` (normalised)."""
    wanted = normalize_doc_key(key)
    if not wanted:
        return []
    found = [d for d in documents if key in (d.doc_id, d.source) or wanted in _doc_keys(d)]
    # an ingested official text outranks our starter card of the same document (预算法, 财预〔2015〕88号)
    return sorted(found, key=lambda d: d.kind == STARTER_KIND)


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
        region = info.region
        if not region:
            return False
        return self.region in region or region in self.region


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
        if label and label.startswith(wanted):  # asked 第三十二条, indexed by 款
            return clause
    best = max(
        ((len(label), c) for label, c in labelled if label and wanted.startswith(label)),
        default=None,
        key=lambda t: t[0],
    )
    return best[1] if best else None  # asked 第三十二条第二款, indexed by 条


_ADMIN_SUFFIX = re.compile(r"(.+?)(?:省|自治区|市|自治州|县|区)")


def mention_keys(info: DocumentInfo) -> set[str]:
    """Names by which a question points at a document: short and full title, and its place (上海, 青岛)."""
    keys = {k for k in (info.short_title, normalize_doc_key(info.title)) if k}
    if info.region and info.region != "全国":
        places = _ADMIN_SUFFIX.findall(info.region)  # 山东省青岛市 -> 山东, 青岛: the last one is the place
        if places and len(places[-1]) >= 2:
            keys.add(places[-1])
        keys.add(info.region)
    return keys


def mentioned_documents(query: str, documents: Iterable[DocumentInfo]) -> set[str]:
    """Doc ids the question names ("在上海，…", "审计法规定…", "按采购法…"); a name inside a longer named one
    does not count.

    "预算法实施条例第几条" names the 实施条例 only, not also 预算法. Abbreviated names count too (see
    `abbreviated_mentions`) where the full names do not already say which document is meant.
    """
    documents = list(documents)
    text = re.sub(r"\s+", "", query or "")
    spans = [
        (m.start(), m.start() + len(key), d.doc_id)
        for d in documents
        for key in mention_keys(d)
        for m in re.finditer(re.escape(key), text)
    ]
    named = {
        doc_id
        for start, end, doc_id in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    }
    masked = text
    for start, end, _ in spans:  # what the full names cover is not read again
        masked = masked[:start] + "\u3000" * (end - start) + masked[end:]
    return named | abbreviated_mentions(masked, documents)


_TITLE_KINDS = ("实施细则", "实施办法", "条例", "办法", "规定", "细则", "法")
# an abbreviation names at most this many documents: "实施条例" with two 实施条例 indexed still helps,
# "预算条例" with three budget regulations does not
_MAX_ABBREVIATION_TARGETS = 2


def _title_parts(short_title: str) -> tuple[str, str] | None:
    """预算法实施条例 -> (预算法实施, 条例); 政府采购法 -> (政府采购, 法).

    None for a title of no known kind."""
    for kind in _TITLE_KINDS:
        if short_title.endswith(kind) and len(short_title) > len(kind):
            return short_title[: -len(kind)], kind
    return None


def _is_subsequence(part: str, whole: str) -> bool:
    chars = iter(whole)
    return all(ch in chars for ch in part)


def abbreviated_mentions(text: str, documents: Iterable[DocumentInfo]) -> set[str]:
    """Documents named by a shortened title.

    采购法 -> 政府采购法, 财政违法处罚条例 -> 财政违法行为处罚处分条例.

    At each title word of the question (法, 条例, 办法 …) the longest run of characters just before it that
    appears, in order, in a document's title stem of the same kind names that document; runs of one
    character ("违法", "依法") name nothing, and a run that fits more than two documents is too vague.
    """
    parts = {d.doc_id: p for d in documents if (p := _title_parts(d.short_title))}
    spans: list[tuple[int, int, set[str]]] = []
    for kind in _TITLE_KINDS:
        for match in re.finditer(re.escape(kind), text):
            end = match.start()
            if any(text.startswith(longer, end) for longer in _TITLE_KINDS if len(longer) > len(kind)):
                continue  # 法 of 办法 is read as 办法
            best: dict[str, int] = {}
            for doc_id, (stem, doc_kind) in parts.items():
                if doc_kind != kind:
                    continue
                run = 0
                while run < min(end, len(stem)) and _is_subsequence(text[end - run - 1 : end], stem):
                    run += 1
                if run >= 2:
                    best[doc_id] = run
            if best:
                top = max(best.values())
                targets = {doc_id for doc_id, run in best.items() if run == top}
                if len(targets) <= _MAX_ABBREVIATION_TARGETS:
                    spans.append((end - top, match.end(), targets))
    found: set[str] = set()
    for start, end, targets in spans:  # 采购法 inside 采购法实施条例 names only the 条例
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans):
            found |= targets
    return found


def _card_keys(clause: Clause) -> set[str]:
    return {normalize_doc_key(k) for k in (clause.doc_short, clause.doc_title, clause.doc_no) if k}


def official_first(
    hits: list[SearchHit],
    documents: Iterable[DocumentInfo],
    clauses: Iterable[Clause],
    allowed_docs: set[str] | None = None,
) -> list[SearchHit]:
    """An ingested official text outranks our starter card of the same article: where a card of 预算法
    第十二条 was retrieved and 预算法 itself is indexed, its 第十二条 takes the card's place and the card
    follows (the list keeps its length; the card is dropped from the end if need be)."""
    cards = [h for h in hits if h.clause.doc_kind == STARTER_KIND and h.clause.article]
    official = [
        d for d in documents if d.kind != STARTER_KIND and (allowed_docs is None or d.doc_id in allowed_docs)
    ]
    if not cards or not official:
        return hits
    by_doc: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_doc.setdefault(clause.doc_id, []).append(clause)
    out: list[SearchHit] = []
    seen: set[str] = set()
    for hit in hits:
        clause = hit.clause
        if hit in cards:
            keys, wanted = _card_keys(clause), normalize_article(clause.article or "")
            for info in official:
                if not keys & _doc_keys(info):
                    continue
                twin = next(
                    (c for c in by_doc.get(info.doc_id, []) if normalize_article(c.article or "") == wanted),
                    None,
                )
                if twin is not None and twin.id not in seen:
                    out.append(hit.model_copy(update={"clause": twin}))
                    seen.add(twin.id)
        if clause.id not in seen:
            out.append(hit)
            seen.add(clause.id)
    return out[: len(hits)]
