"""The word lists and patterns of lexicon.yaml, read generically by name.

lexicon.yaml has three kinds of entries:
- word lists (top level): a list of words, or a mapping of named groups of words (flattened);
- `patterns:` regular expressions, one string or a list of alternatives (joined with `|`);
- `topics:` ordered mappings of case name -> regex, for picking a named case from a text
  (the first case whose regex matches wins; the case names are catalog template cases).

Rules read them as `lex.words("money_units")` (a frozenset), `lex.any("rate_words")` (one regex matching any
of the words, longest first), `lex.ends("people_name_endings")` (anchored at the end), `lex.pattern("date")`
and `lex.topic("vague_value", text)`. A name that is not in the file is a KeyError at load of the rule, not
a silent miss: `test_lexicon.py` runs every rule over the shared sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
_SECTIONS = ("patterns", "topics", "tables")


def alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of the words, longest first (so 万元 wins over 元)."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered) or r"(?!x)x")


def _flatten(entry: Any, name: str) -> tuple[str, ...]:
    if isinstance(entry, list):
        return tuple(str(w) for w in entry)
    if isinstance(entry, dict):
        return tuple(str(w) for group in entry.values() for w in group)
    raise ValueError(f"lexicon entry {name!r} is neither a word list nor groups of words")


def _regex(entry: Any, name: str) -> re.Pattern[str]:
    if isinstance(entry, str):
        return re.compile(entry)
    if isinstance(entry, list):
        return re.compile("|".join(f"(?:{p})" for p in entry))
    raise ValueError(f"lexicon pattern {name!r} is neither a regex nor a list of regexes")


class Lexicon:
    """Compiled once from lexicon.yaml; read-only afterwards."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._words = MappingProxyType({k: _flatten(v, k) for k, v in raw.items() if k not in _SECTIONS})
        self._sets = MappingProxyType({k: frozenset(v) for k, v in self._words.items()})
        self._any = MappingProxyType({k: alternation(v) for k, v in self._words.items()})
        self._patterns = MappingProxyType({k: _regex(v, k) for k, v in (raw.get("patterns") or {}).items()})
        self._topics = MappingProxyType(
            {
                name: tuple((case, _regex(rx, f"{name}.{case}")) for case, rx in cases.items())
                for name, cases in (raw.get("topics") or {}).items()
            }
        )
        self._tables = MappingProxyType(dict(raw.get("tables") or {}))

    def names(self) -> dict[str, tuple[str, ...]]:
        """Every entry name by section (for tests and docs)."""
        return {
            "words": tuple(self._words),
            "patterns": tuple(self._patterns),
            "topics": tuple(self._topics),
            "tables": tuple(self._tables),
        }

    def word_list(self, name: str) -> tuple[str, ...]:
        return self._words[name]

    def words(self, *names: str) -> frozenset[str]:
        if len(names) == 1:
            return self._sets[names[0]]
        return frozenset(w for n in names for w in self._sets[n])

    def any(self, *names: str) -> re.Pattern[str]:
        if len(names) == 1:
            return self._any[names[0]]
        return _combined(self, names, False)

    def ends(self, *names: str) -> re.Pattern[str]:
        return _combined(self, names, True)

    def pattern(self, name: str) -> re.Pattern[str]:
        return self._patterns[name]

    def topic(self, name: str, text: str) -> str | None:
        """The first case of topic list `name` whose regex matches `text`, else None."""
        found = self.topic_match(name, text)
        return found[0] if found else None

    def topic_match(self, name: str, text: str) -> tuple[str, re.Match[str]] | None:
        """(case, match) of the first case of topic list `name` whose regex matches `text`."""
        for case, rx in self._topics[name]:
            m = rx.search(text)
            if m:
                return case, m
        return None

    def topic_cases(self, name: str) -> tuple[str, ...]:
        return tuple(case for case, _ in self._topics[name])

    def table(self, name: str) -> Any:
        """A small structured table (rows of words and numbers), as written in the file."""
        return self._tables[name]


@lru_cache(maxsize=64)
def _combined(lex: Lexicon, names: tuple[str, ...], at_end: bool) -> re.Pattern[str]:
    rx = alternation(w for n in names for w in lex.word_list(n))
    return re.compile(f"(?:{rx.pattern})$") if at_end else rx


def load_lexicon(path: Path | None = None) -> Lexicon:
    return Lexicon(yaml.safe_load(Path(path or LEXICON_FILE).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The packaged lexicon, loaded once per process (it is package data, not configuration)."""
    return load_lexicon()
