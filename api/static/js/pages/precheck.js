// 绩效目标预审 (upload + list) and the 审核意见 list: submissions with status, grade and text filters, and
// for each whether its 审核意见 has been drafted (and which version), so nobody opens an opinion that is not there.
import { api } from "../api.js";
import { append, clear, errorBox, formatTime, h, loading, toast } from "../dom.js";
import { GRADES, GRADE_CLASS, SEVERITY_ZH, STATUS_ZH, can } from "../labels.js";
import { uploadPanel } from "./upload.js";

const filters = { status: "", grade: "", q: "" };

export function gradeBadge(grade) {
  if (!grade) return h("span", { class: "grade-badge grade-none" }, "—");
  return h("span", { class: "grade-badge " + (GRADE_CLASS[grade] || ""), title: `预审等级：${grade}` }, grade);
}

export function statusTag(status, statusZh) {
  return h("span", { class: "status-tag status-" + status }, statusZh || STATUS_ZH[status] || status || "—");
}

function countsCell(item) {
  const c = item.counts || {};
  return h("span", { class: "counts" },
    ...["error", "warning", "info"].map((s) =>
      h("span", { class: `count sev-${s}`, title: SEVERITY_ZH[s] }, `${SEVERITY_ZH[s]} ${c[s] ?? 0}`)));
}

function select(id, label, options, value) {
  return h("div", { class: "field field-compact" },
    h("label", { for: id }, label),
    h("select", { id }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))));
}

function filterForm(onApply) {
  const form = h("form", { class: "filters", role: "search", "aria-label": "筛选申报项目" },
    select("filter-status", "状态", [["", "全部"], ...Object.entries(STATUS_ZH)], filters.status),
    select("filter-grade", "预审等级", [["", "全部"], ...GRADES.map((g) => [g, g])], filters.grade),
    h("div", { class: "field field-compact field-grow" },
      h("label", { for: "filter-q" }, "项目或单位"),
      h("input", { id: "filter-q", type: "search", value: filters.q, placeholder: "输入项目名称或单位名称" })),
    h("div", { class: "field field-compact" }, h("span", { class: "label-spacer", "aria-hidden": "true" }, " "),
      h("button", { type: "submit", class: "btn" }, "筛选")),
  );
  const apply = () => {
    filters.status = form.querySelector("#filter-status").value;
    filters.grade = form.querySelector("#filter-grade").value;
    filters.q = form.querySelector("#filter-q").value.trim();
    onApply();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  for (const el of form.querySelectorAll("select")) el.addEventListener("change", apply);
  return form;
}

const REVIEW_ZH = { none: "未起草", draft: "已起草", edit: "已修改", return: "已退回", approve: "已通过" };

function reviewCell(item, review) {
  if (!review) return h("span", { class: "muted" }, "—");
  const drafted = review.state !== "none";
  return h("span", { class: `review-state review-${review.state}`, dataset: { review: review.state } },
    drafted ? `${REVIEW_ZH[review.state] || review.label}（第${review.version}版）` : "未起草");
}

function submissionsTable(items, detailRoute, reviews) {
  if (!items.length) return h("p", { class: "empty" }, "没有符合条件的申报项目。");
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table submissions" },
    h("caption", { class: "sr-only" }, "申报项目列表"),
    h("thead", {}, h("tr", {}, ["项目名称", "申报单位", "年度", "预审等级", "问题", "状态", "审核意见", "提交", "版本"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, items.map((it) => h("tr", { dataset: { id: it.id, review: reviews.get(it.id)?.state || "" } },
      h("td", { class: "cell-project" }, h("a", { href: `#/${detailRoute}/${encodeURIComponent(it.id)}` }, it.project || "（未填项目名称）")),
      h("td", { class: "cell-unit" }, it.unit || "—"),
      it.year ? h("td", {}, String(it.year)) : h("td", { class: "cell-year-missing", title: "申报表、表格标题和文件名均未注明年度" }, ""),
      h("td", {}, gradeBadge(it.grade)),
      h("td", {}, countsCell(it)),
      h("td", {}, statusTag(it.status, it.status_zh)),
      h("td", {}, reviewCell(it, reviews.get(it.id))),
      h("td", { class: "cell-time" }, it.submitter_name || it.submitter || "", h("br"), h("span", { class: "muted small" }, formatTime(it.created_at))),
      h("td", { class: "cell-version" }, it.version ? `第${it.version}版` : "—"),
    )))));
}

/** Opinion state per submission id (the same filters as the list, newest first). */
async function reviewStates(signal) {
  const query = { status: filters.status, grade: filters.grade, q: filters.q, sort: "-id", limit: 500 };
  try {
    const result = await api("/v1/dashboard/projects", { query, signal });
    return new Map(result.items.map((it) => [it.id, it.review]));
  } catch (err) {
    if (err.name === "AbortError") throw err;
    return new Map();  // the list still shows; only the 审核意见 column stays empty
  }
}

export async function render(main, ctx) {
  const forReview = ctx.route === "review";
  const detailRoute = forReview ? "review" : "precheck";
  const listSlot = h("div", { class: "list-slot", "aria-live": "polite" });
  const load = async () => {
    clear(listSlot).appendChild(loading("正在加载申报项目…"));
    try {
      const [result, reviews] = await Promise.all([
        api("/v1/submissions", { query: filters, signal: ctx.signal }),
        reviewStates(ctx.signal),
      ]);
      clear(listSlot).appendChild(submissionsTable(result.items || [], detailRoute, reviews));
    } catch (err) {
      if (err.name !== "AbortError") clear(listSlot).appendChild(errorBox(err));
    }
  };
  append(main,
    h("h1", {}, forReview ? "审核意见" : "绩效目标预审"),
    h("p", { class: "lead" }, forReview
      ? (can(ctx.me, "review") ? "选择项目，起草、修改审核意见或退回修改。" : can(ctx.me, "approve") ? "选择项目，审阅审核意见并审批通过。" : "选择项目，查看审核意见及处理状态。")
      : "预审按《中央部门预算绩效目标管理办法》（财预〔2015〕88号）的完整性、相关性、适当性、可行性四个方面逐项检查。"),
    !forReview && can(ctx.me, "submit") ? uploadPanel({
      id: "upload", title: "提交绩效目标", withPaste: true, detailRoute: "precheck", navigate: ctx.navigate,
      submitLabel: "提交预审", fileLabel: "上传申报表（.xlsx）或 JSON 文件（也可 .xls、.docx、.pdf 或打包为 .zip，可多选）",
      help: "支持一体化系统导出的明细表和“项目支出绩效目标申报表”（.xlsx、.xls、.docx、.pdf）、规范 JSON，或它们的 .zip；金额单位按表内“金额单位”识别。同一项目再次上传时记为新版本。",
      onDone: () => { load(); toast("预审完成"); },
    }) : null,
    h("section", { class: "card", "aria-labelledby": "list-title" },
      h("h2", { id: "list-title" }, can(ctx.me, "view_all") ? "全部申报项目" : "本单位申报项目"),
      filterForm(load),
      listSlot),
  );
  await load();
}
