"""Extractive answers for rules-only mode: the one to three sentences of the retrieved clauses that answer
the question, each with its citation, the number first when the question asks for one.

No model writes anything here: every sentence is a substring of a retrieved clause (so the citation
verifier accepts it like any quote), and the choice is a small, deterministic score — how much of the
question a sentence says, how much the whole clause says, the retriever's rank, and for 几日内 / 多少
questions whether the sentence holds a number of the asked kind. The retriever's order is kept unless
another clause says clearly more (measured: `jixiao eval answers`, first sentence from the expected article).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.clause_text import point_coverage, reader_text, sentences
from core.models import Clause
from vectorstore.lexical import contrasts, synonyms

MAX_SENTENCES = 3
# a second or third sentence is added only when it says nearly as much as the first
FOLLOW_SHARE = 0.75
# a sentence stating the asked number leads instead of the best one when it scores this close to it
LEAD_SHARE = 0.85
# our glossary cards (术语·…) define words; a rule question is answered by the document's own card first
GLOSSARY_PREFIX = "术语·"
GLOSSARY_PENALTY = 0.15
_DEFINITION_Q = re.compile(r"是什么|什么是|什么叫|含义|定义|是指|指什么|什么意思")
# a sentence that says the opposite word of the question's (决算 for 预算) does not answer it
CONTRAST_PENALTY = 0.30
# how much the retriever's rank counts against a sentence's own evidence (rank 1 gets all of it)
RANK_PRIOR = 0.45
_STOPWORDS = frozenset(
    [
        "什么",
        "怎么",
        "怎样",
        "如何",
        "哪些",
        "哪个",
        "哪几",
        "是否",
        "可以",
        "能否",
        "需要",
        "应当",
        "应该",
        "为什么",
        "为何",
        "一下",
        "这个",
        "那个",
        "这些",
        "那些",
        "我们",
        "你们",
        "他们",
        "有关",
        "关于",
        "请问",
        "以及",
        "还是",
        "或者",
        "是不是",
        "有没有",
        "没有",
        "多少",
        "之间",
        "时候",
        "哪里",
        "如果",
        "因为",
        "所以",
        "问题",
        "规定",
        "要求",
        "情况",
        "相关",
        "什么样",
        "怎么办",
        "具体",
        "主要",
        "一般",
        "能不能",
        "可不可以",
        "要不要",
        "的话",
        "咱们",
        "单位",
        "吗",
        "呢",
        "吧",
    ]
)

# -- the question --------------------------------------------------------------------------------------

_TIME_Q = re.compile(
    r"几[日天年月周]|多少[日天年个]|多长时间|多久|期限|几个(?:月|工作日)|时限|哪天|什么时候|何时"
)
_AMOUNT_Q = re.compile(r"多少钱|多少万|金额|额度|比例|百分之|几成|占比|上限|下限|最高|最低|多少")
# 分为哪几档 / 几个等级 / 几种方式: the measure word the answer's number carries
_COUNT_Q = re.compile(r"(?:[哪几多少]+个?|哪些)(档|等级|类|种|项|方面|级|步|个环节|阶段|方式)")
_CN = "零〇一二三四五六七八九十百千万两"
_TIME_EXPR = re.compile(
    rf"(?:[{_CN}\d]+|半)(?:个)?(?:工作日|日|天|个月|月|年|周|小时)(?:内|以内|以上|前|后)?"
)
_AMOUNT_EXPR = re.compile(
    rf"百分之[{_CN}\d.]+|\d+(?:\.\d+)?\s*%|[{_CN}\d.]+(?:万元|亿元|元)|[{_CN}\d]+(?:分|倍|人|次|名)"
)


@dataclass(frozen=True)
class Asked:
    """What kind of answer a question wants: a time, an amount, a count of something, or none of these."""

    kind: str | None = None  # "time" | "amount" | "count"
    measure: str = ""  # for a count: 档, 种, 类 …


def question_kind(question: str) -> Asked:
    """ "time" (几日内, 多长时间), "count" (分为哪几档) or "amount" (多少, 比例); else Asked()."""
    if _TIME_Q.search(question):
        return Asked("time")
    count = _COUNT_Q.search(question)
    if count:
        return Asked("count", count.group(1))
    if _AMOUNT_Q.search(question):
        return Asked("amount")
    return Asked()


def number_in(sentence: str, asked: Asked) -> str | None:
    """The first number of the asked kind in a sentence (二十日内, 百分之一至百分之三, 四档)."""
    if asked.kind is None:
        return None
    if asked.kind == "count":
        m = re.search(rf"[{_CN}\d]+个?{re.escape(asked.measure)}", sentence)
        return m.group(0) if m and not m.group(0).startswith("一") else None
    regex = _TIME_EXPR if asked.kind == "time" else _AMOUNT_EXPR
    found = list(regex.finditer(sentence))
    if not found:
        return None
    m = found[0]
    number = m.group(0)
    if asked.kind == "amount":  # 百分之一至百分之三: keep a range whole
        tail = re.match(rf"\s*(?:至|到|-|—|～)\s*(?:百分之)?[{_CN}\d.]+%?", sentence[m.end() :])
        if tail:
            number += tail.group(0).strip()
            found = [f for f in found if f.start() >= m.end() + tail.end()]
        else:
            found = found[1:]
    else:
        found = found[1:]
    # a sentence of several numbers (10%、50%、30%) is not answered by its first one alone
    return None if any(f.group(0) != m.group(0) for f in found) else number


def _states_a_number(sentence: str, asked: Asked) -> bool:
    """The sentence states at least one number of the asked kind (several, maybe: 10%、50%、30%)."""
    if asked.kind in ("time", "amount"):
        return bool((_TIME_EXPR if asked.kind == "time" else _AMOUNT_EXPR).search(sentence))
    return False


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def keywords(text: str) -> set[str]:
    """Key terms of a question: jieba search-mode words of two or more characters, stopwords removed."""
    words = {w.strip() for w in _jieba().lcut_for_search(text)}
    return {w for w in words if len(w) >= 2 and w not in _STOPWORDS and not w.isascii()}


def relevance(terms: set[str], text: str, alternatives: dict[str, set[str]] | None = None) -> float:
    """Share of the question's key terms (weighted by length) that occur in `text` — a term also counts
    when the statutory word the thesaurus gives for it does (费用 → 成本)."""
    total = sum(len(t) for t in terms)
    if not total:
        return 0.0
    alternatives = alternatives or {}
    found = sum(len(t) for t in terms if t in text or any(a in text for a in alternatives.get(t, ())))
    return found / total


def thesaurus_alternatives(question: str, terms: set[str]) -> dict[str, set[str]]:
    """For each key term, the statutory words the thesaurus (vectorstore/synonyms.txt) offers for a phrase of
    the question that holds it: 费用过高 gives 费用 the alternatives 成本, 支出标准."""
    found: dict[str, set[str]] = {}
    for phrase, words in synonyms().items():
        if phrase in question:
            for term in terms:
                if term in phrase or phrase in term:
                    found.setdefault(term, set()).update(words)
    return found


def _weights(terms: set[str], texts: Sequence[str]) -> dict[str, float]:
    """Length times idf over the candidate sentences: a word most of them share (项目支出 in half the
    titles) says little about which one answers; one few of them have (批复, 档) says much."""
    n = len(texts)
    weights = {}
    for term in terms:
        df = sum(1 for text in texts if term in text)
        weights[term] = len(term) * max(math.log((n + 1) / (df + 0.5)), 0.1)
    return weights


def _contrasted(question: str, sentence: str) -> bool:
    """The sentence speaks of the opposite (决算) of a word the question uses (预算), not of the word."""
    for word, others in contrasts().items():
        if (
            word in question
            and word not in sentence
            and any(o in sentence and o not in question and word not in o for o in others)
        ):
            return True
    return False


def _weighted_share(weights: dict[str, float], text: str, alternatives: dict[str, set[str]]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    found = sum(w for t, w in weights.items() if t in text or any(a in text for a in alternatives.get(t, ())))
    return found / total


def _content(question: str) -> str:
    """The question without its stopwords and punctuation (for character-level coverage)."""
    text = question
    for word in sorted(_STOPWORDS, key=len, reverse=True):
        text = text.replace(word, " ")
    return text


# -- choosing sentences --------------------------------------------------------------------------------


@dataclass
class AnswerSentence:
    text: str  # a substring of the clause
    source: int  # 0-based index of the clause among the sources
    score: float
    number: str | None = None  # the number of the asked kind the sentence states


def answer_sentences(
    question: str,
    sources: Sequence[Clause],
    *,
    context: str = "",
    limit: int = MAX_SENTENCES,
) -> list[AnswerSentence]:
    """The sentences that answer the question, best first (at most `limit`, at most two per clause).

    `sources` are in the retriever's order (a deeper pool than is shown is fine: the rank counts);
    `context` is what the conversation adds (the previous question for a follow-up such as
    "那它的权重呢？"): it may help, never decide alone.
    """
    terms = keywords(question)
    context_terms = keywords(context) - terms if context else set()
    alternatives = thesaurus_alternatives(question, terms)
    content = _content(question)
    asked = question_kind(question)
    clause_texts = [f"{reader_text(c)} {c.doc_title} {c.heading or ''}" for c in sources]
    units_of = [sentences(c) for c in sources]
    all_units = [u for units in units_of for u in units]
    weights = _weights(terms, all_units)
    context_weights = _weights(context_terms, all_units)
    scored: list[AnswerSentence] = []
    for index, units in enumerate(units_of):
        if not units:
            continue
        share = _weighted_share(weights, clause_texts[index], alternatives)
        prior = RANK_PRIOR / (1 + index)
        if (sources[index].article or "").startswith(GLOSSARY_PREFIX) and not _DEFINITION_Q.search(question):
            prior -= GLOSSARY_PENALTY
        for unit in units:
            score = (
                0.45 * _weighted_share(weights, unit, alternatives)
                + 0.25 * point_coverage(content, unit)
                + 0.20 * share
                + prior
            )
            if context_weights:
                score += 0.10 * _weighted_share(context_weights, unit, {})
            if _contrasted(question, unit):
                score -= CONTRAST_PENALTY
            number = number_in(unit, asked)
            if number or _states_a_number(unit, asked):
                score += 0.20 if asked.kind == "count" else 0.12
            scored.append(AnswerSentence(text=unit, source=index, score=score, number=number))
    if not scored:
        return []
    scored.sort(key=lambda s: (-s.score, s.source))
    chosen = [scored[0]]
    per_clause = {scored[0].source: 1}
    for candidate in scored[1:]:
        if len(chosen) >= limit or candidate.score < FOLLOW_SHARE * chosen[0].score:
            break
        if per_clause.get(candidate.source, 0) >= 2 or any(
            point_coverage(candidate.text, c.text) > 0.8 for c in chosen
        ):
            continue
        chosen.append(candidate)
        per_clause[candidate.source] = per_clause.get(candidate.source, 0) + 1
    best = chosen[0]
    if asked.kind and not best.number and not _states_a_number(best.text, asked):
        # lead with the number when a sentence nearly as good states it
        numbered = next((s for s in scored if s.number and s.score >= LEAD_SHARE * best.score), None)
        if numbered is not None:
            chosen = [numbered, *[c for c in chosen if c is not numbered]][:limit]
    return chosen
