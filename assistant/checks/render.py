"""Check results for machines (JSON, DESIGN.md §7) and people (Markdown, a rich table)."""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.models import SEVERITY_ZH, CheckResult, Citation, Dimension, Finding, Location

_DIMENSION_ORDER = [d for d in Dimension]
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def location_text(location: Location) -> str:
    """第3行指标 / 年度目标 … as a reviewer reads it."""
    fields = {
        "annual_goal": "年度目标",
        "overall_goal": "总体目标",
        "project": "项目名称",
        "indicators": "指标表",
        "weights": "权重",
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
    return label + ("（条款号凭记忆，待核对）" if c.confidence == "记忆" else "")


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
    }


def results_to_json(results: list[CheckResult]) -> str:
    """`{"submissions": [...]}` in input order, ids echoed (DESIGN.md §7)."""
    return json.dumps({"submissions": [result_to_dict(r) for r in results]}, ensure_ascii=False, indent=2)


def _grade_text(r: CheckResult) -> str:
    return r.grade.value if r.grade else "未评定"


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
    for dim in _DIMENSION_ORDER:
        items = [f for f in r.findings if f.dimension == dim]
        if not items:
            continue
        lines += [f"### {dim.value}", ""]
        for f in items:
            lines.append(f"- **［{SEVERITY_ZH[f.severity]}］{location_text(f.location)}**：{f.message}")
            lines.append(f"  - 建议改写：{f.suggestion}")
            lines.append(
                f"  - 依据：{'；'.join(citation_text(c) for c in f.citations)}（规则 {f.rule_id}，{f.code}）"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def results_to_markdown(results: list[CheckResult]) -> str:
    header = "# 绩效目标预审报告\n\n> 由规则自动预审，等级映射见预审规则说明；最终结论须由审核人员确认。\n"
    return "\n".join([header] + [result_to_markdown(r) for r in results])


def print_results_table(results: list[CheckResult], console) -> None:
    """One rich table per submission, for people at a terminal."""
    from rich.table import Table

    for r in results:
        title = " ".join(x for x in (r.id, r.project or "（未填写项目名称）") if x)
        if r.error is not None:
            console.print(f"\n[bold]{title}[/bold]  [bold red]未能完成预审[/bold red]：{r.error}")
            continue
        console.print(f"\n[bold]{title}[/bold]  预审等级：[bold]{_grade_text(r)}[/bold]  {_counts(r)}")
        console.print(f"[dim]{r.grade_consequence}[/dim]")
        if not r.findings:
            console.print("[green]未发现问题。[/green]")
            continue
        table = Table(show_lines=True, expand=True)
        for col in ("严重度", "维度"):
            table.add_column(col, no_wrap=True, min_width=6)
        for col, ratio in (("位置", 2), ("问题与依据", 6), ("建议改写", 5)):
            table.add_column(col, ratio=ratio, overflow="fold")
        for f in r.findings:
            sev = SEVERITY_ZH[f.severity]
            table.add_row(
                f"[{_SEVERITY_STYLE[f.severity.value]}]{sev}[/]",
                f.dimension.value,
                location_text(f.location),
                f.message,
                f.suggestion,
            )
        console.print(table)
