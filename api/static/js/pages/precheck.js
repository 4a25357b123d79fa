// 绩效目标预审 (upload + list) and the 审核意见 list: submissions with status, grade and text filters.
import { api } from "../api.js";
import { append, busy, clear, describeIssue, errorBox, filePicker, formatTime, h, loading, toast } from "../dom.js";
import { GRADES, GRADE_CLASS, SEVERITY_ZH, STATUS_ZH, can } from "../labels.js";

const filters = { status: "", grade: "", q: "" };

function readJsonText(text) {
  try {
    return JSON.parse(text);
  } catch (err) {
    const e = new Error(`粘贴的内容不是有效的 JSON：${err.message}。请检查括号、引号和逗号。`);
    e.code = "BAD_JSON";
    throw e;
  }
}

function uploadResult(result, navigate, detailRoute) {
  const items = result.items || [];
  const errors = result.errors || [];
  const box = h("div", { class: "upload-result", role: "status" });
  if (items.length) {
    box.append(h("p", { class: "alert alert-success" }, `已提交 ${items.length} 个项目，预审已完成。`));
    box.append(h("ul", { class: "link-list" }, items.map((it) =>
      h("li", {}, h("a", { href: `#/${detailRoute}/${encodeURIComponent(it.id)}` }, it.project || it.external_id || it.id),
        " ", gradeBadge(it.grade), ` ${it.findings_count ?? 0} 个问题`))));
  }
  if (errors.length) {
    box.append(h("div", { class: "alert alert-warning", role: "alert" },
      h("strong", {}, `有 ${errors.length} 处内容未能读取，其余内容已正常处理：`),
      h("ul", { class: "issue-list" }, errors.map((e) => h("li", {}, describeIssue(e))))));
  }
  if (items.length === 1 && !errors.length) navigate(`#/${detailRoute}/${encodeURIComponent(items[0].id)}`);
  return box;
}

function uploadForm(ctx, onDone) {
  const picker = filePicker({ id: "upload-file", accept: ".xlsx,.json,application/json", "aria-describedby": "upload-help" });
  const fileInput = picker.input;
  const pasteArea = h("textarea", { id: "upload-json", rows: 6, spellcheck: "false", placeholder: '{"project": "…", "annual_goal": "…", "indicators": [ … ]}' });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "提交预审");
  const slot = h("div", { class: "form-error", "aria-live": "polite" });
  const form = h("form", { class: "upload-form", "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, "提交绩效目标"),
    h("div", { class: "upload-grid" },
      h("div", { class: "field" },
        h("label", { for: "upload-file" }, "上传申报表（.xlsx）或 JSON 文件"),
        picker.wrap,
        h("p", { id: "upload-help", class: "help" }, "支持一体化系统导出的明细表和“项目支出绩效目标申报表”；金额单位按表内“金额单位”识别。"),
      ),
      h("div", { class: "field" },
        h("label", { for: "upload-json" }, "或粘贴 JSON（一个项目、项目列表或 {\"submissions\": […]}）"),
        pasteArea,
      ),
    ),
    slot,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(submit, slot, async () => {
      submit.textContent = "正在预审…";
      let result;
      if (fileInput.files.length) {
        const data = new FormData();
        data.append("file", fileInput.files[0]);
        result = await api("/v1/submissions", { method: "POST", form: data });
      } else if (pasteArea.value.trim()) {
        result = await api("/v1/submissions", { method: "POST", json: readJsonText(pasteArea.value) });
      } else {
        throw new Error("请选择要上传的文件，或粘贴 JSON 内容。");
      }
      form.reset();
      picker.wrap.reset();
      slot.append(uploadResult(result, ctx.navigate, "precheck"));
      onDone();
    });
  });
  return h("section", { class: "card" }, form);
}

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

function submissionsTable(items, detailRoute) {
  if (!items.length) return h("p", { class: "empty" }, "没有符合条件的申报项目。");
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table submissions" },
    h("caption", { class: "sr-only" }, "申报项目列表"),
    h("thead", {}, h("tr", {}, ["项目名称", "申报单位", "年度", "预审等级", "问题", "状态", "提交", "版本"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, items.map((it) => h("tr", { dataset: { id: it.id } },
      h("td", { class: "cell-project" }, h("a", { href: `#/${detailRoute}/${encodeURIComponent(it.id)}` }, it.project || "（未填项目名称）")),
      h("td", { class: "cell-unit" }, it.unit || "—"),
      h("td", {}, it.year ?? "—"),
      h("td", {}, gradeBadge(it.grade)),
      h("td", {}, countsCell(it)),
      h("td", {}, statusTag(it.status, it.status_zh)),
      h("td", { class: "cell-time" }, it.submitter_name || it.submitter || "", h("br"), h("span", { class: "muted small" }, formatTime(it.created_at))),
      h("td", { class: "cell-version" }, it.version ? `第${it.version}版` : "—"),
    )))));
}

export async function render(main, ctx) {
  const forReview = ctx.route === "review";
  const detailRoute = forReview ? "review" : "precheck";
  const listSlot = h("div", { class: "list-slot", "aria-live": "polite" });
  const load = async () => {
    clear(listSlot).appendChild(loading("正在加载申报项目…"));
    try {
      const result = await api("/v1/submissions", { query: filters, signal: ctx.signal });
      clear(listSlot).appendChild(submissionsTable(result.items || [], detailRoute));
    } catch (err) {
      if (err.name !== "AbortError") clear(listSlot).appendChild(errorBox(err));
    }
  };
  append(main,
    h("h1", {}, forReview ? "审核意见" : "绩效目标预审"),
    h("p", { class: "lead" }, forReview
      ? (can(ctx.me, "review", "approve") ? "选择项目，修改起草好的审核意见，审核通过或退回修改。" : "选择项目，查看审核意见及处理状态。")
      : "预审按《中央部门预算绩效目标管理办法》（财预〔2015〕88号）的完整性、相关性、适当性、可行性四个方面逐项检查。"),
    !forReview && can(ctx.me, "submit") ? uploadForm(ctx, () => { load(); toast("预审完成"); }) : null,
    h("section", { class: "card", "aria-labelledby": "list-title" },
      h("h2", { id: "list-title" }, can(ctx.me, "view_all") ? "全部申报项目" : "本单位申报项目"),
      filterForm(load),
      listSlot),
  );
  await load();
}
