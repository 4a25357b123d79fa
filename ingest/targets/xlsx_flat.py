"""Flat export (formats.md §2.1): one row per indicator, project-level cells only on a project's first row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from core.normalize import to_halfwidth
from ingest.targets.columns import PROJECT_FIELDS, classify_label
from ingest.targets.rows import (
    LevelState,
    SheetContext,
    is_total_or_note_row,
    project_fields,
    read_indicator,
    to_submission_dict,
)
from ingest.targets.xlsx_common import Header, map_header_row

_KEY_FIELDS = ("org_unit", "project", "budget", "annual_goal")


@dataclass
class _Project:
    row: int
    fields: dict[str, Any]
    keys: dict[str, str | None]
    indicators: list[dict[str, Any]] = field(default_factory=list)
    levels: LevelState = field(default_factory=LevelState)


def _fresh_project_texts(ctx: SheetContext, header: Header, r: int) -> dict[str, str | None]:
    return {f: ctx.grid.fresh_text(r, c) for f, c in header.columns.items() if f in PROJECT_FIELDS}


def _starts_project(current: _Project | None, texts: dict[str, str | None], prev_fresh: bool) -> bool:
    """A new project: a project cell of its own that differs from the current one, or follows blank ones."""
    if texts.get("project") is None:
        return False
    if current is None or not prev_fresh:
        return True
    return any(texts.get(k) is not None and texts[k] != current.keys.get(k) for k in _KEY_FIELDS)


def _is_repeated_header(ctx: SheetContext, header: Header, r: int) -> bool:
    """A header repeated below (page breaks in exports): its name cell reads as a header again."""
    if classify_label(ctx.grid.fresh_text(r, header.columns["name"])).field != "name":
        return False
    columns = map_header_row(ctx.grid, r)[0]
    return len(columns) >= 3 and sum(1 for f, c in columns.items() if header.columns.get(f) == c) >= 3


def parse_flat(ctx: SheetContext, header: Header) -> list[dict[str, Any]]:
    """Submission dicts (with `source`) in row order; problems go to ctx.issues."""
    projects: list[_Project] = []
    current: _Project | None = None
    prev_fresh = False
    orphan_unit: str | None = None
    for r in range(header.data_start, ctx.grid.n_rows + 1):
        row_texts = ctx.grid.row_texts(r)
        if not row_texts or is_total_or_note_row(row_texts) or _is_repeated_header(ctx, header, r):
            continue
        texts = _fresh_project_texts(ctx, header, r)
        if _starts_project(current, texts, prev_fresh):
            current = _Project(
                r, project_fields(ctx, header, r, texts), {k: texts.get(k) for k in _KEY_FIELDS}
            )
            projects.append(current)
            orphan_unit = None
        elif (
            texts.get("org_unit")
            and current is not None
            and texts.get("project") is None
            and texts["org_unit"] != current.keys.get("org_unit")
        ):
            current, orphan_unit = None, texts["org_unit"]
        prev_fresh = texts.get("project") is not None
        if current is None:
            who = f"（单位“{orphan_unit}”）" if orphan_unit else ""
            ctx.issue(
                r, f"该行没有项目名称{who}，上方也没有可沿用的项目，未导入，请填写项目名称。", "项目名称"
            )
            continue
        _fill_missing_fields(ctx, header, current, texts, r)
        indicator = read_indicator(ctx, header, r, current.levels, current.row)
        if indicator is not None and ctx.room_for_indicator(
            len(current.indicators), r, current.row, current.fields.get("project")
        ):
            current.indicators.append(indicator)
    if not projects and not ctx.issues:
        ctx.issue(header.row, "表头下方没有任何项目数据行，该工作表未导入项目。")
    stated = None if "year" in header.columns else stated_year(ctx, header.row)
    for p in projects:
        if stated is not None and p.fields.get("year") is None:
            p.fields["year"] = stated
    return [to_submission_dict(p.fields, p.indicators, ctx.source(p.row)) for p in projects]


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_DATE = re.compile(r"\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]|日期|时间")  # 填报日期：2024年10月 is no budget year


def stated_year(ctx: SheetContext, header_row: int) -> int | None:
    """The budget year a flat export without a 年度 column states once: in a title row above the header
    ("2024年部门预算项目绩效目标表"), else in the file name ("2024年项目支出绩效目标.xlsx"). A range
    ("2019—2025年") or two different years state none; dates (填报日期) are not read."""
    titles = [t for r in range(1, header_row) for t in ctx.grid.row_texts(r) if not _DATE.search(t)]
    for text in (" ".join(titles), PurePath(ctx.file.split("/")[-1]).stem):
        years = set(_YEAR.findall(to_halfwidth(text)))
        if len(years) == 1:
            return int(years.pop())
        if years:
            return None
    return None


def _fill_missing_fields(
    ctx: SheetContext, header: Header, project: _Project, texts: dict[str, str | None], r: int
) -> None:
    """Project-level cells first given below the project's first row (e.g. 预算数 on row 2) are kept."""
    if r == project.row:
        return
    missing: dict[str, str | None] = {
        f: t
        for f, t in texts.items()
        if t is not None and f != "project" and _field_key(f) not in project.fields
    }
    if missing:
        project.fields.update(project_fields(ctx, header, r, missing))


def _field_key(f: str) -> str:
    return {"org_unit": "unit"}.get(f, f)
