// Uploading a round's files (many at once, or a .zip) and pasted JSON through POST /v1/dashboard/upload,
// one file per request with a progress bar; a project sent again is matched to its earlier submission
// (new version, resubmission after 退回, or "same content, not stored again") and every outcome is listed.
import { api } from "../api.js";
import { clear, describeIssue, filePicker, h } from "../dom.js";
import { GRADE_CLASS } from "../labels.js";

export const ACCEPT = ".json,.xlsx,.xls,.xlsm,.docx,.pdf,.zip,application/json";
const SUFFIXES = [".json", ".xlsx", ".xls", ".xlsm", ".docx", ".pdf", ".zip"];

export const OUTCOME_ZH = {
  new: "新报送",
  version: "新版本",
  resubmitted: "整改后重新报送",
  same: "内容相同，未重复保存",
  refused: "未接收",
};

function readPastedJson(text) {
  try {
    JSON.parse(text);
  } catch (err) {
    throw new Error(`粘贴的内容不是有效的 JSON：${err.message}。请检查括号、引号和逗号；未上传任何内容。`);
  }
  return new File([text], "粘贴的JSON.json", { type: "application/json" });
}

function gradeBadge(grade) {
  if (!grade) return h("span", { class: "grade-badge grade-none", title: "未能评级" }, "—");
  return h("span", { class: "grade-badge " + (GRADE_CLASS[grade] || ""), title: `预审等级：${grade}` }, grade);
}

function closureText(closure) {
  if (!closure) return null;
  return `已整改 ${closure.fixed} 个问题，仍存在 ${closure.remaining} 个，新出现 ${closure.new} 个`;
}

function itemLine(item, detailRoute) {
  const title = item.project || "（未填项目名称）";
  const link = item.id ? h("a", { href: `#/${detailRoute}/${encodeURIComponent(item.id)}` }, title) : h("span", {}, title);
  return h("li", { class: `upload-item outcome-${item.outcome}`, dataset: { outcome: item.outcome } },
    h("span", { class: `outcome-tag outcome-${item.outcome}` }, OUTCOME_ZH[item.outcome] || item.outcome),
    " ", link, item.unit ? h("span", { class: "muted small" }, `（${item.unit}）`) : null,
    item.id ? [" ", gradeBadge(item.grade)] : null,
    item.message ? h("span", { class: "upload-note" }, `：${item.message}`) : null,
    closureText(item.closure) ? h("span", { class: "upload-closure" }, `；${closureText(item.closure)}`) : null);
}

function fileBlock(file, detailRoute) {
  const issues = (file.issues || []).filter((i) => !file.error || !file.error.includes(i.message));
  return h("li", { class: "upload-file" + (file.error ? " upload-file-error" : "") },
    h("strong", {}, file.file),
    file.error ? h("p", { class: "alert alert-error", role: "alert" }, file.error) : null,
    (file.items || []).length ? h("ul", { class: "upload-items" }, file.items.map((i) => itemLine(i, detailRoute))) : null,
    issues.length ? h("details", { class: "upload-issues" }, h("summary", {}, `导入提示 ${issues.length} 条`),
      h("ul", { class: "issue-list" }, issues.map((i) => h("li", {}, describeIssue(i))))) : null);
}

function summaryLine(files) {
  const counts = { new: 0, version: 0, resubmitted: 0, same: 0, refused: 0 };
  for (const f of files) for (const i of f.items || []) counts[i.outcome] = (counts[i.outcome] || 0) + 1;
  const failed = files.filter((f) => f.error).length;
  const parts = Object.entries(counts).filter(([, n]) => n).map(([k, n]) => `${OUTCOME_ZH[k]} ${n} 个`);
  if (failed) parts.push(`未能读取的文件 ${failed} 个`);
  return { counts, failed, text: parts.length ? parts.join("，") : "没有读到任何申报项目" };
}

/**
 * The upload card. opts: {id, title, help, fileLabel, submitLabel, withPaste, detailRoute, onDone(files), navigate, bare}.
 * Returns the <section> (the bare <form> with `bare`).
 */
export function uploadPanel(opts) {
  const id = opts.id || "round-upload";
  const picker = filePicker({ id: `${id}-file`, multiple: true, accept: ACCEPT, "aria-describedby": `${id}-help` });
  const input = picker.input;
  const paste = opts.withPaste ? h("textarea", { id: `${id}-json`, rows: 5, spellcheck: "false", placeholder: '{"project": "…", "annual_goal": "…", "indicators": [ … ]}' }) : null;
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, opts.submitLabel || "上传并预审");
  const bar = h("progress", { class: "upload-progress", max: 1, value: 0, hidden: true, "aria-label": "上传进度" });
  const status = h("p", { class: "upload-status muted small", role: "status", "aria-live": "polite" });
  const results = h("div", { class: "upload-results" });
  const form = h("form", { class: "upload-form", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, opts.title || "上传申报文件"),
    h("div", { class: opts.withPaste ? "upload-grid" : "" },
      h("div", { class: "field" },
        h("label", { for: `${id}-file` }, opts.fileLabel || "申报文件（可多选，或一个 .zip 压缩包）"),
        picker.wrap,
        h("p", { id: `${id}-help`, class: "help" }, opts.help || "支持 .xlsx、.xls、.docx、.pdf 申报表和 .json；同一单位同一项目再次上传时记为新版本，不会重复报送。")),
      paste ? h("div", { class: "field" },
        h("label", { for: `${id}-json` }, "或粘贴 JSON（一个项目、项目列表或 {\"submissions\": […]}）"), paste) : null),
    h("div", { class: "actions" }, submit), bar, status, results);

  const resetPicker = () => {
    input.value = "";
    picker.wrap.reset();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(results);
    const files = [...input.files];
    let pasted = null;
    try {
      if (paste && paste.value.trim()) pasted = readPastedJson(paste.value);
    } catch (err) {
      results.append(h("div", { class: "alert alert-error", role: "alert" }, err.message));
      paste.focus();
      return;
    }
    const queue = pasted ? [...files, pasted] : files;
    if (!queue.length) {
      results.append(h("div", { class: "alert alert-error", role: "alert" }, opts.withPaste ? "请选择要上传的文件，或粘贴 JSON 内容。" : "请选择要上传的申报文件。"));
      return;
    }
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    bar.hidden = false;
    bar.max = queue.length;
    bar.value = 0;
    const done = [];
    try {
      for (const [n, file] of queue.entries()) {
        status.textContent = `正在上传并预审第 ${n + 1} / ${queue.length} 个文件：${file.name}`;
        const lower = file.name.toLowerCase();
        if (!SUFFIXES.some((s) => lower.endsWith(s))) {
          done.push({ file: file.name, items: [], issues: [], error: `文件“${file.name}”的类型不受支持：只接受 .json、.xlsx、.xls、.docx、.pdf 申报文件，或把它们打包成 .zip。` });
        } else {
          const data = new FormData();
          data.append("file", file, file.name);
          try {
            const reply = await api("/v1/dashboard/upload", { method: "POST", form: data });
            done.push(...reply.files);
          } catch (err) {
            if (err.status === 0) throw err;
            done.push({ file: file.name, items: [], issues: [], error: err.message });
          }
        }
        bar.value = n + 1;
      }
    } catch (err) {
      results.append(h("div", { class: "alert alert-error", role: "alert" }, err.message));
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
      resetPicker();  // a refused file never stays selected for the next try
    }
    const summary = summaryLine(done);
    status.textContent = `已处理 ${bar.value} / ${queue.length} 个文件：${summary.text}。`;
    if (pasted && !done.some((f) => f.file === pasted.name && f.error) && paste) paste.value = "";
    results.append(
      h("p", { class: summary.failed || summary.counts.refused ? "alert alert-warning" : "alert alert-success", role: "status" },
        `上传完成：${summary.text}。`),
      h("ul", { class: "upload-files" }, done.map((f) => fileBlock(f, opts.detailRoute || "precheck"))));
    if (opts.onDone) opts.onDone(done);
    const stored = done.flatMap((f) => f.items || []).filter((i) => ["new", "version", "resubmitted"].includes(i.outcome));
    if (opts.navigate && stored.length === 1 && done.length === 1 && !done[0].error && done[0].items.length === 1) {
      opts.navigate(`#/${opts.detailRoute || "precheck"}/${encodeURIComponent(stored[0].id)}`);
    }
  });
  return opts.bare ? form : h("section", { class: "card" }, form);
}
