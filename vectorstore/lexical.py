"""Lexical retrieval: jieba tokenisation with the domain dictionary, and a BM25 index (bm25s).

The index itself is cheap to rebuild from the stored tokenised clauses (about a millisecond per
hundred clauses), so the persisted state is the token lists (kept in the manifest) and the BM25
matrix is rebuilt in memory whenever the clause set changes.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

_HERE = Path(__file__).resolve().parent
DOMAIN_DICT = _HERE / "domain_dict.txt"
STOPWORDS_FILE = _HERE / "stopwords.txt"
ABBREVIATIONS_FILE = _HERE / "abbreviations.txt"
SYNONYMS_FILE = _HERE / "synonyms.txt"
CONTRASTS_FILE = _HERE / "contrasts.txt"
# weight of synonym-expansion terms relative to the words the user typed (chosen on both eval sets)
SYNONYM_WEIGHT = 0.7

# a token is kept if it holds a CJK character, a letter or a digit (punctuation and spaces are dropped)
_WORDLIKE = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_ARTICLE_ARABIC = re.compile(r"第\s*(\d{1,3})\s*(条|章|款|项|节)")
_ARTICLE_LABEL = re.compile(r"第[零一二三四五六七八九十百]+[条章款项节]")
_DIGITS = "零一二三四五六七八九"
_tokenizer_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba.Tokenizer with the domain dictionary; built once per process (init is slow)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with _tokenizer_lock:
        tokenizer.initialize()
        tokenizer.load_userdict(str(DOMAIN_DICT))
    return tokenizer


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words = STOPWORDS_FILE.read_text(encoding="utf-8").split()
    return frozenset(w.strip() for w in words if w.strip())


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """简称 -> 全称 (人大常委会 -> 人民代表大会常务委员会).

    Questions use the short form, statutes the full one."""
    pairs = {}
    for line in ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            pairs[parts[0]] = parts[1]
    return pairs


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """口语/实务说法 -> 法规用语 (没批 -> 批准前, 审计局 -> 审计机关), from the data file synonyms.txt."""
    table: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.startswith("#"):
            table[parts[0]] = tuple(dict.fromkeys(table.get(parts[0], ()) + tuple(parts[1:])))
    return table


@lru_cache(maxsize=1)
def contrasts() -> dict[str, frozenset[str]]:
    """法规用语 -> the words that look alike and mean the opposite (预算 <-> 决算), from contrasts.txt."""
    table: dict[str, set[str]] = {}
    for line in CONTRASTS_FILE.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            table.setdefault(parts[0], set()).add(parts[1])
            table.setdefault(parts[1], set()).add(parts[0])
    return {word: frozenset(others) for word, others in table.items()}


def synonym_tokens(text: str, query_tokens: list[str]) -> list[str]:
    """Statutory-wording tokens for the colloquial phrases found in `text`, minus the query's own tokens.

    Phrases match as substrings of the question (questions are short; jieba may split a colloquial
    phrase differently from the dictionary form), so "人大还没批" adds 批准前 and 人民代表大会.
    """
    have = set(query_tokens)
    extra: list[str] = []
    for phrase, terms in synonyms().items():
        if phrase in text:
            extra.extend(t for term in terms for t in _words(term))
    return [t for t in dict.fromkeys(extra) if t not in have]


def chinese_number(n: int) -> str:
    """32 -> 三十二, 100 -> 一百, 105 -> 一百零五 (as article numbers are written)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    return head + _DIGITS[rest // 10] + "十" + (_DIGITS[rest % 10] if rest % 10 else "")


def normalize_article_numbers(text: str) -> str:
    """第32条 -> 第三十二条, so a query written with digits hits the article label as written in law."""
    return _ARTICLE_ARABIC.sub(lambda m: f"第{chinese_number(int(m.group(1)))}{m.group(2)}", text)


def _words(text: str) -> list[str]:
    if not text:
        return []
    tokens = (t.strip().lower() for t in _tokenizer().cut_for_search(text))
    return [t for t in tokens if t and _WORDLIKE.search(t)]


def tokenize(text: str, *, for_query: bool = False) -> list[str]:
    """Search-mode jieba tokens, lower-cased, punctuation dropped; stopwords dropped for queries.

    Article labels (第三十二条) stay one token so a query naming the article hits it.
    """
    text = normalize_article_numbers(text)
    tokens: list[str] = []
    cursor = 0
    for label in _ARTICLE_LABEL.finditer(text):
        tokens.extend(_words(text[cursor : label.start()]))
        tokens.append(label.group(0))
        cursor = label.end()
    tokens.extend(_words(text[cursor:]))
    if for_query:
        stop = stopwords()
        kept = [t for t in tokens if t not in stop] or tokens
        expansions = [full for t in kept if (full := abbreviations().get(t))]
        return kept + [t for full in expansions for t in _words(full)]
    return tokens


class BM25Index:
    """BM25 over tokenised clauses, keyed by clause id. Immutable: build a new one when clauses change."""

    def __init__(self, ids: list[str], token_lists: list[list[str]]) -> None:
        self.ids = list(ids)
        self._position = {cid: i for i, cid in enumerate(self.ids)}
        self._retriever: bm25s.BM25 | None = None
        if self.ids:
            retriever = bm25s.BM25()
            # an empty clause still needs one token so bm25s keeps row alignment with `ids`
            corpus = [tokens or ["\u2205"] for tokens in token_lists]
            retriever.index(corpus, show_progress=False)
            self._retriever = retriever

    def __len__(self) -> int:
        return len(self.ids)

    def scores(
        self,
        query_tokens: list[str],
        extra_tokens: list[str] | None = None,
        extra_weight: float = SYNONYM_WEIGHT,
    ) -> np.ndarray:
        """BM25 score of every indexed clause (aligned with `ids`); zeros for an empty index or query.

        Each distinct query token counts once; `extra_tokens` (synonym expansions) add `extra_weight` times
        their own BM25 score, so an expansion helps a clause without outweighing the words typed.
        """
        scores = self._raw_scores(list(dict.fromkeys(query_tokens)))
        if extra_tokens and extra_weight:
            scores = scores + np.float32(extra_weight) * self._raw_scores(list(dict.fromkeys(extra_tokens)))
        return scores

    def _raw_scores(self, tokens: list[str]) -> np.ndarray:
        retriever = self._retriever
        known = [t for t in tokens if retriever is not None and t in retriever.vocab_dict]
        if retriever is None or not known:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(retriever.get_scores(known), dtype=np.float32)

    def search(
        self,
        query_tokens: list[str],
        n: int,
        *,
        allowed: np.ndarray | None = None,
        extra_tokens: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Top-n (clause id, score) with score > 0, optionally restricted by a boolean mask over `ids`."""
        scores = self.scores(query_tokens, extra_tokens)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        if n <= 0 or not len(scores):
            return []
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
