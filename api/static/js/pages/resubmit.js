// 修改后重新报送: the owner of a pending or returned submission sends a corrected version
// (a file, or the canonical JSON edited in place); the new record shows what was fixed.
import { api } from "../api.js";
import { busy, filePicker, h } from "../dom.js";

function readJson(text) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`修改后的内容不是有效的 JSON：${err.message}。请检查括号、引号和逗号。`);
  }
}

export function canResubmit(detail, me) {
  // only a returned (退回修改) submission is resubmitted, once (the server refuses anything else with 409)
  return Boolean(me && detail.submitter === me.username && detail.status === "returned" && !detail.superseded_by_id);
}

export function supersededNote(detail) {
  if (!detail.superseded_by_id) return null;
  return h("p", { class: "alert alert-warning", role: "note" }, "本申报已重新报送，当前查看的是旧版本。",
    h("a", { href: `#/precheck/${encodeURIComponent(detail.superseded_by_id)}` }, "查看最新版本"));
}

export function resubmitPanel(detail, navigate) {
  const picker = filePicker({ id: "resubmit-file", accept: ".json,.xlsx,.xls,.xlsm,.docx,.pdf,.zip,application/json" });
  const fileInput = picker.input;
  const editor = h("textarea", { id: "resubmit-json", rows: 14, spellcheck: "false", value: JSON.stringify(detail.submission || {}, null, 2) });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "重新报送");
  const slot = h("div", { class: "form-error", "aria-live": "assertive" });
  const form = h("form", { class: "resubmit-form" },
    h("p", { class: "help" }, detail.status === "returned" ? "本项目已被退回，请按审核意见修改后重新报送；系统会重新预审并列出已解决的问题。" : "如需更正，可在审核前重新报送；系统会重新预审。"),
    h("div", { class: "field" }, h("label", { for: "resubmit-file" }, "上传修改后的申报表或 JSON 文件"), picker.wrap),
    h("div", { class: "field" }, h("label", { for: "resubmit-json" }, "或直接修改下面的 JSON"), editor),
    slot, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, slot, async () => {
      const path = `/v1/submissions/${encodeURIComponent(detail.id)}/resubmit`;
      let item;
      if (fileInput.files.length) {
        const data = new FormData();
        data.append("file", fileInput.files[0]);
        item = await api(path, { method: "POST", form: data });
      } else {
        item = await api(path, { method: "POST", json: readJson(editor.value) });
      }
      navigate(`#/precheck/${encodeURIComponent(item.id)}`);
    });
  });
  return h("details", { class: "card resubmit" }, h("summary", {}, h("h2", { class: "inline-h2" }, "修改后重新报送")), form);
}
