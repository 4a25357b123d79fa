"""Citation labels and verification of model-written citations against the clauses retrieved this turn.

A model answer may cite in three ways: a marker `[n]` pointing at the n-th retrieved clause, a quote
`「…」` (normally followed by its marker), and an inline mention `《预算法》第三十二条`. A citation
survives only if it can be checked: the marker's number exists, the quote is a substring of the cited
clause (whitespace and character width normalised, nothing else), the mentioned article was
retrieved. Everything else is removed from the text and counted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel

from core.models import Clause

PRACTICE = "实务"
MEMORY = "记忆"
STARTER_KIND = "starter"  # Clause.doc_kind of our own cards (assistant/knowledge/pack)


class Trust(StrEnum):
    """How far a shown citation can be trusted — one meaning per label, wherever it is shown."""

    VERIFIED = "verified"  # the quote was found in an ingested official text
    PARAPHRASE = "paraphrase"  # our own card or rule summary, not the document's words
    UNCHECKED = "unchecked"  # the article number is from memory and not yet found in an official text


TRUST_LABELS: dict[Trust, str] = {
    Trust.VERIFIED: "已核实",
    Trust.PARAPHRASE: "要点（转述）",
    Trust.UNCHECKED: "条款号待核对",
}
TRUST_NOTES: dict[Trust, str] = {
    Trust.VERIFIED: "引文取自已导入的正式文本，逐字核对一致。",
    Trust.PARAPHRASE: "本项目自编的要点转述，不是文件原文；引用原话须以正式文本为准。",
    Trust.UNCHECKED: "条款号凭记忆整理，尚未在已导入的正式文本中找到；导入该文件的正式文本后自动核对。",
}


def trust_of(confidence: str | None, article: str | None, *, official: bool) -> Trust:
    """An official text is verified; a card or a summary is a paraphrase — 条款号待核对 when its article
    number is from memory."""
    if official:
        return Trust.VERIFIED
    if article and confidence and MEMORY in confidence and PRACTICE not in confidence:
        return Trust.UNCHECKED
    return Trust.PARAPHRASE


def clause_trust(clause: Clause) -> Trust:
    return trust_of(clause.confidence, clause.article, official=clause.doc_kind != STARTER_KIND)


def with_trust(label: str, trust: Trust) -> str:
    """The label as text shows it: a verified one plain, the others with their state (…〔要点（转述）〕)."""
    return label if trust == Trust.VERIFIED else f"{label}〔{TRUST_LABELS[trust]}〕"


DROPPED_QUOTE = "〔引文无法核验，已删除〕"
DROPPED_MENTION = "〔无法核验的条文引用，已删除〕"

_CN_NUM = "〇零一二三四五六七八九十百千两0-9"
_ARTICLE = rf"第[{_CN_NUM}]+条(?:第[{_CN_NUM}]+款)?(?:第[{_CN_NUM}]+项)?"
_MARKER_RE = re.compile(r"\[(\d{1,3})\]|［(\d{1,3})］|【(\d{1,3})】")
_QUOTE_RE = re.compile(r"「([^「」]{1,2000})」")
_MENTION_RE = re.compile(rf"《([^《》\n]{{1,60}})》\s*({_ARTICLE})")
_DOCNO_MENTION_RE = re.compile(rf"([\u4e00-\u9fff]{{1,8}}〔\d{{4}}〕\d+号)\s*({_ARTICLE})")
_BETWEEN_QUOTE_AND_MARKER = re.compile(r"[ \t，。；、,.;:：]{0,3}")


class ChatCitation(BaseModel):
    """A verified citation as the chat API returns it (docs/api.md `Citation`)."""

    clause_id: str | None = None
    label: str
    doc: str
    article: str | None = None
    page: int | None = None
    source: str | None = None
    quote: str | None = None
    confidence: str | None = None
    verified: bool = True  # shown with ✓: only a citation of an ingested official text (trust == verified)
    trust: Trust = Trust.VERIFIED
    trust_label: str = TRUST_LABELS[Trust.VERIFIED]


class VerifiedAnswer(BaseModel):
    text: str
    citations: list[ChatCitation]
    dropped: int
    problems: list[str]  # Chinese, one per dropped citation


# the title may itself carry a bracketed part such as （试行）; the 文号 is the last bracket
_TITLE_WITH_DOCNO = re.compile(r"^《?(?P<title>[^《》]+?)》?\s*[（(](?P<no>[^（）()]*〔\d{4}〕\d+号)[）)]$")


def split_doc(doc: str) -> tuple[str, str | None]:
    """ "中央部门预算绩效目标管理办法（财预〔2015〕88号）" -> (title, "财预〔2015〕88号").

    A bare 文号 stays whole."""
    m = _TITLE_WITH_DOCNO.match(doc.strip())
    if m:
        return m["title"].strip(), m["no"]
    return doc.strip().strip("《》"), None


def citation_label(doc: str, article: str | None = None, confidence: str | None = None) -> str:
    """《预算法》第三十二条; "审核实务（…，非文件规定）" for practice rules.

    The trust state is not part of the label: it travels beside it (`Trust`; `with_trust` in text)."""
    title, doc_no = split_doc(doc)
    title = title.removeprefix(f"审核{PRACTICE}：")  # the catalog names practice sources 审核实务：…
    if re.fullmatch(r"[^《》]*〔\d{4}〕\d+号", title):
        doc_part = title
    else:
        doc_part = f"《{title}》" + (f"（{doc_no}）" if doc_no else "")
    if confidence and PRACTICE in confidence:
        if article and article.startswith(f"审核{PRACTICE}"):  # our practice card: 审核实务·改写方法
            return f"{article}（非文件规定）"
        if title.startswith(f"审核{PRACTICE}"):
            return f"{title}（非文件规定）"
        return f"审核实务（{title}，非文件规定）"
    return f"{doc_part}{article or ''}"


def clause_label(clause: Clause) -> str:
    return citation_label(clause.doc_short, clause.article, clause.confidence)


def to_chat_citation(clause: Clause, quote: str | None = None) -> ChatCitation:
    trust = clause_trust(clause)
    return ChatCitation(
        clause_id=clause.id,
        label=clause_label(clause),
        doc=clause.doc_short,
        article=clause.article,
        page=clause.page,
        source=clause.source,
        quote=quote,
        confidence=clause.confidence,
        verified=trust == Trust.VERIFIED,
        trust=trust,
        trust_label=TRUST_LABELS[trust],
    )


def normalize_for_match(text: str) -> str:
    """Width and whitespace only: NFKC (全角→半角), ideographic full stop as '.', all whitespace removed."""
    s = unicodedata.normalize("NFKC", text).replace("。", ".").replace("｡", ".")
    return re.sub(r"\s+", "", s)


def quote_in_clause(quote: str, clause_text: str) -> bool:
    needle = normalize_for_match(quote).strip("…. ")
    return bool(needle) and needle in normalize_for_match(clause_text)


def _article_matches(mentioned: str, clause_article: str | None) -> bool:
    """第三十二条第二款 is covered by a retrieved 第三十二条, and the other way round."""
    if not clause_article:
        return False
    a, b = normalize_for_match(mentioned), normalize_for_match(clause_article)
    return a.startswith(b) or b.startswith(a)


def _same_doc(mentioned: str, name: str) -> bool:
    """预算法 names 中华人民共和国预算法 (a title ends with its short name) but not 预算法实施条例."""
    m, n = normalize_for_match(mentioned.strip("《》")), normalize_for_match(name.strip("《》"))
    return bool(m and n) and (m == n or n.endswith(m) or m.endswith(n))


def _doc_matches(mentioned: str, clause: Clause) -> bool:
    return any(
        _same_doc(mentioned, n) for n in (clause.doc_short, clause.doc_title, clause.doc_no or "") if n
    )


@dataclass
class _Edits:
    replacements: list[tuple[int, int, str]] = field(default_factory=list)
    cited: dict[int, tuple[int, str | None]] = field(default_factory=dict)  # source index -> (pos, quote)
    problems: list[str] = field(default_factory=list)

    def cite(self, index: int, pos: int, quote: str | None = None) -> None:
        first_pos, old_quote = self.cited.get(index, (pos, None))
        self.cited[index] = (min(first_pos, pos), old_quote or quote)

    def drop(self, start: int, end: int, replacement: str, problem: str) -> None:
        self.replacements.append((start, end, replacement))
        self.problems.append(problem)


def verify_answer(
    text: str, sources: Sequence[Clause], *, allowed_mentions: Iterable[tuple[str, str | None]] = ()
) -> VerifiedAnswer:
    """Check every marker, quote and article mention in `text` against the numbered `sources` (1-based).

    `allowed_mentions` are (doc, article) pairs the model may name without a retrieved clause — the
    citations the rules themselves attached to the submission's findings.
    """
    edits = _Edits()
    markers = [(m.start(), m.end(), int(next(g for g in m.groups() if g))) for m in _MARKER_RE.finditer(text)]
    quote_spans = _check_quotes(text, sources, markers, edits)

    def in_quote(pos: int) -> bool:
        return any(s <= pos < e for s, e in quote_spans)

    consumed = {start for start, _, _ in markers if any(s <= start < e for s, e in quote_spans)}
    for start, end, number in markers:
        if start in consumed or in_quote(start):
            continue
        if 1 <= number <= len(sources):
            edits.cite(number - 1, start)
        else:
            edits.drop(start, end, "", f"编号[{number}]不在本轮检索到的条文中")
    _check_mentions(text, sources, list(allowed_mentions), in_quote, edits)
    cleaned = _apply(text, edits.replacements)
    ordered = sorted(edits.cited.items(), key=lambda item: item[1][0])
    citations = [to_chat_citation(sources[i], quote) for i, (_, quote) in ordered]
    return VerifiedAnswer(
        text=cleaned, citations=citations, dropped=len(edits.problems), problems=edits.problems
    )


def _check_quotes(
    text: str, sources: Sequence[Clause], markers: list[tuple[int, int, int]], edits: _Edits
) -> list[tuple[int, int]]:
    """Verify each 「quote」 against the clause its following marker names (or any source); returns spans."""
    spans: list[tuple[int, int]] = []
    for m in _QUOTE_RE.finditer(text):
        quote = m.group(1)
        gap = _BETWEEN_QUOTE_AND_MARKER.match(text, m.end())
        marker = next((mk for mk in markers if gap and mk[0] == gap.end()), None)
        span_end = marker[1] if marker else m.end()
        spans.append((m.start(), span_end))
        number = marker[2] if marker else None
        if number is not None and 1 <= number <= len(sources):
            candidates = [number - 1]
        elif number is None:
            candidates = list(range(len(sources)))
        else:
            candidates = []
        hit = next((i for i in candidates if quote_in_clause(quote, sources[i].text)), None)
        if hit is not None:
            edits.cite(hit, m.start(), quote)
            continue
        # keep the punctuation between quote and marker, drop the quote and its marker
        if marker:
            edits.replacements.append((marker[0], marker[1], ""))
        where = f"编号[{number}]的条文" if number is not None else "本轮检索到的条文"
        edits.drop(m.start(), m.end(), DROPPED_QUOTE, f"引文「{quote[:30]}」与{where}原文不符")
    return spans


def _check_mentions(
    text: str, sources: Sequence[Clause], allowed: list[tuple[str, str | None]], in_quote, edits: _Edits
) -> None:
    for regex in (_MENTION_RE, _DOCNO_MENTION_RE):
        for m in regex.finditer(text):
            if in_quote(m.start()):
                continue
            doc, article = m.group(1), m.group(2)
            hit = next(
                (
                    i
                    for i, c in enumerate(sources)
                    if _doc_matches(doc, c) and _article_matches(article, c.article)
                ),
                None,
            )
            if hit is not None:
                edits.cite(hit, m.start())
                continue
            if any(_mention_allowed(doc, article, a_doc, a_article) for a_doc, a_article in allowed):
                continue
            edits.drop(m.start(), m.end(), DROPPED_MENTION, f"{m.group(0)}不在本轮检索到的条文中")


def _mention_allowed(doc: str, article: str, allowed_doc: str, allowed_article: str | None) -> bool:
    if not any(name and _same_doc(doc, name) for name in (allowed_doc, *split_doc(allowed_doc))):
        return False
    return allowed_article is None or _article_matches(article, allowed_article.lstrip("约"))


def _apply(text: str, replacements: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, new in sorted(set(replacements)):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def dropped_note(dropped: int) -> str:
    return f"（已删除{dropped}处无法核验的引用）" if dropped else ""


_HOLD_QUOTE_TAIL = re.compile(r"[ \t，。；、,.;:：]{0,3}(?:[\[［【]\d{0,3}[\]］】]?)?")
_HOLD_MENTION_TAIL = re.compile(
    rf"\s*(?:第[{_CN_NUM}]*(?:条(?:第[{_CN_NUM}]*(?:款(?:第[{_CN_NUM}]*项?)?)?)?)?)?"
)


def stable_prefix_length(text: str) -> int:
    """How much of a growing answer can be verified now: later text cannot change its citations."""
    cut = len(text)
    open_quote = text.rfind("「")
    if open_quote != -1 and "」" not in text[open_quote:]:
        cut = min(cut, open_quote)
    close_quote = text.rfind("」")
    if close_quote != -1 and _HOLD_QUOTE_TAIL.fullmatch(text, close_quote + 1):
        cut = min(cut, max(text.rfind("「", 0, close_quote), 0))
    bracket = max(text.rfind("["), text.rfind("［"), text.rfind("【"))
    if bracket != -1 and re.fullmatch(r".\d{0,3}", text[bracket:]):
        cut = min(cut, bracket)
    open_title = text.rfind("《")
    if open_title != -1:
        close_title = text.find("》", open_title)
        if close_title == -1 or _HOLD_MENTION_TAIL.fullmatch(text, close_title + 1):
            cut = min(cut, open_title)
    docno = re.search(r"[\u4e00-\u9fff]{0,8}〔[\d〕号第" + _CN_NUM + r"条款项]*$", text)
    if docno:
        cut = min(cut, docno.start())
    return cut


class StreamingVerifier:
    """Verify a streamed answer on the fly: `feed` returns the newly verified text to show."""

    def __init__(self, sources: Sequence[Clause], *, allowed_mentions: Iterable[tuple[str, str | None]] = ()):
        self.sources = list(sources)
        self.allowed = list(allowed_mentions)
        self.raw = ""
        self.emitted = ""
        self._stable_len = 0

    def feed(self, chunk: str) -> str:
        self.raw += chunk
        cut = stable_prefix_length(self.raw)
        if cut == self._stable_len:  # nothing new can be decided yet
            return ""
        self._stable_len = cut
        stable = verify_answer(self.raw[:cut], self.sources, allowed_mentions=self.allowed).text
        return self._advance(stable)

    def finish(self) -> tuple[VerifiedAnswer, str]:
        """The verified whole answer and the last piece of text not yet shown."""
        final = verify_answer(self.raw, self.sources, allowed_mentions=self.allowed)
        return final, self._advance(final.text)

    def _advance(self, verified: str) -> str:
        # a later decision can only differ inside the held-back tail; never un-show text
        if not verified.startswith(self.emitted):
            return ""
        delta = verified[len(self.emitted) :]
        self.emitted = verified
        return delta
