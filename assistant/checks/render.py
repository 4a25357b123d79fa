"""Check results for machines (JSON, DESIGN.md §7) and people (Markdown, a rich table)."""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.citations import TRUST_LABELS, Trust
from assistant.models import SEVERITY_ZH, CheckResult, Citation, CostCheck, Finding, Fix, Location

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def location_text(location: Location) -> str:
    """第3行指标 / 年度目标 … as a reviewer reads it."""
    fields = {
        "annual_goal": "年度目标",
        "overall_goal": "总体目标",
        "project": "项目名称",
        "indicators": "指标表",
        "weights": "权重",
        "budget_yuan": "预算金额",
        "ex_ante": "事前绩效评估",
    }
    if location.indicator is not None:
        cells = {"name": "名称", "op": "指标性质", "value": "指标值", "unit": "度量单位", "weight": "权重"}
        cell = cells.get(location.cell or "", "")
        return f"第{location.indicator + 1}行指标" + (f"（{cell}）" if cell else "")
    return fields.get(location.field or "", location.field or "整体")


_DOC_NO = re.compile(r"^(?P<title>.+?)（(?P<no>[^（）]+)）$")


def citation_text(c: Citation) -> str:
    """《title》（文号）article, with the fact sheet's confidence kept; 审核实务 is never cited as binding."""
    if c.confidence == "实务":
        return f"{c.doc}（审核实务，非文件条文）"
    m = _DOC_NO.match(c.doc)
    title = f"《{m.group('title')}》（{m.group('no')}）" if m else f"《{c.doc}》"
    label = f"{title}{c.article or ''}"
    return label + (f"〔{TRUST_LABELS[Trust.UNCHECKED]}〕" if c.confidence == "记忆" and c.article else "")


def finding_to_dict(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": f.rule_id,
        "code": f.code,
        "severity": f.severity.value,
        "severity_zh": SEVERITY_ZH[f.severity],
        "dimension": f.dimension.value,
        "location": f.location.model_dump(exclude_none=True),
        "message": f.message,
        "suggestion": f.suggestion,
        "citations": [c.model_dump() for c in f.citations],
    }
    if f.fix is not None:
        out["fix"] = f.fix.model_dump(exclude_none=True)
    if f.saving_yuan is not None:
        out["saving_yuan"] = f.saving_yuan
    return out


def result_to_dict(r: CheckResult) -> dict[str, Any]:
    """One submission in the JSON report; one that could not be checked carries `error` and no grade."""
    if r.error is not None or r.grade is None:
        return {"id": r.id, "project": r.project, "error": r.error or "未能完成预审。", "findings": []}
    return {
        "id": r.id,
        "project": r.project,
        "grade": r.grade.value,
        "grade_consequence": r.grade_consequence,
        "findings": [finding_to_dict(f) for f in r.findings],
        **({"cost_checks": [c.model_dump(mode="json") for c in r.cost_checks]} if r.cost_checks else {}),
    }


def results_to_json(results: list[CheckResult]) -> str:
    """`{"submissions": [...]}` in input order, ids echoed (DESIGN.md §7)."""
    return json.dumps({"submissions": [result_to_dict(r) for r in results]}, ensure_ascii=False, indent=2)


def _grade_text(r: CheckResult) -> str:
    return r.grade.value if r.grade else "未评定"


_CELL_ZH = {  # a changed target (op, value, unit) is one 指标值
    "level1": "指标层级",
    "level2": "指标层级",
    "name": "指标名称",
    "op": "指标值",
    "value": "指标值",
    "unit": "指标值",
    "weight": "权重",
    "basis": "设定依据",
}
_TODO = re.compile(r"〔待填[:：][^〕]*〕")


def fix_summary(fix: Fix) -> str:
    """What a structured fix changes in a few words: 改写第8行（指标名称、指标值）；需补填1处：〔待填：…〕."""
    also = fix.also or []
    moves = [a for a in also if a.action == "replace_row" and a.row and set(a.row) == {"weight"}]
    if fix.action == "replace_row" and fix.indicator is not None:
        cells = [c for c in _CELL_ZH if c in (fix.row or {})]
        if cells == ["weight"]:
            text = f"调整第{fix.indicator + 1}行权重"
        else:
            words = dict.fromkeys(_CELL_ZH[c] for c in cells)
            text = f"改写第{fix.indicator + 1}行（{'、'.join(words)}）"
    elif fix.action == "delete_row" and fix.indicator is not None:
        text = f"删除第{fix.indicator + 1}行"
    elif fix.action == "add_row":
        text = f"增设指标{1 + sum(1 for a in also if a.action == 'add_row')}项"
    else:
        text = f"改写{location_text(Location(field=fix.field))}"
    if moves:
        text += "，并调整" + "、".join(f"第{(m.indicator or 0) + 1}行" for m in moves) + "权重"
    todo = _TODO.findall(fix.model_dump_json())
    if todo:
        text += f"；需补填{len(todo)}处：" + "、".join(dict.fromkeys(todo))
    return text


def _counts(r: CheckResult) -> str:
    by = {s: sum(1 for f in r.findings if f.severity.value == s) for s in ("error", "warning", "info")}
    return f"错误{by['error']}项、警告{by['warning']}项、提示{by['info']}项"


def result_to_markdown(r: CheckResult) -> str:
    title = " ".join(x for x in (r.id, r.project or "（未填写项目名称）") if x)
    if r.error is not None:
        return f"## {title}\n\n**未能完成预审**：{r.error}\n"
    lines = [
        f"## {title}",
        "",
        f"**预审等级：{_grade_text(r)}**（{r.grade_consequence}）",
        "",
        f"共发现问题{len(r.findings)}项：{_counts(r)}。" if r.findings else "未发现问题。",
        "",
    ]
    for n, f in enumerate(r.findings, 1):  # in the JSON's order, numbered as a reviewer cites them
        where = location_text(f.location)
        lines.append(f"{n}. **［{SEVERITY_ZH[f.severity]}·{f.dimension.value}］{where}**：{f.message}")
        lines.append(f"   - 建议改写：{f.suggestion}")
        if f.fix is not None:
            lines.append(f"   - 修改方式：{fix_summary(f.fix)}（结构化修改见 JSON 的 fix）")
        lines.append(
            f"   - 依据：{'；'.join(citation_text(c) for c in f.citations)}（规则 {f.rule_id}，{f.code}）"
        )
    lines += cost_checks_markdown(r.cost_checks)
    return "\n".join(lines).rstrip() + "\n"


VERDICT_ZH = {
    "over": "高于标准（上限）",
    "within": "未超标准",
    "reference_over": "高于参考标准（仅提示）",
    "reference_within": "未超参考标准",
}


def cost_check_line(c: CostCheck) -> str:
    """One comparison as a reviewer reads it: where, the cost, the standard, the verdict."""
    where = f"第{c.indicator + 1}行指标" if c.indicator is not None else "按预算÷数量测算"
    basis = f"，依据：{c.basis}" if c.basis else ""
    return (
        f"{where}：{c.cost_text}（折合{c.unit_cost:,.2f}{c.standard_unit}），支出标准“{c.item}”"
        f"{c.standard_value:,g}{c.standard_unit}（{c.standard_kind}{basis}）——{VERDICT_ZH[c.verdict]}"
    )


def cost_checks_markdown(checks: list[CostCheck]) -> list[str]:
    """The 支出标准比对 section: every comparison, and the 核减 arithmetic of each exceeded ceiling, line by
    line."""
    if not checks:
        return []
    lines = ["", "**支出标准比对**", ""]
    for c in checks:
        lines.append(f"- {cost_check_line(c)}")
        for n, step in enumerate(c.steps, 1):
            lines.append(f"  {n}. {step}")
    return lines


def results_to_markdown(results: list[CheckResult]) -> str:
    header = "# 绩效目标预审报告\n\n> 由规则自动预审，等级映射见预审规则说明；最终结论须由审核人员确认。\n"
    return "\n".join([header] + [result_to_markdown(r) for r in results])


def print_results_table(results: list[CheckResult], console, *, wrap: bool = True) -> None:
    """One rich table per submission, findings in the JSON's order. `wrap=False` (output that is not a
    terminal) keeps every cell on one line, so numbers such as 100% or 〔2021〕 are never split."""
    from rich.markup import escape
    from rich.table import Table

    for r in results:
        title = escape(" ".join(x for x in (r.id, r.project or "（未填写项目名称）") if x))
        if r.error is not None:
            console.print(f"\n[bold]{title}[/bold]  [bold red]未能完成预审[/bold red]：{escape(r.error)}")
            continue
        console.print(f"\n[bold]{title}[/bold]  预审等级：[bold]{_grade_text(r)}[/bold]  {_counts(r)}")
        console.print(f"[dim]{escape(r.grade_consequence or '')}[/dim]")
        if r.cost_checks:  # 支出标准比对, before the findings
            console.print("[bold]支出标准比对[/bold]")
            for line in cost_checks_markdown(r.cost_checks)[3:]:
                console.print(escape(line), soft_wrap=not wrap)
        if not r.findings:
            console.print("[green]未发现问题。[/green]")
            continue
        table = Table(show_lines=True, expand=wrap)
        for col in ("序号", "严重度", "维度"):
            table.add_column(col, no_wrap=True, min_width=4 if col == "序号" else 6)
        for col, ratio in (("位置", 2), ("问题与依据", 6), ("建议改写", 5)):
            if wrap:
                table.add_column(col, ratio=ratio, overflow="fold")
            else:
                table.add_column(col, no_wrap=True, overflow="ignore")
        for n, f in enumerate(r.findings, 1):
            sev = SEVERITY_ZH[f.severity]
            table.add_row(
                str(n),
                f"[{_SEVERITY_STYLE[f.severity.value]}]{sev}[/]",
                f.dimension.value,
                escape(location_text(f.location)),
                escape(f.message),
                escape(f.suggestion + (f"［{fix_summary(f.fix)}］" if f.fix is not None else "")),
            )
        console.print(table)
