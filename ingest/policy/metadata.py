"""Document metadata from the title and preamble: title, 文号, issuer, dates, kind, region.

Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KINDS = ("law", "regulation", "policy", "local", "starter", "other")
NATIONAL = "全国"

PROVINCES = (
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
)
# Cities whose province cannot be read from a title alone (sub-provincial cities, capitals, the user's area).
CITY_PROVINCE = {
    "青岛市": "山东省",
    "济南市": "山东省",
    "烟台市": "山东省",
    "深圳市": "广东省",
    "广州市": "广东省",
    "宁波市": "浙江省",
    "杭州市": "浙江省",
    "厦门市": "福建省",
    "福州市": "福建省",
    "大连市": "辽宁省",
    "沈阳市": "辽宁省",
    "长春市": "吉林省",
    "哈尔滨市": "黑龙江省",
    "南京市": "江苏省",
    "苏州市": "江苏省",
    "武汉市": "湖北省",
    "成都市": "四川省",
    "西安市": "陕西省",
    "长沙市": "湖南省",
    "衡阳市": "湖南省",
    "常宁市": "湖南省衡阳市",
    "郑州市": "河南省",
    "焦作市": "河南省",
    "合肥市": "安徽省",
    "南昌市": "江西省",
    "昆明市": "云南省",
    "贵阳市": "贵州省",
    "南宁市": "广西壮族自治区",
    "兰州市": "甘肃省",
    "包头市": "内蒙古自治区",
}
_DOC_NO_PREFIX_ISSUER = (
    ("中办发", "中共中央办公厅 国务院办公厅"),
    ("中发", "中共中央 国务院"),
    ("国办发", "国务院办公厅"),
    ("国发", "国务院"),
    ("财", "财政部"),
)
_CN_DIGIT = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DATE_RE = re.compile(
    r"([0-9〇零一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月"
    r"\s*([0-9一二三四五六七八九十]{1,3})\s*日"
)
_EVENTS = ("通过", "批准", "公布", "发布", "印发", "修订", "修正", "施行")
_BRACKET_NO_RE = re.compile(
    r"([\u4e00-\u9fff]{1,8})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号"
)
_ORDER_NO_RE = re.compile(r"(?:中华人民共和国)?(国务院|主席|财政部)令\s*第\s*(\d{1,4})\s*号")
_CONGRESS_RE = re.compile(
    r"([\u4e00-\u9fff]{0,10}?)第[一二三四五六七八九十百]+届(全国)?(人民代表大会(?:常务委员会)?)"
    r"(?:第[一二三四五六七八九十百]+次会议)?"
)
_APPROVING_PROVINCE_RE = re.compile(
    r"(" + "|".join(PROVINCES) + r")第[一二三四五六七八九十百]+届人民代表大会"
)


@dataclass
class DocMetadata:
    title: str
    doc_no: str | None = None
    issuer: str | None = None
    date: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    kind: str = "other"
    region: str = NATIONAL


def _cn_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGIT for c in text):
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def parse_date(text: str) -> str | None:
    """'2014年9月26日' / '二〇一八年九月一日' -> ISO date, or None."""
    m = _DATE_RE.search(text)
    if not m:
        return None
    year, month, day = (_cn_int(g) for g in m.groups())
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def extract_dates(lines: list[str]) -> dict[str, str]:
    """{event: ISO date} from preamble lines such as '2014年11月1日 施行'.

    A later line of the same event wins."""
    dates: dict[str, str] = {}
    for line in lines:
        for m in _DATE_RE.finditer(line):
            iso = parse_date(m.group(0))
            tail = line[m.end() :]
            event = min(((tail.find(e), e) for e in _EVENTS if e in tail), default=(-1, None))[1]
            if event is None and not line.replace(m.group(0), "").strip():
                event = "成文"  # a bare date line: the date the document was signed
            if iso and event:
                dates[event] = iso
    return dates


_DOC_NO_LEAD_RE = re.compile(r"关于|印发|转发|根据|按照|依据|参照|执行|的")


def _normalise_bracket_prefix(prefix: str, *, stands_alone: bool = False) -> str:
    """The agency abbreviation of a 文号. One that starts its line or follows a space or punctuation is
    kept whole (湘财绩〔2013〕29号, 常财预〔2023〕5号); inside running text only known or 发-ending
    prefixes are trusted, else the last two characters."""
    cut = _DOC_NO_LEAD_RE.split(prefix)[-1]  # 印发湘财绩 -> 湘财绩: running-text verbs end before the agency
    if cut != prefix:
        prefix, stands_alone = cut or prefix, bool(cut)
    if stands_alone and len(prefix) <= 4:
        return prefix
    for known, _ in _DOC_NO_PREFIX_ISSUER:
        if prefix.endswith(known) and len(known) > 1:
            return known
    if "发" in prefix:
        end = prefix.rfind("发") + 1
        return prefix[max(0, end - 4) : end]
    return prefix[-2:]


def extract_doc_no(lines: list[str]) -> str | None:
    """财预〔2015〕88号 / 中发〔2018〕34号 (first one) or 国务院令第729号 (the latest order)."""
    for line in lines:
        m = _BRACKET_NO_RE.search(line)
        if m:
            before = line[: m.start(1)]
            alone = not before or not ("\u4e00" <= before[-1] <= "\u9fff")
            prefix = _normalise_bracket_prefix(m.group(1), stands_alone=alone)
            return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"
    orders = [m for line in lines for m in _ORDER_NO_RE.finditer(line)]
    if orders:
        last = orders[-1]
        return f"{last.group(1)}令第{last.group(2)}号"
    return None


def extract_issuer(lines: list[str], doc_no: str | None) -> str | None:
    """The enacting body: a people's congress (standing committee), 国务院, or the 文号's agency."""
    for line in sorted(lines, key=lambda s: "通过" not in s):  # the 通过 line first
        m = _CONGRESS_RE.search(line)
        if m:
            place = re.sub(r"^\d.*?日\s*", "", m.group(1)).strip()
            return f"{place}{m.group(2) or ''}{m.group(3)}"
        if "国务院" in line and ("常务会议" in line or "国务院令" in line):
            return "国务院"
    if doc_no:
        for prefix, issuer in _DOC_NO_PREFIX_ISSUER:
            if doc_no.startswith(prefix):
                return issuer
        if doc_no.startswith("国务院令"):
            return "国务院"
    return None


def infer_region(title: str, preamble: list[str]) -> str:
    """全国, or 省/市 from the start of the title (a city's province from the preamble or a small table)."""
    if title.startswith(("中华人民共和国", "中共中央", "国务院", "财政部", "全国", "中央")):
        return NATIONAL
    province = next((p for p in PROVINCES if title.startswith(p)), "")
    rest = title[len(province) :]
    city_match = re.match(r"^([\u4e00-\u9fff]{1,4}?(?:市|自治州|州|盟))", rest)
    city = ""
    joined = "\n".join(preamble)
    if city_match and (
        city_match.group(1) in CITY_PROVINCE
        or f"{city_match.group(1)}人民" in joined
        or f"{city_match.group(1)}第" in joined
    ):
        city = city_match.group(1)
    if city and not province:
        approving = _APPROVING_PROVINCE_RE.search(joined)
        province = approving.group(1) if approving else CITY_PROVINCE.get(city, "")
    return f"{province}{city}" or NATIONAL


def infer_kind(title: str, doc_no: str | None, region: str) -> str:
    if doc_no and "〔" in doc_no:
        return "policy"
    if region != NATIONAL:
        return "local"
    if re.search(r"法$", title):
        return "law"
    if re.search(r"(条例|规定|办法|细则)$", title) or (doc_no and doc_no.startswith("国务院令")):
        return "regulation"
    return "other"


def build_metadata(
    *, title: str, preamble: list[str], front_matter: dict, kind: str | None, region: str | None
) -> DocMetadata:
    """Everything but the ids. Explicit arguments win over front matter, which wins over inference."""
    doc_no = front_matter.get("doc_no") or extract_doc_no([title, *preamble])
    dates = extract_dates(preamble)
    inferred_region = infer_region(title, preamble)
    final_region = region or front_matter.get("region") or inferred_region
    final_kind = kind or front_matter.get("kind") or infer_kind(title, doc_no, final_region)
    date = front_matter.get("date") or (max(dates.values()) if dates else None)
    return DocMetadata(
        title=title,
        doc_no=str(doc_no) if doc_no else None,
        issuer=front_matter.get("issuer") or extract_issuer(preamble, doc_no),
        date=str(date) if date else None,
        dates=dates,
        kind=str(final_kind),
        region=str(final_region),
    )
