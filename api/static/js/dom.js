// DOM helpers: build elements without innerHTML (all text is inserted as text), show errors in place.

/** h("div", {class: "x", onclick: fn, "aria-label": "…"}, child, [children], "text") */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "value") el.value = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** An inline error box (role=alert) with the API's Chinese message. */
export function errorBox(err, extra) {
  const message = err && err.message ? err.message : String(err || "发生未知错误。");
  const box = h("div", { class: "alert alert-error", role: "alert" }, h("strong", {}, "出错了："), message);
  const details = err && err.details;
  if (details && typeof details === "object") {
    const items = (Array.isArray(details.errors) ? details.errors : []).filter((i) => !message.includes(describeIssue(i)));
    if (items.length) box.appendChild(issueList(items));
  }
  if (extra) append(box, [extra]);
  return box;
}

/** Show an error inside `slot` (replacing what was there). */
export function showError(slot, err) {
  clear(slot);
  slot.appendChild(errorBox(err));
}

/** List of import issues {file, sheet, row, field, message} in the reviewer's words. */
export function issueList(issues) {
  return h("ul", { class: "issue-list" }, issues.map((i) => h("li", {}, describeIssue(i))));
}

export function describeIssue(issue) {
  const where = [
    issue.file ? `文件“${issue.file}”` : "",
    issue.sheet ? `工作表“${issue.sheet}”` : "",
    issue.row ? `第${issue.row}行` : "",
    issue.field ? `字段“${issue.field}”` : "",
  ].filter(Boolean).join("，");
  return where ? `${where}：${issue.message}` : issue.message;
}

export function loading(text) {
  return h("p", { class: "loading", role: "status" }, text || "正在加载…");
}

export function formatTime(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatYuan(value) {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (Math.abs(n) >= 10000) return (n / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 万元";
  return n.toLocaleString("zh-CN") + " 元";
}

/** Announce a short message to screen readers and show it briefly. */
export function toast(message) {
  const el = document.getElementById("toast");
  if (!el) return;
  el.textContent = message;
  el.classList.add("visible");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove("visible"), 3500);
}

/** Set a button busy while `work` runs; errors go to `slot`. Returns work's result or undefined. */
export async function busy(button, slot, work) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  if (slot) clear(slot);
  try {
    return await work();
  } catch (err) {
    if (slot) showError(slot, err);
    else toast(err.message || String(err));
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}

/** A file input with Chinese button text (the native one follows the browser's UI language). */
export function filePicker(attrs) {
  const input = h("input", Object.assign({ type: "file", class: "file-input" }, attrs));
  const name = h("span", { class: "file-name", "aria-live": "polite" }, "未选择文件");
  const showNames = () => {
    const files = [...input.files].map((f) => f.name);
    name.textContent = files.length ? files.join("、") : "未选择文件";
  };
  input.addEventListener("change", showNames);
  const wrap = h("div", { class: "file-picker" }, input,
    h("label", { for: attrs.id, class: "btn file-button" }, attrs.multiple ? "选择文件（可多选）" : "选择文件"), name);
  wrap.reset = () => setTimeout(showNames);
  return { wrap, input };
}
