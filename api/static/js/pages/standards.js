// 支出标准库: every standard the service compares unit costs with (formats.md §5). Staff read it and export
// it as CSV; the admin imports an .xlsx/.csv (bad rows named), adds, edits and deletes standards.
import { api, downloadFile } from "../api.js";
import { append, busy, clear, filePicker, formatTime, h, issueList, toast } from "../dom.js";
import { can } from "../labels.js";

const FIELDS = [
  ["item", "事项", "text", "如 城市道路清扫保洁"],
  ["keywords", "关键词", "text", "以、分隔，如 道路清扫、道路保洁"],
  ["unit", "计量单位", "text", "如 元/平方米·年、万元/公里、元/人·月"],
  ["value", "标准值", "number", ""],
  ["region", "适用地区", "text", "留空表示不限"],
  ["year", "年度", "number", "留空表示不限"],
  ["basis", "依据", "text", "文号或来源"],
];

export async function render(main, { me, signal }) {
  const admin = can(me, "manage_docs");
  const listSlot = h("div", { id: "standards-list" });
  const formMessage = h("div", { "aria-live": "polite" });
  const importMessage = h("div", { id: "standards-import-result", "aria-live": "polite" });
  const state = { editing: null };

  const inputs = {};
  const fields = FIELDS.map(([key, label, type, placeholder]) => {
    const input = h("input", { type, id: `std-${key}`, placeholder, step: type === "number" ? "any" : undefined });
    inputs[key] = input;
    return h("div", { class: "field field-grow" }, h("label", { for: `std-${key}` }, label), input);
  });
  const kind = h("select", { id: "std-kind" }, h("option", { value: "上限" }, "上限（超过即核减）"), h("option", { value: "参考" }, "参考（只作提示）"));
  const formTitle = h("h2", { id: "std-form-title" }, "新增支出标准");
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "std-submit" }, "保存");
  const cancel = h("button", { type: "button", class: "btn btn-ghost", hidden: true, onclick: () => resetForm() }, "取消修改");

  const resetForm = () => {
    state.editing = null;
    for (const input of Object.values(inputs)) input.value = "";
    kind.value = "上限";
    formTitle.textContent = "新增支出标准";
    cancel.hidden = true;
  };
  const editRow = (s) => {
    state.editing = s.id;
    for (const [key] of FIELDS) inputs[key].value = key === "keywords" ? (s.keywords || []).join("、") : (s[key] ?? "");
    kind.value = s.kind;
    formTitle.textContent = `修改支出标准：${s.item}`;
    cancel.hidden = false;
    inputs.item.focus();
  };

  const load = async () => {
    const { items } = await api("/v1/standards", { signal });
    clear(listSlot);
    if (!items.length) {
      listSlot.append(h("p", { class: "empty" }, admin ? "标准库为空：请导入支出标准表或逐条新增。" : "标准库为空，请联系管理员导入支出标准表。"));
      return;
    }
    listSlot.append(h("div", { class: "table-wrap" }, h("table", { class: "data-table standards-table" },
      h("caption", {}, `共 ${items.length} 条；类型为“参考”的标准只在比对表中提示，不作核减依据。`),
      h("thead", {}, h("tr", {}, ["事项", "关键词", "计量单位", "标准值", "类型", "适用地区", "年度", "依据", "来源", admin ? "操作" : null]
        .filter(Boolean).map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, items.map((s) => h("tr", {},
        h("th", { scope: "row" }, s.item),
        h("td", {}, (s.keywords || []).join("、") || "—"),
        h("td", {}, s.unit),
        h("td", { class: "num" }, String(s.value)),
        h("td", {}, s.kind),
        h("td", {}, s.region || "不限"),
        h("td", {}, s.year ? String(s.year) : "不限"),
        h("td", {}, s.basis || "—"),
        h("td", { title: formatTime(s.updated_at) }, s.source || "—"),
        admin ? h("td", {},
          h("button", { type: "button", class: "btn btn-small", "aria-label": `修改：${s.item}`, onclick: () => editRow(s) }, "修改"), " ",
          h("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": `删除：${s.item}`,
            onclick: (event) => busy(event.currentTarget, formMessage, async () => {
              if (!window.confirm(`确定删除支出标准“${s.item}”（${s.value}${s.unit}）？`)) return;
              await api(`/v1/standards/${s.id}`, { method: "DELETE", signal });
              toast("已删除");
              await load();
            }) }, "删除")) : null))))));
  };

  append(main,
    h("h1", {}, "支出标准库"),
    h("p", { class: "lead" }, "预审时按这里的支出标准（定额标准、政府购买服务指导价等）比对单位成本：统一计量单位后，",
      "超过“上限”标准的按（单位成本 − 标准）× 数量测算核减额；“参考”标准只作提示。"),
    h("p", {}, h("button", { type: "button", class: "btn", id: "standards-export",
      onclick: (event) => busy(event.currentTarget, formMessage, () => downloadFile("/v1/standards/export.csv", "支出标准库.csv")) }, "导出 CSV")),
    listSlot);

  if (admin) {
    const picker = filePicker({ id: "standards-file", accept: ".xlsx,.csv,.txt" });
    const replace = h("input", { type: "checkbox", id: "standards-replace" });
    const importButton = h("button", { type: "submit", class: "btn btn-primary", id: "standards-import" }, "导入");
    const importForm = h("form", { class: "card", "aria-labelledby": "import-title",
      onsubmit: (event) => {
        event.preventDefault();
        busy(importButton, importMessage, async () => {
          const file = picker.input.files[0];
          if (!file) throw new Error("请先选择支出标准表（.xlsx 或 .csv）。");
          const form = new FormData();
          form.append("file", file);
          const result = await api("/v1/standards/import", { method: "POST", form, query: { replace: replace.checked ? "true" : "" }, signal });
          clear(importMessage).append(h("p", { class: "alert alert-success", role: "status" },
            `已导入“${file.name}”：读取${result.read}条，新增${result.added}条、更新${result.updated}条` + (replace.checked ? `、删除${result.removed}条` : "") + "。"));
          if (result.issues.length) importMessage.append(h("div", { class: "alert alert-warning" }, h("strong", {}, "以下行未导入："), issueList(result.issues)));
          await load();
        });
      } },
      h("h2", { id: "import-title" }, "导入支出标准表"),
      h("p", { class: "help" }, "列名按含义识别：事项、关键词、计量单位、标准值、类型（上限/参考）、适用地区、年度、依据。按“事项+计量单位+地区+年度”新增或更新。"),
      picker.wrap,
      h("div", { class: "field field-inline" }, replace, h("label", { for: "standards-replace" }, "以本文件为准（库中有、文件中没有的标准一并删除）")),
      importButton, importMessage);
    const editForm = h("form", { class: "card", "aria-labelledby": "std-form-title",
      onsubmit: (event) => {
        event.preventDefault();
        busy(submit, formMessage, async () => {
          const body = { kind: kind.value };
          for (const [key, , type] of FIELDS) {
            const raw = inputs[key].value.trim();
            body[key] = type === "number" ? (raw === "" ? null : Number(raw)) : raw;
          }
          const editing = state.editing;
          await api(editing ? `/v1/standards/${editing}` : "/v1/standards", { method: editing ? "PUT" : "POST", json: body, signal });
          clear(formMessage).append(h("p", { class: "alert alert-success", role: "status" }, editing ? "已保存修改。" : `已新增“${body.item}”。`));
          resetForm();
          await load();
        });
      } },
      formTitle,
      h("div", { class: "standards-fields" }, fields, h("div", { class: "field" }, h("label", { for: "std-kind" }, "类型"), kind)),
      h("div", { class: "actions" }, submit, cancel), formMessage);
    append(main, importForm, editForm);
  } else {
    main.append(formMessage);
  }
  await load();
}
