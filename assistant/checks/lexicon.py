"""The word lists of lexicon.yaml, compiled once into regexes and sets the rules read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


def _alternation(words: list[str]) -> re.Pattern[str]:
    """One regex matching any of the words, longest first (so 万元 wins over 元)."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class Lexicon:
    vague: re.Pattern[str]
    bare_values: frozenset[str]
    scale: re.Pattern[str]
    qualitative_standard: re.Pattern[str]
    vague_time: re.Pattern[str]
    time_concrete: re.Pattern[str]
    timeliness_name: re.Pattern[str]
    rate: re.Pattern[str]
    change: re.Pattern[str]
    percent_ok: re.Pattern[str]
    not_applicable: frozenset[str]
    bounded_rate_exclusions: re.Pattern[str]
    negative: re.Pattern[str]
    percent_units: frozenset[str]
    money_units: frozenset[str]
    people_units: frozenset[str]
    count_units: frozenset[str]
    measure_units: frozenset[str]
    time_units: frozenset[str]
    people_name_end: re.Pattern[str]
    counted_as_people_end: re.Pattern[str]  # people_name_endings + role_name_endings
    people_noun: re.Pattern[str]
    money_name_end: re.Pattern[str]
    unit_cost: re.Pattern[str]
    eco_row: re.Pattern[str]
    eco_project: re.Pattern[str]
    not_ecological: re.Pattern[str]  # 营商环境: "环境" that is not the natural environment
    macro_econ_row: re.Pattern[str]
    econ_project: re.Pattern[str]
    grand_slogan: re.Pattern[str]
    back_office_project: re.Pattern[str]
    input_rate: re.Pattern[str]
    activity_verbs: re.Pattern[str]
    activity_units: frozenset[str]
    catch_all: re.Pattern[str]
    beneficiary: re.Pattern[str]
    placeholder: re.Pattern[str]
    lay_public: frozenset[str]
    respondent_modifiers: re.Pattern[str]
    rewrites: dict[str, tuple[tuple[re.Pattern[str], str], ...]]
    rewrite_defaults: dict[str, str]


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """Load lexicon.yaml once per process (it is package data, not configuration)."""
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    vague_words = [w for group in raw["vague_words"].values() for w in group]
    return Lexicon(
        vague=_alternation(vague_words),
        bare_values=frozenset(raw["bare_values"]),
        scale=_any_of(raw["scale_patterns"]),
        qualitative_standard=_any_of(raw["qualitative_standard_markers"]),
        vague_time=_alternation(raw["vague_time_words"]),
        time_concrete=_any_of(raw["time_concrete_patterns"]),
        timeliness_name=_alternation(raw["timeliness_name_words"]),
        rate=_alternation(raw["rate_words"]),
        change=_alternation(raw["change_words"]),
        percent_ok=_alternation(raw["percent_ok_words"]),
        not_applicable=frozenset(raw["not_applicable_values"]),
        bounded_rate_exclusions=_alternation(raw["bounded_rate_exclusions"]),
        negative=_alternation(raw["negative_words"]),
        percent_units=frozenset(raw["percent_units"]),
        money_units=frozenset(raw["money_units"]),
        people_units=frozenset(raw["people_units"]),
        count_units=frozenset(raw["count_units"]),
        measure_units=frozenset(raw["measure_units"]),
        time_units=frozenset(raw["time_units"]),
        people_name_end=re.compile(f"(?:{_alternation(raw['people_name_endings']).pattern})$"),
        counted_as_people_end=re.compile(
            f"(?:{_alternation(raw['people_name_endings'] + raw['role_name_endings']).pattern})$"
        ),
        people_noun=_alternation(raw["people_name_endings"]),
        money_name_end=re.compile(f"(?:{_alternation(raw['money_name_endings']).pattern})$"),
        unit_cost=_alternation(raw["unit_cost_words"]),
        eco_row=_alternation(raw["eco_row_words"]),
        eco_project=_alternation(raw["eco_project_words"]),
        not_ecological=_alternation(raw["not_ecological_words"]),
        macro_econ_row=_alternation(raw["macro_econ_row_words"]),
        econ_project=_alternation(raw["econ_project_words"]),
        grand_slogan=_alternation(raw["grand_slogan_words"]),
        back_office_project=_alternation(raw["back_office_project_words"]),
        input_rate=_alternation(raw["input_rate_words"]),
        activity_verbs=_alternation(raw["activity_verbs"]),
        activity_units=frozenset(raw["activity_units"]),
        catch_all=_any_of(raw["catch_all_patterns"]),
        beneficiary=_alternation(raw["beneficiary_words"]),
        placeholder=_any_of(raw["placeholder_patterns"]),
        lay_public=frozenset(raw["lay_public"]),
        respondent_modifiers=_alternation(raw["respondent_modifiers"]),
        rewrites={
            k: tuple((re.compile(r["when"]), r["text"]) for r in v)
            for k, v in raw["rewrites"].items()
            if isinstance(v, list)
        },
        rewrite_defaults={
            k.removesuffix("_default"): v for k, v in raw["rewrites"].items() if isinstance(v, str)
        },
    )


def pick_rewrite(lex: Lexicon, kind: str, text: str) -> str:
    """The first rewrite template of `kind` whose trigger matches `text`, else the kind's default."""
    for trigger, template in lex.rewrites.get(kind, ()):
        if trigger.search(text):
            return template
    return lex.rewrite_defaults[kind]
