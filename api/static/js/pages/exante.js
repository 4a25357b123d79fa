// 事前绩效评估: the projects that need an assessment (new projects at or above the threshold, or any the
// reviewer picks), and one project's assessment — five dimensions with the rules' evidence, the reviewer's
// scores and comments, the conclusion with the adjusted budget, and the report as a Word file.
import { api, downloadFile } from "../api.js";
import { append, busy, clear, formatTime, formatYuan, h, toast } from "../dom.js";
import { can } from "../labels.js";

const CONCLUSIONS = ["予以支持", "调整后予以支持", "不予支持"];
const EVIDENCE_LABEL = { problem: "问题", note: "说明", ok: "符合" };
const STATUS_ZH = { draft: "草稿", final: "已定稿" };

export async function render(main, ctx) {
  return ctx.id ? renderAssessment(main, ctx) : renderList(main, ctx);
}

function yuan(value) {
  if (value === null || value === undefined) return "—";
  return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 元";
}

async function renderList(main, { signal }) {
  const showAll = h("input", { type: "checkbox", id: "exante-all" });
  const slot = h("div", { id: "exante-list" });
  append(main,
    h("h1", {}, "事前绩效评估"),
    h("p", { class: "lead" }, "新增项目达到事前绩效评估金额标准的，须在预算安排前就立项必要性、投入经济性、绩效目标合理性、",
      "实施方案可行性和筹资合规性开展评估（中发〔2018〕34号）。也可以对任何项目发起评估。"),
    h("div", { class: "field field-inline" }, showAll, h("label", { for: "exante-all" }, "显示全部申报（可对任一项目发起评估）")),
    slot);
  const load = async () => {
    clear(slot).append(h("p", { class: "loading", role: "status" }, "正在加载…"));
    const data = await api("/v1/exante", { query: { all: showAll.checked ? "true" : "" }, signal });
    clear(slot);
    append(slot, h("p", { class: "help" }, `评估金额标准：新增项目 ${data.threshold_wan} 万元及以上。`));
    if (!data.items.length) {
      slot.append(h("p", { class: "empty" }, "目前没有需要事前绩效评估的项目。"));
      return;
    }
    slot.append(h("div", { class: "table-wrap" }, h("table", { class: "data-table exante-table" },
      h("thead", {}, h("tr", {}, ["项目", "单位", "预算", "项目属性", "须评估", "状态", "结论", "得分", "操作"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, data.items.map((i) => h("tr", {},
        h("th", { scope: "row" }, i.project || "（未填写）"),
        h("td", {}, i.unit || "—"),
        h("td", { class: "num" }, formatYuan(i.budget_yuan)),
        h("td", {}, i.project_kind || "—"),
        h("td", {}, i.required ? "是" : "否"),
        h("td", {}, i.status ? STATUS_ZH[i.status] : "未评估"),
        h("td", {}, i.conclusion || "—"),
        h("td", { class: "num" }, i.total_score === null || i.total_score === undefined ? "—" : String(i.total_score)),
        h("td", {}, h("a", { class: "btn btn-small", href: `#/exante/${i.submission_id}`, "aria-label": `评估：${i.project || ""}` },
          i.status ? "查看评估" : "开始评估"))))))));
  };
  showAll.addEventListener("change", load);
  await load();
}

function evidenceList(items) {
  return h("ul", { class: "evidence-list" }, items.map((e) => h("li", { class: `evidence evidence-${e.kind}` },
    h("span", { class: "evidence-tag" }, EVIDENCE_LABEL[e.kind] || e.kind), " ", e.text)));
}

function costTable(checks) {
  if (!checks.length) return h("p", { class: "help" }, "支出标准库中没有与本项目相符的标准，单位成本未作比对。");
  const verdict = { over: "高于标准", within: "未超标准", reference_over: "高于参考标准（仅提示）", reference_within: "未超参考标准" };
  return h("div", {},
    h("div", { class: "table-wrap" }, h("table", { class: "data-table", id: "exante-costs" },
      h("thead", {}, h("tr", {}, ["事项", "单位成本", "支出标准", "类型", "依据", "比对结论", "核减额"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, checks.map((c) => h("tr", {},
        h("td", {}, c.item),
        h("td", { class: "num" }, `${Number(c.unit_cost).toLocaleString("zh-CN", { maximumFractionDigits: 2 })}${c.standard_unit}`),
        h("td", { class: "num" }, `${Number(c.standard_value).toLocaleString("zh-CN")}${c.standard_unit}`),
        h("td", {}, c.standard_kind),
        h("td", {}, c.basis || "—"),
        h("td", {}, verdict[c.verdict] || c.verdict),
        h("td", { class: "num" }, c.saving_yuan === null || c.saving_yuan === undefined ? "—" : yuan(c.saving_yuan))))))),
    checks.filter((c) => c.steps && c.steps.length).map((c) => h("div", { class: "cost-steps" },
      h("p", {}, h("strong", {}, `“${c.item}”核减测算：`)),
      h("ol", {}, c.steps.map((s) => h("li", {}, s))))));
}

async function renderAssessment(main, { id, me, signal }) {
  const data = await api(`/v1/submissions/${encodeURIComponent(id)}/exante`, { signal });
  const editable = can(me, "review");
  const state = { version: data.stored ? data.version : 0 };
  const inputs = {};
  const message = h("div", { id: "exante-message", "aria-live": "polite" });
  const statusLine = h("p", { class: "help", id: "exante-status" });
  const total = h("strong", { id: "exante-total" });

  const showStatus = (a) => {
    const who = a.stored ? `第${a.version}版，${STATUS_ZH[a.status]}，评估人 ${a.assessor || "—"}，${formatTime(a.updated_at)}` : "尚未保存";
    statusLine.textContent = `评估状态：${who}`;
  };
  const recount = () => {
    let sum = 0;
    for (const d of data.dimensions) {
      const raw = inputs[`score-${d.key}`].value;
      sum += raw === "" ? d.suggested_score : Number(raw);
    }
    total.textContent = `${Math.round(sum * 10) / 10} 分`;
  };

  const dimensionCards = data.dimensions.map((d, n) => {
    const score = h("input", { type: "number", id: `score-${d.key}`, min: "0", max: String(d.max_score), step: "0.5",
      value: d.score === null || d.score === undefined ? "" : String(d.score), disabled: !editable, class: "score-input",
      oninput: recount });
    const comment = h("textarea", { id: `comment-${d.key}`, rows: 3, disabled: !editable, placeholder: "评估意见（写入报告）" });
    comment.value = d.comment || "";
    inputs[`score-${d.key}`] = score;
    inputs[`comment-${d.key}`] = comment;
    return h("section", { class: "card exante-dimension", "aria-labelledby": `dim-${d.key}` },
      h("h2", { id: `dim-${d.key}` }, `（${"一二三四五"[n]}）${d.name}`),
      h("p", { class: "help" }, d.question),
      evidenceList(d.evidence),
      h("div", { class: "exante-score" },
        h("div", { class: "field field-compact" }, h("label", { for: `score-${d.key}` }, `得分（0–${d.max_score}，建议 ${d.suggested_score} 分）`), score),
        h("div", { class: "field field-grow" }, h("label", { for: `comment-${d.key}` }, "评估意见"), comment)));
  });

  const radios = CONCLUSIONS.map((c, n) => {
    const radio = h("input", { type: "radio", name: "exante-conclusion", id: `conclusion-${n}`, value: c, disabled: !editable });
    radio.checked = data.conclusion === c;
    return h("span", { class: "radio" }, radio, h("label", { for: `conclusion-${n}` }, c));
  });
  const adjusted = h("input", { type: "number", id: "exante-adjusted", min: "0", step: "1", disabled: !editable,
    value: data.adjusted_budget_yuan === null || data.adjusted_budget_yuan === undefined ? "" : String(data.adjusted_budget_yuan) });
  const useSuggested = h("button", { type: "button", class: "btn btn-small", disabled: !editable || data.suggested_adjusted_budget_yuan === null,
    onclick: () => { adjusted.value = String(data.suggested_adjusted_budget_yuan); } }, "采用建议值");
  const conclusionText = h("textarea", { id: "exante-conclusion-text", rows: 3, disabled: !editable, placeholder: "结论说明（可选，写入报告）" });
  conclusionText.value = data.conclusion_text || "";
  const problems = h("textarea", { id: "exante-problems", rows: 6, disabled: !editable });
  problems.value = (data.problems || []).join("\n");
  const suggestions = h("textarea", { id: "exante-suggestions", rows: 6, disabled: !editable });
  suggestions.value = (data.suggestions || []).join("\n");

  const collect = (final) => {
    const scores = {};
    const comments = {};
    for (const d of data.dimensions) {
      const raw = inputs[`score-${d.key}`].value;
      scores[d.key] = raw === "" ? null : Number(raw);
      comments[d.key] = inputs[`comment-${d.key}`].value;
    }
    const chosen = radios.map((r) => r.querySelector("input")).find((r) => r.checked);
    const lines = (el) => el.value.split("\n").map((s) => s.trim()).filter(Boolean);
    return {
      scores, comments, final,
      conclusion: chosen ? chosen.value : "",
      adjusted_budget_yuan: adjusted.value === "" ? null : Number(adjusted.value),
      conclusion_text: conclusionText.value,
      problems: lines(problems), suggestions: lines(suggestions),
      version: state.version,
    };
  };
  const save = (final) => async (event) => {
    const saved = await busy(event.currentTarget, message, () => api(`/v1/submissions/${encodeURIComponent(id)}/exante`, { method: "PUT", json: collect(final), signal }));
    if (!saved) return;
    state.version = saved.version;
    showStatus(saved);
    clear(message).append(h("p", { class: "alert alert-success", role: "status" },
      final ? `已定稿：${saved.conclusion_sentence}` : `已保存草稿（第${saved.version}版）。`));
    toast(final ? "事前绩效评估已定稿" : "已保存");
  };
  const saveDraft = h("button", { type: "button", class: "btn", id: "exante-save", onclick: save(false) }, "保存草稿");
  const finalise = h("button", { type: "button", class: "btn btn-primary", id: "exante-final", onclick: save(true) }, "定稿");
  const exportButton = h("button", { type: "button", class: "btn", id: "exante-export",
    onclick: (event) => busy(event.currentTarget, message, () => downloadFile(`/v1/submissions/${encodeURIComponent(id)}/exante/report.docx`, "事前绩效评估报告.docx")) },
    "导出评估报告（Word）");

  const fact = (label, value) => h("div", {}, h("dt", {}, label), h("dd", {}, value || "—"));
  append(main,
    h("p", {}, h("a", { href: "#/exante" }, "← 返回事前绩效评估列表"), "　", h("a", { href: `#/precheck/${encodeURIComponent(id)}` }, "查看预审结果")),
    h("h1", {}, `事前绩效评估：${data.project}`),
    statusLine,
    h("section", { class: "card" },
      h("h2", {}, "项目概况"),
      h("dl", { class: "facts" }, fact("项目单位", data.unit), fact("主管部门", data.department), fact("项目属性", data.project_kind),
        fact("实施期", data.period), fact("申报预算", yuan(data.budget_yuan)), fact("预审等级", data.grade)),
      h("dl", { class: "facts" }, fact("立项依据", data.basis || "未提供"), fact("实施方案", data.plan || "未提供"), fact("筹资方式", data.funding_text || "未说明"))),
    h("section", { class: "card", "aria-labelledby": "costs-title" }, h("h2", { id: "costs-title" }, "支出标准比对"), costTable(data.cost_checks || [])),
    dimensionCards,
    h("section", { class: "card", "aria-labelledby": "conclusion-title" },
      h("h2", { id: "conclusion-title" }, "评估结论"),
      h("p", {}, "综合得分：", total, `（建议 ${data.suggested_total} 分；建议结论：${data.suggested_conclusion}` +
        (data.suggested_adjusted_budget_yuan !== null ? `，建议调整后预算 ${yuan(data.suggested_adjusted_budget_yuan)}` : "") + "）"),
      h("fieldset", { class: "exante-conclusion" }, h("legend", {}, "结论"), radios),
      h("div", { class: "field" }, h("label", { for: "exante-adjusted" }, "调整后预算（元）"), h("div", { class: "field-inline" }, adjusted, useSuggested)),
      h("div", { class: "field" }, h("label", { for: "exante-conclusion-text" }, "结论说明"), conclusionText),
      h("div", { class: "field" }, h("label", { for: "exante-problems" }, "存在问题（每行一条）"), problems),
      h("div", { class: "field" }, h("label", { for: "exante-suggestions" }, "调整建议（每行一条）"), suggestions),
      message,
      h("div", { class: "actions" }, editable ? [saveDraft, finalise] : h("p", { class: "help" }, "只有审核人员可以填写和定稿评估；您可以查看并导出报告。"), exportButton)));
  showStatus(data);
  recount();
}
