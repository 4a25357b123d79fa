// One submission's precheck: grade and consequence, findings by dimension, the indicator table with
// the offending rows and cells highlighted, each finding's citation and suggested rewrite.
import { api, downloadFile } from "../api.js";
import { openFindingCitation } from "../clause.js";
import { append, formatTime, formatYuan, h, toast } from "../dom.js";
import {
  CELL_ZH, DIMENSIONS, DIMENSION_HINTS, SEVERITY_ORDER, SEVERITY_ZH, can, citationChip, citationLabel,
} from "../labels.js";
import { fixPreview } from "./fixview.js";
import { gradeBadge, statusTag } from "./precheck.js";
import { closurePanel } from "./closure.js";
import { canResubmit, resubmitPanel, supersededNote } from "./resubmit.js";

const TABLE_CELLS = ["level1", "level2", "name", "op", "value", "unit", "weight"];

function worst(findings) {
  return findings.reduce((best, f) => (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[best] ? f.severity : best), "info");
}

function findingAnchor(index) {
  return `finding-${index + 1}`;
}

// what a finding's before/after row needs: the submission as submitted, who looks, the record and its status
let fixContext = null;

// 问题N as the reader meets them: dimension by dimension, errors before warnings, then as the precheck
// listed them; the indicator table's links use the same numbers.
let findingNo = [];

function numberFindings(findings) {
  const order = findings.map((f, i) => ({ f, i }));
  const dim = (f) => (DIMENSIONS.includes(f.dimension) ? DIMENSIONS.indexOf(f.dimension) : DIMENSIONS.length);
  order.sort((a, b) => dim(a.f) - dim(b.f) || SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i);
  findingNo = new Array(findings.length);
  order.forEach(({ i }, n) => { findingNo[i] = n + 1; });
}

function jumpTo(id) {
  const target = document.getElementById(id);
  if (!target) return;
  target.scrollIntoView({ block: "center", behavior: "smooth" });
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1600);
  target.focus({ preventScroll: true });
}

function locationTarget(location) {
  if (!location) return null;
  if (location.indicator !== null && location.indicator !== undefined) return `indicator-${location.indicator}`;
  if (location.field === "annual_goal" || location.field === "overall_goal") return `goal-${location.field}`;
  if (location.field === "weights") return "weights-total";
  if (location.field === "project") return "project-title";
  return "indicator-table";
}

function citationChips(citations) {
  if (!citations || !citations.length) return null;
  return h("div", { class: "citations" }, h("span", { class: "citations-label" }, "依据："),
    citations.map((c) => {
      const label = citationLabel(c);
      return citationChip(label.text, () => openFindingCitation(c), "chip-" + label.kind);
    }));
}

function findingCard(finding, index) {
  const where = finding.location_text || "";
  const target = locationTarget(finding.location);
  return h("article", { class: `finding sev-${finding.severity}`, id: findingAnchor(index), tabindex: "-1", dataset: { code: finding.code } },
    h("header", { class: "finding-head" },
      h("span", { class: `sev-tag sev-${finding.severity}` }, finding.severity_zh || SEVERITY_ZH[finding.severity]),
      h("span", { class: "finding-no" }, `问题${findingNo[index] ?? index + 1}`),
      h("code", { class: "finding-code" }, finding.code),
      where && target ? h("button", { type: "button", class: "link-button", onclick: () => jumpTo(target) }, `定位：${where}`) : null,
    ),
    h("p", { class: "finding-message" }, finding.message),
    finding.suggestion ? h("p", { class: "finding-suggestion" }, h("strong", {}, "修改建议："), finding.suggestion) : null,
    fixPreview(finding, index + 1, fixContext),
    citationChips(finding.citations),
  );
}

function dimensionOverview(groups) {
  return h("ul", { class: "dim-overview", "aria-label": "四个审核方面的问题数" }, DIMENSIONS.map((dim) => {
    const group = groups.get(dim);
    const counts = h("span", { class: "dim-count" }, group.length ? `${group.length} 个问题` : "未发现问题");
    const label = [h("span", { class: "dim-name" }, dim), counts];
    return h("li", { class: "dim-box" + (group.length ? ` has-${worst(group.map(({ f }) => f))}` : " dim-ok") },
      group.length ? h("button", { type: "button", class: "dim-jump", onclick: () => jumpTo(`dim-${dim}`) }, label)
        : h("div", { class: "dim-jump" }, label),
      h("span", { class: "dim-hint" }, DIMENSION_HINTS[dim]));
  }));
}

function findingsByDimension(findings) {
  const indexed = findings.map((f, i) => ({ f, i }));
  const groups = new Map(DIMENSIONS.map((dim) => [dim, indexed.filter(({ f }) => f.dimension === dim)]));
  const sections = DIMENSIONS.filter((dim) => groups.get(dim).length).map((dim) => {
    const group = groups.get(dim);
    group.sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i);
    return h("section", { class: "dimension", id: `dim-${dim}`, tabindex: "-1", "aria-labelledby": `dim-h-${dim}` },
      h("h3", { id: `dim-h-${dim}` }, dim, h("span", { class: "dim-count" }, `${group.length} 个问题`)),
      group.map(({ f, i }) => findingCard(f, i)));
  });
  return [dimensionOverview(groups), h("div", { class: "dimension-grid" }, sections)];
}

function cellFindings(findings) {
  const rows = new Map();
  findings.forEach((f, i) => {
    const loc = f.location || {};
    if (loc.indicator === null || loc.indicator === undefined) return;
    if (!rows.has(loc.indicator)) rows.set(loc.indicator, { all: [], cells: new Map() });
    const row = rows.get(loc.indicator);
    row.all.push({ f, i });
    if (loc.cell) {
      if (!row.cells.has(loc.cell)) row.cells.set(loc.cell, []);
      row.cells.get(loc.cell).push(f);
    }
  });
  return rows;
}

function indicatorRow(indicator, index, flagged) {
  const rowClass = flagged ? `flag-row flag-${worst(flagged.all.map((x) => x.f))}` : "";
  const cells = TABLE_CELLS.map((cell) => {
    const hits = flagged && flagged.cells.get(cell);
    const value = indicator[cell];
    const text = value === null || value === undefined || value === "" ? "" : String(value);
    return h("td", {
      class: `cell-${cell}` + (hits ? ` flag-cell flag-${worst(hits)}` : ""),
      title: hits ? hits.map((f) => f.message).join("\n") : null,
    }, text || h("span", { class: "blank", "aria-label": "空" }, "（空）"));
  });
  const links = flagged ? [...flagged.all].sort((a, b) => (findingNo[a.i] ?? a.i) - (findingNo[b.i] ?? b.i)).map(({ f, i }) =>
    h("button", { type: "button", class: `link-button sev-text-${f.severity}`, onclick: () => jumpTo(findingAnchor(i)) }, `问题${findingNo[i] ?? i + 1}`)) : "—";
  return h("tr", { id: `indicator-${index}`, class: rowClass, tabindex: "-1" },
    h("th", { scope: "row" }, String(index + 1)), cells, h("td", { class: "cell-issues" }, links));
}

function indicatorTable(submission, findings) {
  const indicators = (submission && submission.indicators) || [];
  const flagged = cellFindings(findings);
  const weights = indicators.map((i) => Number(i.weight)).filter((w) => Number.isFinite(w) && w !== 0);
  const weightFinding = findings.find((f) => f.location && f.location.field === "weights");
  return h("div", { class: "table-wrap", id: "indicator-table", tabindex: "-1" }, h("table", { class: "data-table indicators" },
    h("caption", {}, `绩效指标（共 ${indicators.length} 项，标色的行和单元格有问题）`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "序号"), TABLE_CELLS.map((c) => h("th", { scope: "col" }, CELL_ZH[c])), h("th", { scope: "col" }, "问题"))),
    h("tbody", {}, indicators.map((ind, i) => indicatorRow(ind, i, flagged.get(i)))),
    weights.length ? h("tfoot", {}, h("tr", { id: "weights-total", tabindex: "-1", class: weightFinding ? `flag-row flag-${weightFinding.severity}` : "" },
      h("th", { scope: "row", colspan: 7 }, "权重合计"),
      h("td", { class: weightFinding ? `flag-cell flag-${weightFinding.severity}` : "" }, String(weights.reduce((a, b) => a + b, 0))),
      h("td", {}))) : null,
  ));
}

function goalBlock(submission, findings) {
  const block = (field, label) => {
    const hit = findings.find((f) => f.location && f.location.field === field);
    const text = submission[field];
    if (!text && !hit && field === "overall_goal") return null;
    return h("div", { id: `goal-${field}`, tabindex: "-1", class: "goal" + (hit ? ` flag-cell flag-${hit.severity}` : "") },
      h("h3", {}, label), h("p", {}, text || h("span", { class: "blank" }, "（未填写）")));
  };
  return h("div", { class: "goals" }, block("overall_goal", "总体目标"), block("annual_goal", "年度目标"));
}

function diffSection(diff, brief) {
  if (!diff) return null;
  const list = (items) => h("ul", {}, items.map((f) => h("li", {}, `${f.message}（${f.location_text || f.code}）`)));
  return h("section", { class: "card", "aria-labelledby": "diff-title" },
    h("h2", { id: "diff-title" }, "与上一版相比"),
    h("p", {}, `已解决 ${diff.resolved.length} 个，新出现 ${diff.added.length} 个，未变 ${diff.unchanged} 个。`),
    brief ? h("p", { class: "muted small" }, h("button", { type: "button", class: "link-button",
      onclick: () => document.getElementById("closure")?.scrollIntoView({ block: "start" }) }, "逐项对照见下方“整改闭环”")) : null,
    !brief && diff.resolved.length ? [h("h3", {}, "已解决"), list(diff.resolved)] : null,
    !brief && diff.added.length ? [h("h3", {}, "新出现"), list(diff.added)] : null);
}

function summaryPanel(detail, precheck, me) {
  const counts = detail.counts || {};
  const sub = detail.submission || {};
  const reportButton = h("button", { type: "button", class: "btn" }, "下载预审报告");
  reportButton.addEventListener("click", async () => {
    try {
      await downloadFile(`/v1/submissions/${encodeURIComponent(detail.id)}/precheck?format=markdown`, `预审报告-${detail.id}.md`);
    } catch (err) {
      toast(err.message);
    }
  });
  return h("section", { class: "card summary", "aria-label": "预审结论" },
    h("div", { class: "grade-block" }, gradeBadge(precheck.grade), h("div", {},
      h("p", { class: "grade-title" }, `预审等级：${precheck.grade || "—"}`),
      h("p", { class: "grade-consequence" }, precheck.grade_consequence || ""))),
    h("dl", { class: "facts" },
      h("div", {}, h("dt", {}, "申报单位"), h("dd", {}, detail.unit || sub.unit || "—")),
      h("div", {}, h("dt", {}, "年度资金"), h("dd", {}, formatYuan(sub.budget_yuan))),
      h("div", {}, h("dt", {}, "问题"), h("dd", {}, `错误 ${counts.error ?? 0}，警告 ${counts.warning ?? 0}，提示 ${counts.info ?? 0}`)),
      h("div", {}, h("dt", {}, "状态"), h("dd", {}, statusTag(detail.status, detail.status_zh))),
      h("div", {}, h("dt", {}, "提交"), h("dd", {}, `${detail.submitter_name || detail.submitter || ""} ${formatTime(detail.created_at)}`)),
      detail.previous_id ? h("div", {}, h("dt", {}, "版本"), h("dd", {}, `第${detail.version}版，`,
        h("a", { href: `#/precheck/${encodeURIComponent(detail.previous_id)}` }, "查看上一版"))) : null),
    h("div", { class: "actions" },
      h("a", { class: "btn btn-primary", href: `#/review/${encodeURIComponent(detail.id)}` }, can(me, "review", "approve") ? "审核意见" : "查看审核意见"),
      reportButton));
}

export async function render(main, { id, me, signal, navigate }) {
  const detail = await api(`/v1/submissions/${encodeURIComponent(id)}`, { signal });
  const precheck = detail.precheck || {};
  const findings = precheck.findings || [];
  const submission = detail.submission || {};
  fixContext = { submission, me, id: detail.id, status: detail.status };
  numberFindings(findings);
  append(main,
    h("p", { class: "breadcrumb" }, h("a", { href: "#/precheck" }, "绩效目标预审"), " / 预审结果"),
    h("h1", { id: "project-title", tabindex: "-1" }, detail.project || submission.project || "（未填项目名称）"),
    supersededNote(detail),
    summaryPanel(detail, precheck, me),
    diffSection(detail.diff, Boolean(detail.previous_id)),
    closurePanel(detail, signal),
    h("section", { class: "card", "aria-labelledby": "findings-title" },
      h("h2", { id: "findings-title" }, `预审发现（${findings.length}）`),
      findings.length ? null : h("p", { class: "alert alert-success" }, "未发现问题：目标完整、指标细化量化、与预算匹配。"),
      findingsByDimension(findings)),
    h("section", { class: "card", "aria-labelledby": "targets-title" },
      h("h2", { id: "targets-title" }, "绩效目标与指标"),
      goalBlock(submission, findings),
      indicatorTable(submission, findings)),
    canResubmit(detail, me) ? resubmitPanel(detail, navigate) : null,
  );
}
