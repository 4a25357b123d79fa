"""Word lists live in lexicon.yaml and wording in catalog.yaml, not in the rule modules (checks/README.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from assistant.checks.lexicon import Lexicon, get_lexicon

CHECKS = Path(__file__).resolve().parents[3] / "assistant" / "checks"
RULE_MODULES = sorted(CHECKS.glob("rules_*.py"))
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "split", "finditer", "findall"}


def _strings(tree: ast.AST) -> list[ast.Constant]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda p: p.name)
def test_rule_modules_hold_no_word_regexes_and_no_wording(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    regexes = [
        ast.unparse(n)[:60]
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "re"
        and n.func.attr in _RE_CALLS
        and n.args
        and any(_CJK.search(s.value) for s in _strings(n.args[0]))
    ]
    assert not regexes, f"word regexes belong in lexicon.yaml: {regexes}"
    wording = [s.value for s in _strings(tree) if len(_CJK.findall(s.value)) > 4]
    assert not wording, f"wording belongs in catalog.yaml templates: {wording}"


def test_every_lexicon_entry_is_read_by_the_checks():
    source = "\n".join(p.read_text(encoding="utf-8") for p in CHECKS.glob("*.py"))
    source += (CHECKS / "lexicon.yaml").read_text(encoding="utf-8")  # unit_kinds name the unit lists
    names = get_lexicon().names()
    quoted = set(re.findall(r'"(\w+)"', source)) | set(re.findall(r"\b(unit_\w+)\b", source))
    unread = [n for section in names.values() for n in section if n not in quoted]
    assert not unread, f"lexicon entries no check reads: {unread}"


def test_lexicon_reads_words_patterns_topics_and_tables_by_name():
    lex = Lexicon(
        {
            "units": ["元", "万元"],
            "groups": {"a": ["甲"], "b": ["乙丙"]},
            "patterns": {"date": r"\d{4}-\d{2}", "either": ["^a", "b$"]},
            "topics": {"t": {"first": "x|y", "second": "y"}},
            "tables": {"ops": {"以上": "≥"}},
        }
    )
    assert lex.words("units") == {"元", "万元"} and lex.words("units", "groups") == {
        "元",
        "万元",
        "甲",
        "乙丙",
    }
    assert lex.any("units").search("3万元").group(0) == "万元"  # longest first
    assert lex.ends("groups").search("甲乙丙") and not lex.ends("groups").search("乙丙丁")
    assert lex.pattern("date").search("2024-05") and lex.pattern("either").search("xb")
    assert lex.topic("t", "ay") == "first" and lex.topic("t", "z") is None
    assert lex.table("ops")["以上"] == "≥"
    with pytest.raises(KeyError):
        lex.words("missing")
