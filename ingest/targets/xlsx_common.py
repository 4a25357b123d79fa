"""A worksheet as a grid of cell texts with merged ranges resolved, and header-row detection by meaning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from core.normalize import number_to_text
from ingest.targets.columns import Label, amount_unit_in, classify_label
from ingest.targets.limits import ImportLimits, clean_cell_text

MAX_ROWS = ImportLimits.max_rows  # rows read per sheet; more is reported, not silently cut
MAX_COLUMNS = ImportLimits.max_columns  # columns read per sheet; more is reported
MAX_BLANK_RUN = 500  # a run of empty rows this long ends the sheet (notes far below are not data)


def cell_text(value: Any, number_format: str = "General") -> str | None:
    """A cell as the text a reviewer sees: numbers without a spurious .0, dates as ISO, percents with %."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return number_to_text(round(value * 100, 10)) + "%"
        return number_to_text(value)
    text = clean_cell_text(str(value)).strip()
    return text or None


@dataclass
class Grid:
    """Cell values of one sheet (1-based rows/cols). Merged cells read as their top-left value."""

    title: str
    values: list[list[Any]]
    formats: list[list[str]]
    merge_origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    truncated: bool = False  # rows past the row limit were not read
    wide: bool = False  # columns past the column limit were not read

    @classmethod
    def from_worksheet(cls, ws: Any, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> Grid:
        """The sheet's filled cells only: empty positions are never created (openpyxl's iter_rows would
        create a cell object for every position of the used range, a cost a stray far-off cell multiplies).
        Rows past `max_rows` and columns past `max_columns` are not read (`truncated`, `wide`)."""
        cells: dict[tuple[int, int], Any] = getattr(ws, "_cells", None) or {
            (c.row, c.column): c for row in ws.iter_rows() for c in row
        }
        filled: dict[int, dict[int, Any]] = {}
        truncated = wide = False
        for (r, c), cell in cells.items():
            value = cell.value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if r > max_rows:
                truncated = True
            elif c > max_columns:
                wide = True
            else:
                filled.setdefault(r, {})[c] = cell
        n_rows = _rows_before_blank_run(sorted(filled))
        n_cols = max((c for r in filled if r <= n_rows for c in filled[r]), default=0)
        values: list[list[Any]] = [[None] * n_cols for _ in range(n_rows)]
        formats: list[list[str]] = [["General"] * n_cols for _ in range(n_rows)]
        for r, row in filled.items():
            if r > n_rows:
                continue
            for c, cell in row.items():
                values[r - 1][c - 1] = cell.value
                formats[r - 1][c - 1] = getattr(cell, "number_format", "General") or "General"
        merge_origin: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            if rng.min_row > n_rows or rng.min_col > n_cols:
                continue
            for r in range(rng.min_row, min(rng.max_row, n_rows) + 1):
                for c in range(rng.min_col, min(rng.max_col, n_cols) + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        merge_origin[(r, c)] = (rng.min_row, rng.min_col)
        return cls(ws.title, values, formats, merge_origin, truncated=truncated, wide=wide)

    @property
    def n_rows(self) -> int:
        return len(self.values)

    @cached_property
    def n_cols(self) -> int:  # computed once: every row scan asks for it (was quadratic on long sheets)
        return max((len(r) for r in self.values), default=0)

    def origin(self, r: int, c: int) -> tuple[int, int]:
        return self.merge_origin.get((r, c), (r, c))

    def is_continuation(self, r: int, c: int) -> bool:
        """True for a cell covered by a merged range but not its top-left."""
        return (r, c) in self.merge_origin

    def raw(self, r: int, c: int) -> Any:
        r0, c0 = self.origin(r, c)
        row = self.values[r0 - 1] if 0 < r0 <= len(self.values) else []
        return row[c0 - 1] if 0 < c0 <= len(row) else None

    def text(self, r: int, c: int) -> str | None:
        r0, c0 = self.origin(r, c)
        fmts = self.formats[r0 - 1] if 0 < r0 <= len(self.formats) else []
        fmt = fmts[c0 - 1] if 0 < c0 <= len(fmts) else "General"
        return cell_text(self.raw(r, c), fmt)

    def fresh_text(self, r: int, c: int) -> str | None:
        """The cell's own text; None for merged continuations and blanks."""
        return None if self.is_continuation(r, c) else self.text(r, c)

    def row_is_blank(self, r: int) -> bool:
        return all(self.fresh_text(r, c) is None for c in range(1, self.n_cols + 1))

    def row_texts(self, r: int) -> list[str]:
        return [t for c in range(1, self.n_cols + 1) if (t := self.fresh_text(r, c))]


def _rows_before_blank_run(rows: list[int]) -> int:
    """The last filled row before the first run of MAX_BLANK_RUN empty rows (0 when none is filled)."""
    last = 0
    for r in rows:
        if r - last > MAX_BLANK_RUN and last:
            break
        last = r
    return last


@dataclass
class Header:
    """Where a table's header is and which column holds which field."""

    row: int  # last header row (data starts below)
    columns: dict[str, int]  # field -> 1-based column
    amount_units: dict[str, str]  # field -> 万元/元 from a bracket in the header
    labels: dict[int, str]  # column -> header text as normalised (for messages)
    first_row: int = 0  # first header row when the header spans two rows (else == row)

    @property
    def data_start(self) -> int:
        return self.row + 1


def map_header_row(
    grid: Grid, r: int
) -> tuple[dict[str, int], dict[str, str], dict[int, str], dict[int, Label]]:
    """Fields found in row r (fresh cells only); the first column claiming a field keeps it."""
    columns: dict[str, int] = {}
    units: dict[str, str] = {}
    texts: dict[int, str] = {}
    labels: dict[int, Label] = {}
    bare_units: list[int] = []
    for c in range(1, grid.n_cols + 1):
        raw = grid.fresh_text(r, c)
        if raw is None:
            continue
        label = classify_label(raw)
        texts[c] = label.text
        labels[c] = label
        if label.field is None:
            continue
        if label.text == "单位":
            bare_units.append(c)
            continue
        if label.field in columns and not (
            label.field == "value" and "年度" in label.text and "年度" not in texts.get(columns["value"], "")
        ):
            continue
        columns[label.field] = c
        if label.amount_unit:
            units[label.field] = label.amount_unit
    for c in bare_units:
        _place_bare_unit_column(columns, c)
    return columns, units, texts, labels


def _place_bare_unit_column(columns: dict[str, int], c: int) -> None:
    """A bare 单位 is the measurement unit, unless it stands left of the project column (or the measurement
    unit has its own column) and no other organisation column exists: then it names the organisation."""
    project_col = columns.get("project")
    org_free = "org_unit" not in columns
    if org_free and ((project_col is not None and c < project_col) or "measure_unit" in columns):
        columns["org_unit"] = c
    elif "measure_unit" not in columns:
        columns["measure_unit"] = c


def find_header(grid: Grid, first: int, last: int, *, need: tuple[str, ...]) -> Header | None:
    """The row in [first, last] mapping the most fields including all of `need`; merges a sub-header row."""
    best: tuple[int, int] | None = None
    for r in range(first, min(last, grid.n_rows) + 1):
        columns = map_header_row(grid, r)[0]
        fits = all(f in columns for f in need) and len(columns) >= 3
        if fits and (best is None or len(columns) > best[1]):
            best = (r, len(columns))
    if best is None:
        return None
    r = first_row = best[0]
    columns, units, texts, _ = map_header_row(grid, r)
    if r + 1 <= grid.n_rows:
        sub_cols, sub_units, sub_texts, _ = map_header_row(grid, r + 1)
        parent_cols = set(columns.values())
        if len(sub_cols) >= 2 and all(
            c not in parent_cols or _spans_columns(grid, r, c) for c in sub_cols.values()
        ):
            columns = {f: c for f, c in columns.items() if c not in sub_cols.values()}
            columns.update(sub_cols)
            units.update(sub_units)
            texts.update(sub_texts)
            r += 1
    return Header(r, columns, units, texts, first_row)


def _spans_columns(grid: Grid, r: int, c: int) -> bool:
    """True when the header cell at (r, c) is merged across more than one column (a parent header)."""
    return (r, c + 1) in grid.merge_origin and grid.merge_origin[(r, c + 1)] == (r, c)


def sheet_amount_unit(grid: Grid, last_row: int) -> str | None:
    """金额单位 stated in a title row above (or in) the header."""
    for r in range(1, min(last_row, grid.n_rows) + 1):
        for t in grid.row_texts(r):
            unit = amount_unit_in(t)
            if unit:
                return unit
    return None
