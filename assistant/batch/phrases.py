"""主要问题 in a bureau's words: one short phrase per defect code (formats.md §3), most serious first."""

from __future__ import annotations

from assistant.models import CheckResult, Severity

CODE_PHRASES: dict[str, str] = {
    "PROJECT_UNIDENTIFIABLE": "项目内容无法识别",
    "GOAL_MISSING": "未填年度目标",
    "GOAL_VAGUE": "年度目标不明确",
    "MISSING_LEVEL1": "缺少一级指标",
    "SATISFACTION_MISSING": "缺满意度指标",
    "NO_COST": "缺成本指标",
    "TEMPLATE_PLACEHOLDER": "残留模板文字",
    "WEIGHTS_NOT_100": "权重合计不为100",
    "DUPLICATE": "指标重复",
    "IRRELEVANT": "指标与项目无关",
    "INPUT_AS_OUTPUT": "以投入代替产出",
    "OUTPUT_AS_BENEFIT": "产出列为效益",
    "MISSING_CORE_OUTPUT": "缺主要产出数量",
    "VALUE_NAME_CONFLICT": "指标值与名称矛盾",
    "VAGUE_VALUE": "指标值不可衡量",
    "PERCENT_WITHOUT_BASIS": "非比率指标用百分比",
    "RATE_OVER_100": "比率目标超过100%",
    "NO_UNIT": "缺度量单位",
    "WRONG_UNIT": "度量单位不当",
    "WRONG_DIRECTION": "指标方向错误",
    "TIMELINESS_VAGUE": "时效指标无时限",
    "COST_NOT_MEASURABLE": "成本指标不可衡量",
    "OUTPUT_BUDGET_MISMATCH": "产出与预算不匹配",
    "TRIVIAL_THRESHOLD": "目标值无约束力",
    "TARGET_TOO_LOW": "目标低于上年或依据",
    "COST_OVER_STANDARD": "单位成本超支出标准",
    "EX_ANTE_MISSING": "缺事前绩效评估",
}
MAX_PHRASES = 4
_RANK = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def code_phrase(code: str, fallback: str | None = None) -> str:
    return CODE_PHRASES.get(code) or fallback or code


def main_problems(result: CheckResult, titles: dict[str, str] | None = None) -> str:
    """'年度目标不明确；时效指标无时限' — each code once, errors before warnings, then by first occurrence;
    at most MAX_PHRASES, the rest counted. `titles` (rule id -> title) names codes this list lacks."""
    first: dict[str, tuple[int, int]] = {}
    names: dict[str, str] = {}
    for n, f in enumerate(result.findings):
        rank = (_RANK.get(f.severity, 3), n)
        if f.code not in first or rank < first[f.code]:
            first[f.code] = rank
        names.setdefault(f.code, code_phrase(f.code, (titles or {}).get(f.rule_id)))
    ordered = [names[c] for c in sorted(first, key=first.__getitem__)]
    shown = "；".join(ordered[:MAX_PHRASES])
    if len(ordered) > MAX_PHRASES:
        shown += f"等{len(ordered)}类问题"
    return shown
