"""支出标准 tables (formats.md §5): a bureau's unit-cost standards from .xlsx or .csv, and the unit grammar
that makes a cost comparable with a standard.

    from ingest.standards import load_standards, load_standards_bytes, parse_cost_unit, parse_measure

Columns are matched by meaning, like the target importers (ingest/targets/columns.py): 事项/标准名称,
关键词, 计量单位, 标准值/单价/定额, 类型（上限/参考）, 适用地区, 年度, 依据/文号. Nothing here raises for bad
content: a row that cannot be used is an `ImportIssue` naming the file, sheet, row and field in Chinese,
and every good row is still returned.

Units: money per physical unit per period — 元/平方米·年, 万元/公里, 元/人·月, 元/吨. `parse_cost_unit`
reads them into money scale (万元 = 10,000 元), physical dimension and scale (公里 = 1,000 米, 万平方米 =
10,000 平方米, 亩, 公顷 …) and period (·月 × 12 = ·年, ·季 × 4, ·周 × 52; ·天 only with ·天). Two units are
comparable only when their dimensions and period kinds agree: 元/公里 and 元/平方米 never mix.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from core.errors import ImportIssue
from core.models import Standard
from core.normalize import parse_number, to_halfwidth
from ingest.targets.columns import normalize_label
from ingest.targets.limits import ImportLimits, clean_str, package_problem

MAX_STANDARDS_BYTES = 20 * 1024 * 1024
HEADER_SCAN = 20  # the header sits among the first rows (titles and notes above it)
SUPPORTED = (
    "请提供 .xlsx 或 .csv 格式的支出标准表（列：事项、关键词、计量单位、标准值、类型、适用地区、年度、依据；"
    "也可为同样字段的 JSON 列表）"
)

FIELD_ZH = {
    "item": "事项",
    "keywords": "关键词",
    "unit": "计量单位",
    "value": "标准值",
    "kind": "类型",
    "region": "适用地区",
    "year": "年度",
    "basis": "依据",
}

# (field, exact labels, fragments), tried in order: 标准依据 is the basis, 标准类型 the kind, 计量单位
# the unit, 标准名称 the item, and only then is 标准/单价/定额 the value.
_HEADER_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("basis", ("依据", "来源", "出处", "文号"), ("依据", "来源", "出处", "文号", "文件")),
    ("kind", ("类型", "性质", "类别", "约束性", "标准类型", "标准性质"), ("类型", "性质", "约束")),
    ("region", ("地区", "区域", "适用范围", "范围"), ("地区", "区域", "适用范围")),
    ("year", ("年度", "年份", "适用年度", "执行年度"), ("年度", "年份")),
    ("unit", ("单位", "计量单位", "标准单位", "计价单位"), ("计量单位", "计价单位", "标准单位")),
    ("keywords", ("关键词", "关键字", "匹配词", "识别词", "同义词", "别名"), ("关键词", "关键字", "匹配词")),
    (
        "item",
        (
            "事项",
            "项目",
            "名称",
            "内容",
            "服务内容",
            "支出项目",
            "支出事项",
            "费用名称",
            "标准名称",
            "标准项目",
        ),
        ("事项", "名称", "支出项目", "服务内容", "费用项目"),
    ),
    (
        "value",
        ("标准", "标准值", "单价", "定额", "限额", "金额", "价格", "指导价", "标准金额", "支出标准"),
        ("标准值", "单价", "定额", "限额", "指导价", "标准金额", "金额"),
    ),
)
REQUIRED = ("item", "unit", "value")

_CEILING_WORDS = ("上限", "最高", "不超过", "不得超过", "限额", "控制", "封顶", "定额", "硬性", "约束")
_REFERENCE_WORDS = ("参考", "指导", "建议", "参照", "预期", "测算")


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class Measure:
    """A physical unit: its dimension (length/area/volume/weight, or the counted word itself: 人, 户, 台 …)
    and how many base units one of it is (公里 = 1,000 米, 万平方米 = 10,000 平方米)."""

    dimension: str
    scale: float
    word: str  # as written, without 万


_LENGTH = {"米": 1.0, "m": 1.0, "延米": 1.0, "延长米": 1.0, "公里": 1000.0, "千米": 1000.0, "km": 1000.0}
_AREA = {
    "平方米": 1.0,
    "平米": 1.0,
    "㎡": 1.0,
    "m2": 1.0,
    "m²": 1.0,
    "平方": 1.0,
    "平方公里": 1e6,
    "平方千米": 1e6,
    "km2": 1e6,
    "km²": 1e6,
    "亩": 10000.0 / 15.0,
    "公顷": 10000.0,
}
_VOLUME = {"立方米": 1.0, "立方": 1.0, "方": 1.0, "m3": 1.0, "m³": 1.0}
_WEIGHT = {"吨": 1000.0, "t": 1000.0, "千克": 1.0, "公斤": 1.0, "kg": 1.0}
_DIMENSIONS = (("长度", _LENGTH), ("面积", _AREA), ("体积", _VOLUME), ("重量", _WEIGHT))
_PEOPLE = ("人", "名", "位", "人数", "个人")
_PERIODS = {"年": 1.0, "年度": 1.0, "月": 12.0, "季": 4.0, "季度": 4.0, "周": 52.0, "半年": 2.0}
_DAYS = ("天", "日")
_SPLIT = re.compile(r"[·.•\-*×/、]|每")
_MONEY = re.compile(r"^(亿|万|千)?元")
_MONEY_SCALE = {"亿": 1e8, "万": 1e4, "千": 1e3, "": 1.0}


def parse_measure(unit: str | None) -> Measure | None:
    """'万平方米' -> Measure('面积', 10000, '平方米'); '公里' -> ('长度', 1000); '人' -> ('人', 1); None
    if empty, money, a percentage or a time."""
    if not unit:
        return None
    u = to_halfwidth(str(unit)).strip().strip("/（）()").replace(" ", "")
    if not u or "%" in u or _MONEY.match(u) or "/" in u:
        return None
    scale = 1.0
    if u[0] in ("万", "亿") and len(u) > 1:
        scale, u = _MONEY_SCALE[u[0]], u[1:]
    lowered = u.lower()
    for dimension, table in _DIMENSIONS:
        if lowered in table:
            return Measure(dimension, scale * table[lowered], u)
    if u in _PERIODS or u in _DAYS or u in ("小时", "分钟", "个月", "日期", "次/年"):
        return None
    if u in _PEOPLE:
        return Measure("人", scale, u)
    return Measure(u, scale, u)


@dataclass(frozen=True)
class CostUnit:
    """Money per physical unit per period, e.g. 元/平方米·月 = CostUnit(1, Measure(面积, 1), 'year', 12)."""

    money_scale: float  # 元 = 1, 万元 = 10,000
    measure: Measure
    period: str | None  # 'year' (·年/·月/·季/·周), 'day' (·天), or None (no period)
    per_year: float  # periods per year for 'year' (月 = 12); 1 otherwise
    text: str  # as written, normalised

    @property
    def period_word(self) -> str:
        return {None: "", "day": "天"}.get(self.period, "年")

    def to_base(self, value: float) -> float:
        """The value in 元 per base physical unit per year (or per day, or per unit with no period)."""
        return value * self.money_scale / self.measure.scale * self.per_year

    def from_base(self, base: float) -> float:
        """A base amount (元 per base unit per year/day/—) in this unit."""
        return base * self.measure.scale / self.money_scale / self.per_year

    def annual_text(self) -> str:
        """This unit with its period read as a year: 元/平方米·月 -> 元/平方米·年 (unchanged otherwise)."""
        money = {1.0: "元", 1e4: "万元", 1e8: "亿元", 1e3: "千元"}.get(self.money_scale, "元")
        tail = {None: "", "day": "·天"}.get(self.period, "·年")
        return f"{money}/{self.measure.word}{tail}"


def comparable(a: CostUnit, b: CostUnit) -> bool:
    """Same physical dimension and the same kind of period (·月 and ·年 compare; ·天 only with ·天)."""
    return a.measure.dimension == b.measure.dimension and a.period == b.period


def parse_cost_unit(unit: str | None) -> CostUnit | None:
    """'元/平方米·年', '万元/公里', '元/(人·月)', '元/平方米/月', '元/人月' -> CostUnit; None unless
    money per a physical unit (元, 元/年 and 元/% are not unit costs)."""
    if not unit:
        return None
    text = to_halfwidth(str(unit)).strip().replace(" ", "").replace("（", "(").replace("）", ")")
    text = text.replace("每", "/", 1) if "/" not in text else text
    numer, slash, denom = text.partition("/")
    m = _MONEY.match(numer)
    if not slash or m is None or numer[m.end() :]:
        return None
    money_scale = _MONEY_SCALE[m.group(1) or ""]
    tokens = [t for t in _SPLIT.split(denom.replace("(", "").replace(")", "")) if t]
    if len(tokens) == 1:
        tokens = _split_fused(tokens[0])
    period: str | None = None
    per_year = 1.0
    physical: list[str] = []
    for token in tokens:
        if token in _PERIODS and period is None:
            period, per_year = "year", _PERIODS[token]
        elif token in _DAYS and period is None:
            period = "day"
        else:
            physical.append(token)
    if not physical:
        return None
    if len(physical) == 1:
        measure = parse_measure(physical[0])
    else:  # 人·次 is one counted thing: 人次
        joined = "".join(physical)
        measure = Measure(joined, 1.0, joined)
    if measure is None:
        return None
    return CostUnit(money_scale, measure, period, per_year, text)


def _split_fused(token: str) -> list[str]:
    """'人月' -> ['人', '月'], '公里年' -> ['公里', '年']: a period written without a separator."""
    for period in sorted((*_PERIODS, *_DAYS), key=len, reverse=True):
        head = token[: -len(period)]
        if token.endswith(period) and head and parse_measure(head) is not None:
            return [head, period]
    return [token]


# ---------------------------------------------------------------- import


class StandardsImport(BaseModel):
    standards: list[Standard] = Field(default_factory=list)
    issues: list[ImportIssue] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.standards)


def load_standards(path: Path, limits: ImportLimits | None = None) -> StandardsImport:
    """A standards file from disk; a missing or unreadable file is one issue."""
    name = path.name
    if not path.is_file():
        return _fail(name, f"找不到支出标准文件“{path}”。")
    try:
        size = path.stat().st_size
        if size > MAX_STANDARDS_BYTES:
            return _fail(name, _too_big(size))
        data = path.read_bytes()
    except OSError:
        return _fail(name, "支出标准文件无法读取（权限不足或正被占用）。")
    return load_standards_bytes(data, name, limits)


def load_standards_bytes(data: bytes, filename: str, limits: ImportLimits | None = None) -> StandardsImport:
    """Standards from the bytes of an .xlsx or .csv (told apart by content, then by name)."""
    limits = limits or ImportLimits()
    if len(data) > MAX_STANDARDS_BYTES:
        return _fail(filename, _too_big(len(data)))
    if not data.strip():
        return _fail(filename, "文件是空的，没有支出标准。")
    lower = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return _from_xlsx(data, filename, limits)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or lower.endswith(".xls"):
        return _fail(filename, "暂不支持旧版 .xls 支出标准表，请在 Excel 中另存为 .xlsx 或 .csv 后再导入。")
    if lower.endswith((".xlsx", ".xlsm")):
        return _fail(filename, "文件已损坏或不是有效的 Excel（.xlsx）文件，请重新导出后再导入。")
    if lower.endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return _from_json(data, filename, limits)
    if lower.endswith((".csv", ".txt", ".tsv")) or _looks_like_text(data):
        return _from_csv(data, filename, limits)
    return _fail(filename, f"无法识别的文件格式。{SUPPORTED}。")


def _too_big(size: int) -> str:
    limit = MAX_STANDARDS_BYTES // 1024 // 1024
    return f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {limit} MB），支出标准表通常不足 1 MB。"


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    return b"\x00" not in head


def _fail(filename: str, message: str) -> StandardsImport:
    return StandardsImport(issues=[ImportIssue(file=filename, message=message)])


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _from_csv(data: bytes, filename: str, limits: ImportLimits) -> StandardsImport:
    text = _decode(data)
    if text is None:
        return _fail(
            filename, "文件编码无法识别（应为 UTF-8 或 GBK），请用 Excel 另存为“CSV UTF-8”后再导入。"
        )
    sample = text[:4096]
    delimiter = max((",", "\t", ";", "，"), key=sample.count)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        return _fail(filename, "CSV 文件格式有误（引号不成对等），请用 Excel 另存为“CSV UTF-8”后再导入。")
    if len(rows) > limits.max_rows:
        return _fail(filename, f"行数过多（{len(rows)}行，上限{limits.max_rows}行），不像支出标准表。")
    return _from_rows([list(r) for r in rows], filename, None, limits)


_JSON_KEYS = {**{f: f for f in FIELD_ZH}, **{zh: f for f, zh in FIELD_ZH.items()}}


def _from_json(data: bytes, filename: str, limits: ImportLimits) -> StandardsImport:
    """A JSON list of standards (or {"standards": [...]}), keys in English (item, unit, value …) or as the
    table's column names (事项, 计量单位, 标准值 …); each object is read like a table row."""
    import json

    text = _decode(data)
    try:
        raw = json.loads(text) if text is not None else None
    except ValueError:
        raw = None
    if isinstance(raw, dict):
        raw = raw.get("standards")
    if not isinstance(raw, list):
        return _fail(filename, '不是有效的支出标准 JSON：应为标准对象的列表，或 {"standards": [...]}。')
    if len(raw) > limits.max_rows:
        return _fail(filename, f"标准条数过多（{len(raw)}条，上限{limits.max_rows}条）。")
    result = StandardsImport()
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            result.issues.append(
                ImportIssue(file=filename, row=n, message=f"第{n}条不是 JSON 对象，已跳过。")
            )
            continue
        cells: dict[str, str] = {}
        for key, value in item.items():
            field = _JSON_KEYS.get(str(key).strip())
            if field is None or value is None:
                continue
            cells[field] = "、".join(map(str, value)) if isinstance(value, list) else _cell_text(value)
        standard, problems = _standard_from_cells(cells, None, limits)
        for field, message in problems:
            result.issues.append(
                ImportIssue(file=filename, row=n, field=FIELD_ZH.get(field, field), message=message)
            )
        if standard is not None:
            standard.source = f"{filename}·第{n}条"
            result.standards.append(standard)
    if not result.standards and not result.issues:
        result.issues.append(ImportIssue(file=filename, message="文件中没有支出标准。"))
    return result


def _from_xlsx(data: bytes, filename: str, limits: ImportLimits) -> StandardsImport:
    problem = package_problem(data, limits)
    if problem is not None:
        return _fail(filename, problem)
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True, keep_links=False)
    except Exception:  # noqa: BLE001  openpyxl raises many types for malformed packages
        return _fail(filename, "无法打开 Excel 工作簿：文件已损坏或不符合 .xlsx 规范，请重新导出后再导入。")
    result = StandardsImport()
    try:
        for ws in wb.worksheets:
            rows: list[list[Any]] = []
            for n, row in enumerate(ws.iter_rows(values_only=True)):
                if n >= limits.max_rows:
                    result.issues.append(
                        ImportIssue(
                            file=filename, sheet=ws.title, message=f"超过{limits.max_rows}行的部分未读取。"
                        )
                    )
                    break
                rows.append(list(row[: limits.max_columns]))
            part = _from_rows(rows, filename, ws.title, limits, quiet_without_header=len(wb.worksheets) > 1)
            result.standards.extend(part.standards)
            result.issues.extend(part.issues)
    finally:
        wb.close()
    if not result.standards and not result.issues:
        result.issues.append(ImportIssue(file=filename, message=_no_header_message()))
    return result


def _no_header_message() -> str:
    return "没有找到支出标准表的表头：至少需要“事项”“计量单位”“标准值”三列（列名按含义识别，如 单价、定额）。"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_str(str(value)).strip()


def classify_header(raw: Any) -> tuple[str | None, str | None]:
    """(field, unit written in brackets) of a header cell: '标准值（元/平方米·年）' -> ('value',
    '元/平方米·年')."""
    text = to_halfwidth(_cell_text(raw))
    bracket = re.search(r"[(（]([^()（）]*)[)）]", text)
    unit = bracket.group(1).strip() if bracket and parse_cost_unit(bracket.group(1)) else None
    label, _ = normalize_label(text)
    if not label or len(label) > 12 or re.search(r"\d", label):
        return None, unit
    for field, exact, fragments in _HEADER_RULES:
        if label in exact or any(f in label for f in fragments):
            return field, unit
    return None, unit


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int], str | None] | None:
    for r, row in enumerate(rows[:HEADER_SCAN]):
        columns: dict[str, int] = {}
        value_unit: str | None = None
        for c, cell in enumerate(row):
            field, unit = classify_header(cell)
            if field and field not in columns:
                columns[field] = c
                if field == "value" and unit:
                    value_unit = unit
        if "item" in columns and "value" in columns and ("unit" in columns or value_unit):
            return r, columns, value_unit
    return None


def _from_rows(
    rows: list[list[Any]],
    filename: str,
    sheet: str | None,
    limits: ImportLimits,
    *,
    quiet_without_header: bool = False,
) -> StandardsImport:
    found = _find_header(rows)
    if found is None:
        if quiet_without_header:  # another sheet (说明, 封面) of a workbook
            return StandardsImport()
        return StandardsImport(issues=[ImportIssue(file=filename, sheet=sheet, message=_no_header_message())])
    header_row, columns, value_unit = found
    result = StandardsImport()
    seen: dict[tuple[str, str, str, int | None], int] = {}
    for r in range(header_row + 1, len(rows)):
        excel_row = r + 1
        cells = {f: _cell_text(rows[r][c]) if c < len(rows[r]) else "" for f, c in columns.items()}
        filled = [v for v in cells.values() if v]
        if len(filled) <= 1:  # blank rows, section titles (一、环境卫生), notes (注：…)
            continue
        standard, problems = _standard_from_cells(cells, value_unit, limits)
        where = {"file": filename, "sheet": sheet, "row": excel_row}
        for field, message in problems:
            result.issues.append(ImportIssue(**where, field=FIELD_ZH.get(field, field), message=message))
        if standard is None:
            continue
        standard.source = f"{filename}" + (f"·{sheet}" if sheet else "") + f"·第{excel_row}行"
        key = (standard.item, standard.unit, standard.region or "", standard.year)
        if key in seen:
            result.issues.append(
                ImportIssue(
                    **where,
                    message=f"与第{seen[key]}行重复（事项、计量单位、地区、年度相同），已保留第{seen[key]}行。",
                )
            )
            continue
        seen[key] = excel_row
        result.standards.append(standard)
    if not result.standards and not result.issues:
        result.issues.append(ImportIssue(file=filename, sheet=sheet, message="表头下没有支出标准数据行。"))
    return result


def read_kind(text: str) -> str | None:
    """'上限' / '最高限额' -> 上限; '参考' / '指导价' -> 参考; blank -> 上限 (a standard binds unless it
    says not)."""
    if not text:
        return "上限"
    if any(w in text for w in _REFERENCE_WORDS):
        return "参考"
    if any(w in text for w in _CEILING_WORDS):
        return "上限"
    return None


def _standard_from_cells(
    cells: dict[str, str], value_unit: str | None, limits: ImportLimits
) -> tuple[Standard | None, list[tuple[str, str]]]:
    """One standard from a row's cells, or None with the reasons (field, Chinese message)."""
    problems: list[tuple[str, str]] = []
    item = cells.get("item", "")[: limits.max_field_chars]
    if not item:
        problems.append(("item", "缺少事项名称，本行无法与项目匹配，已跳过。"))
    raw_value = cells.get("value", "")
    unit = cells.get("unit", "") or value_unit or ""
    value = _number(raw_value)
    if value is None and raw_value:  # 10元/平方米·年 written in one cell
        m = re.match(r"^[≤<≦]?\s*(\d+(?:\.\d+)?)\s*(.+)$", to_halfwidth(raw_value).replace(",", ""))
        if m and parse_cost_unit(m.group(2)):
            value, unit = float(m.group(1)), unit or m.group(2)
    if not raw_value:
        problems.append(("value", "缺少标准值，已跳过。"))
    elif value is None:
        problems.append(("value", f"标准值“{raw_value[:30]}”不是数字，已跳过。"))
    elif value <= 0:
        problems.append(("value", f"标准值“{raw_value[:30]}”应大于0，已跳过。"))
    if not unit:
        problems.append(("unit", "缺少计量单位（如 元/平方米·年），无法与成本指标比对，已跳过。"))
    elif parse_cost_unit(unit) is None:
        problems.append(
            (
                "unit",
                f"计量单位“{unit[:30]}”不是“金额/计量单位[·期间]”的形式"
                "（如 元/平方米·年、万元/公里、元/人·月），无法与成本指标比对，已跳过。",
            )
        )
    kind = read_kind(cells.get("kind", ""))
    if kind is None:
        problems.append(("kind", f"类型“{cells['kind'][:20]}”应为“上限”或“参考”，已跳过。"))
    year: int | None = None
    if cells.get("year"):
        n = _number(cells["year"].removesuffix("年度").removesuffix("年"))
        if n is None or not 1990 <= n <= 2100 or not float(n).is_integer():
            problems.append(("year", f"年度“{cells['year'][:20]}”不是年份（如 2024），已跳过。"))
        else:
            year = int(n)
    if problems:
        return None, problems
    try:
        standard = Standard(
            item=item,
            keywords=cells.get("keywords", "")[: limits.max_text_chars],
            unit=unit,
            value=value,
            kind=kind,
            region=_region(cells.get("region", "")),
            year=year,
            basis=cells.get("basis", "")[: limits.max_text_chars] or None,
        )
    except ValidationError:
        return None, [("item", "本行内容无法识别为一条支出标准，已跳过。")]
    return standard, []


def _region(text: str) -> str | None:
    text = text.strip()
    return (
        None if text in ("", "全部", "全市", "全县", "全省", "各地", "通用", "不限", "-", "—", "/") else text
    )


def _number(text: str) -> float | None:
    if not text:
        return None
    return parse_number(to_halfwidth(text).replace(",", "").replace("，", "").strip())
