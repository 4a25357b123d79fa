// 本轮审核总览: the round at a glance for reviewers and approvers — batch upload, counts by grade and status,
// the commonest defects, units ranked by their share of 中/差, budget by grade (ECharts served by this app,
// or tables when it is not installed), the filtered project table that opens each submission, the 汇总表
// and opinion exports, and bulk approval of drafted opinions.
import { api, downloadFile } from "../api.js";
import { append, busy, clear, errorBox, h, loading, toast } from "../dom.js";
import { GRADE_CLASS, STATUS_ZH, can } from "../labels.js";
import { ECHARTS_SCRIPT, kpis, loadECharts, renderCharts, wan } from "./dashboard_charts.js";
import { uploadPanel } from "./upload.js";

const REVIEW_ZH = { none: "未起草", draft: "已起草", edit: "已修改", return: "已退回", approve: "已通过" };
const PAGE = 50;

const state = { year: "", filters: {}, sort: "id", offset: 0, selected: new Set() };

function badge(grade) {
  if (!grade) return h("span", { class: "grade-badge grade-none", title: "未能预审评级" }, "—");
  return h("span", { class: "grade-badge " + (GRADE_CLASS[grade] || ""), title: `预审等级：${grade}` }, grade);
}

function queryOf(extra) {
  const q = Object.assign({}, state.filters, extra || {});
  if (state.year) q.year = state.year;
  return q;
}

// ---- the project table ----------------------------------------------------------------------------------

function select(id, label, options, value) {
  return h("div", { class: "field field-compact" }, h("label", { for: id }, label),
    h("select", { id }, options.map(([v, text]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, text))));
}

function numberField(id, label, value) {
  return h("div", { class: "field field-compact field-amount" }, h("label", { for: id }, label),
    h("input", { id, type: "number", min: 0, step: "any", inputmode: "decimal", value: value ?? "" }));
}

function filterForm(facets, onApply) {
  const f = state.filters;
  const form = h("form", { class: "filters dash-filters", role: "search", "aria-label": "筛选项目" },
    select("dash-unit", "单位", [["", "全部单位"], ...facets.units.map((u) => [u, u])], f.unit),
    select("dash-grade", "等级", [["", "全部"], ...["优", "良", "中", "差", "未评级"].map((g) => [g, g])], f.grade),
    select("dash-code", "问题", [["", "全部问题"], ...facets.codes.map((c) => [c.code, `${c.phrase}（${c.projects}）`])], f.code),
    select("dash-status", "状态", [["", "全部"], ...Object.entries(STATUS_ZH)], f.status),
    select("dash-review", "审核意见", [["", "全部"], ...Object.entries(REVIEW_ZH), ["approvable", "待审批"]], f.review),
    numberField("dash-min", "预算≥（万元）", f.min_wan),
    numberField("dash-max", "预算≤（万元）", f.max_wan),
    h("div", { class: "field field-compact field-grow" }, h("label", { for: "dash-q" }, "项目或单位"),
      h("input", { id: "dash-q", type: "search", value: f.q || "", placeholder: "项目名称、单位或编号" })),
    h("div", { class: "field field-compact" }, h("span", { class: "label-spacer", "aria-hidden": "true" }, " "),
      h("div", { class: "filter-buttons" }, h("button", { type: "submit", class: "btn" }, "筛选"),
        h("button", { type: "button", class: "btn btn-ghost", id: "dash-reset" }, "重置"))));
  const read = () => {
    const v = (id) => form.querySelector(id).value.trim();
    state.filters = { unit: v("#dash-unit"), grade: v("#dash-grade"), code: v("#dash-code"), status: v("#dash-status"),
      review: v("#dash-review"), min_wan: v("#dash-min"), max_wan: v("#dash-max"), q: v("#dash-q") };
    for (const k of Object.keys(state.filters)) if (!state.filters[k]) delete state.filters[k];
    state.offset = 0;
    onApply();
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); read(); });
  for (const el of form.querySelectorAll("select")) el.addEventListener("change", read);
  form.querySelector("#dash-reset").addEventListener("click", () => {
    state.filters = {};
    state.offset = 0;
    onApply(true);
  });
  return form;
}

function closureCell(c) {
  if (!c) return "—";
  return h("span", { class: "closure-mini", title: "与上一版相比" },
    h("span", { class: "cl-fixed" }, `改 ${c.fixed}`), " ", h("span", { class: "cl-remaining" }, `留 ${c.remaining}`), " ",
    h("span", { class: "cl-new" }, `新 ${c.new}`));
}

function reviewCell(item) {
  const r = item.review || {};
  const text = r.state === "none" ? "未起草" : `${r.label}（第${r.version}版）`;
  return h("a", { class: `review-state review-${r.state}`, href: `#/review/${encodeURIComponent(item.id)}` }, text);
}

function projectsTable(result, phrases, approver, onSelect) {
  if (!result.items.length) return h("p", { class: "empty" }, "没有符合条件的项目。");
  const pageApprovable = result.items.filter((i) => i.approvable).map((i) => i.id);
  const all = approver ? h("input", { type: "checkbox", id: "dash-select-page", "aria-label": "选择本页可审批的项目",
    checked: pageApprovable.length > 0 && pageApprovable.every((id) => state.selected.has(id)), disabled: !pageApprovable.length }) : null;
  if (all) all.addEventListener("change", () => {
    for (const id of pageApprovable) all.checked ? state.selected.add(id) : state.selected.delete(id);
    onSelect(true);
  });
  const head = [approver ? h("th", { scope: "col", class: "cell-check" }, all) : null,
    ...["编号", "项目", "单位", "年度", "预算（万元）", "等级", "主要问题", "状态", "审核意见", "整改"].map((t) => h("th", { scope: "col" }, t))];
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table dash-table" },
    h("caption", { class: "sr-only" }, "本轮项目表"),
    h("thead", {}, h("tr", {}, head)),
    h("tbody", {}, result.items.map((it) => {
      const box = approver ? h("input", { type: "checkbox", class: "row-check", "aria-label": `选择“${it.project || it.id}”`,
        disabled: !it.approvable, checked: state.selected.has(it.id), title: it.approvable ? "可审批通过" : "尚未起草审核意见或已有审核结论" }) : null;
      if (box) box.addEventListener("change", () => { box.checked ? state.selected.add(it.id) : state.selected.delete(it.id); onSelect(false); });
      const problems = it.codes.slice(0, 3).map((c) => phrases[c] || c).join("；") + (it.codes.length > 3 ? `等${it.codes.length}类` : "");
      return h("tr", { dataset: { id: it.id } },
        approver ? h("td", { class: "cell-check" }, box) : null,
        h("td", { class: "num" }, `#${it.id}`),
        h("td", { class: "cell-project" }, h("a", { href: `#/precheck/${encodeURIComponent(it.id)}` }, it.project || "（未填项目名称）"),
          it.version > 1 ? h("span", { class: "muted small" }, ` 第${it.version}版`) : null),
        h("td", { class: "cell-unit" }, it.unit),
        h("td", it.year ? {} : { title: "申报表、标题和文件名均未注明年度" }, it.year ? String(it.year) : ""),
        h("td", { class: "num" }, wan(it.budget_wan)),
        h("td", {}, badge(it.grade)),
        h("td", { class: "cell-problems" }, problems || (it.grade ? "未发现问题" : "")),
        h("td", {}, h("span", { class: "status-tag status-" + it.status }, it.status_zh)),
        h("td", {}, reviewCell(it)),
        h("td", {}, closureCell(it.closure)));
    }))));
}

function pager(result, onPage) {
  const pages = Math.max(1, Math.ceil(result.total / result.limit));
  const page = Math.floor(result.offset / result.limit) + 1;
  const prev = h("button", { type: "button", class: "btn btn-small", disabled: page <= 1 }, "上一页");
  const next = h("button", { type: "button", class: "btn btn-small", disabled: page >= pages }, "下一页");
  prev.addEventListener("click", () => onPage(result.offset - result.limit));
  next.addEventListener("click", () => onPage(result.offset + result.limit));
  return h("div", { class: "pager" }, prev, h("span", { class: "muted small" }, `第 ${page} / ${pages} 页`), next);
}

// ---- the page ---------------------------------------------------------------------------------------------

/** The statistics js/boot.js asked for before the modules loaded (once; null when there are none or they failed). */
async function earlyData() {
  const early = window.jixiaoEarly;
  if (!early || !early.dashboard) return null;
  const pending = early.dashboard;
  early.dashboard = null;  // later visits ask afresh
  try {
    const resp = await pending;
    return resp.ok ? await resp.json() : null;  // an error is asked again through api() for its Chinese message
  } catch (_) {
    return null;
  }
}

export async function render(main, ctx) {
  // js/boot.js asks for the statistics early next time, for those whose home page this is
  if (can(ctx.me, "review", "approve")) localStorage.setItem("jixiao.home", "dashboard");
  else localStorage.removeItem("jixiao.home");
  loadECharts(ECHARTS_SCRIPT);  // fetched while the statistics are computed (a missing file is handled)
  const approver = can(ctx.me, "approve");
  const heading = h("h1", {}, "本轮审核总览");
  const yearSlot = h("div", { class: "dash-year" });
  const kpiSlot = h("div", {});
  const chartSlot = h("div", { class: "chart-slot" }, loading("正在统计本轮项目…"));
  const filterSlot = h("div", {});
  const tableSlot = h("div", { class: "list-slot", "aria-live": "polite" });
  const summary = h("p", { class: "muted small table-summary", id: "dash-count", role: "status" });
  const actionSlot = h("div", { class: "form-error", "aria-live": "assertive" });
  const selection = h("span", { class: "muted small", id: "dash-selection" });
  let table = null;
  let phrases = {};

  const exportXlsx = h("button", { type: "button", class: "btn", id: "dash-export-xlsx" }, "导出汇总表（.xlsx）");
  const exportZip = h("button", { type: "button", class: "btn", id: "dash-export-zip" }, "打包下载审核意见（.zip）");
  exportXlsx.addEventListener("click", () => busy(exportXlsx, actionSlot, async () => {
    exportXlsx.textContent = "正在生成汇总表…";
    const name = await downloadFile(`/v1/dashboard/export.xlsx?${new URLSearchParams(queryOf())}`, "审核结果汇总表.xlsx");
    toast(`已下载：${name}`);
  }));
  exportZip.addEventListener("click", () => busy(exportZip, actionSlot, async () => {
    exportZip.textContent = "正在打包审核意见…";
    const name = await downloadFile(`/v1/dashboard/opinions.zip?${new URLSearchParams(queryOf())}`, "审核意见.zip");
    toast(`已下载：${name}`);
  }));
  const approveButton = approver ? h("button", { type: "button", class: "btn btn-primary", id: "dash-approve", disabled: true }, "批量审批通过") : null;
  const selectAll = approver ? h("button", { type: "button", class: "btn btn-ghost", id: "dash-select-all" }, "选择筛选结果中全部可审批项目") : null;
  const approveComment = approver ? h("input", { id: "dash-approve-comment", type: "text", maxlength: 500, placeholder: "审批意见（可选，每项相同）", "aria-label": "审批意见" }) : null;

  const showSelection = () => {
    if (!approver) return;
    selection.textContent = state.selected.size ? `已选 ${state.selected.size} 个可审批项目` : "";
    approveButton.disabled = !state.selected.size;
    approveButton.textContent = state.selected.size ? `批量审批通过（${state.selected.size} 项）` : "批量审批通过";
  };

  const loadTable = async () => {
    clear(tableSlot).append(loading("正在加载项目…"));
    try {
      table = await api("/v1/dashboard/projects", { query: queryOf({ sort: state.sort, offset: state.offset, limit: PAGE }), signal: ctx.signal });
    } catch (err) {
      if (err.name !== "AbortError") clear(tableSlot).append(errorBox(err));
      return;
    }
    drawTable();
  };
  const drawTable = () => {
    summary.textContent = `符合条件的项目 ${table.total} 个，预算合计 ${wan(table.budget_wan)} 万元。`;
    append(clear(tableSlot), projectsTable(table, phrases, approver, (redraw) => { showSelection(); if (redraw) drawTable(); }),
      table.total > table.limit ? pager(table, (offset) => { state.offset = Math.max(0, offset); loadTable(); }) : null);
    showSelection();
  };

  const pick = (filter) => {
    state.filters = Object.assign({}, filter);
    state.offset = 0;
    drawFilters();
    loadTable();
    document.getElementById("dash-table-title")?.scrollIntoView({ block: "start" });
  };
  let facets = { units: [], codes: [], years: [] };
  const drawFilters = () => clear(filterSlot).append(filterForm(facets, (reset) => { if (reset) drawFilters(); loadTable(); }));

  const loadAll = async () => {
    let data;
    const plain = !state.year && !Object.keys(state.filters).length && !state.offset && state.sort === "id";
    try {
      data = (plain && await earlyData()) || await api("/v1/dashboard", { query: queryOf({ sort: state.sort, offset: state.offset, limit: PAGE }), signal: ctx.signal });
    } catch (err) {
      if (err.name === "AbortError") return;
      clear(chartSlot).append(errorBox(err));
      return;
    }
    performance.mark("dashboard:data");
    facets = data.facets;
    phrases = Object.fromEntries(facets.codes.map((c) => [c.code, c.phrase]));
    const years = h("select", { id: "dash-year" }, h("option", { value: "" }, "全部年度"),
      facets.years.map((y) => h("option", { value: y, selected: String(y) === String(state.year) }, `${y}年度`)));
    if (state.year && !facets.years.map(String).includes(String(state.year))) years.append(h("option", { value: state.year, selected: true }, `${state.year}年度`));
    years.addEventListener("change", () => {
      state.year = years.value;
      state.offset = 0;
      state.selected.clear();
      loadAll();
    });
    clear(yearSlot).append(h("label", { for: "dash-year" }, "预算年度"), years);
    clear(kpiSlot).append(kpis(data.stats));
    drawFilters();
    table = data.table;
    drawTable();
    performance.mark("dashboard:table");
    await renderCharts(chartSlot, data.stats, data.charts, ctx.signal, pick);
    performance.mark("dashboard:charts");
  };

  if (approver) {
    selectAll.addEventListener("click", () => {
      for (const id of (table && table.approvable_ids) || []) state.selected.add(id);
      drawTable();
      toast(state.selected.size ? `已选择 ${state.selected.size} 个可审批项目。` : "筛选结果中没有可审批的项目（需已起草审核意见且待审）。");
    });
    approveButton.addEventListener("click", () => busy(approveButton, actionSlot, async () => {
      const ids = [...state.selected];
      if (!window.confirm(`确定审批通过所选 ${ids.length} 个项目的审核意见吗？每一项都会单独记录。`)) return;
      approveButton.textContent = "正在逐项审批…";
      const result = await api("/v1/dashboard/approve", { method: "POST", json: { ids, comment: approveComment.value.trim() || null } });
      state.selected.clear();
      const failed = result.items.filter((i) => !i.ok);
      actionSlot.append(h("div", { class: failed.length ? "alert alert-warning" : "alert alert-success", role: "status", id: "dash-approve-result" },
        `已审批通过 ${result.approved} 项` + (failed.length ? `，${failed.length} 项未通过：` : "。"),
        failed.length ? h("ul", {}, failed.map((f) => h("li", {}, h("a", { href: `#/review/${f.id}` }, `#${f.id}`), `：${f.message}`))) : null));
      await loadAll();
    }));
  }

  append(main,
    h("div", { class: "dash-head" }, heading, yearSlot),
    h("h2", { class: "dash-greeting" }, `您好，${ctx.me.display_name || ctx.me.username}（${ctx.me.role_zh || ctx.me.role}）`),
    h("p", { class: "lead" }, "本轮各单位报送项目的预审结果汇总：等级、常见问题、各单位情况和整改进展。点击图表可筛选下方项目表。"),
    can(ctx.me, "submit") ? h("details", { class: "card dash-upload" }, h("summary", {}, h("h2", { class: "inline-h2" }, "批量上传申报文件")),
      uploadPanel({ id: "dash-upload", title: "上传本轮申报文件", detailRoute: "precheck", bare: true, onDone: () => loadAll() })) : null,
    kpiSlot,
    h("section", { class: "card", "aria-labelledby": "dash-charts-title" }, h("h2", { id: "dash-charts-title" }, "统计图表"), chartSlot),
    h("section", { class: "card", "aria-labelledby": "dash-table-title" },
      h("h2", { id: "dash-table-title" }, "项目表"),
      filterSlot,
      h("div", { class: "actions dash-actions" }, exportXlsx, exportZip,
        approver ? [selectAll, approveComment, approveButton, selection] : null),
      actionSlot, summary, tableSlot),
  );
  await loadAll();
}
