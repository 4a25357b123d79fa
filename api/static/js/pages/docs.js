// 政策文件: search clauses with highlighted matches, list documents with clause counts,
// upload with progress (admin), remove a document (admin).
import { api } from "../api.js";
import { openClause } from "../clause.js";
import { append, busy, clear, errorBox, filePicker, formatTime, h, loading, toast } from "../dom.js";
import { can } from "../labels.js";

const KIND_ZH = { law: "法律", regulation: "行政法规", policy: "政策文件", local: "地方性法规", starter: "规则卡片", other: "其他" };
const POLL_MS = 500;

/** Substrings (2+ chars) of the query's terms; Chinese has no spaces, so match any shared run. */
function queryPieces(query) {
  const pieces = new Set();
  for (const term of query.split(/[\s,，。；;：:、？?！!（）()《》“”"']+/).filter(Boolean)) {
    if (term.length === 1) continue;
    for (let len = 2; len <= Math.min(term.length, 16); len++) {
      for (let i = 0; i + len <= term.length; i++) pieces.add(term.slice(i, i + len).toLowerCase());
    }
  }
  return pieces;
}

/** Text nodes and <mark>s for every run of `text` that also occurs in the query. */
export function highlight(text, query) {
  const pieces = queryPieces(query);
  const lower = text.toLowerCase();
  const out = [];
  let plainStart = 0;
  let i = 0;
  while (i < text.length) {
    let matched = 0;
    for (let len = Math.min(16, text.length - i); len >= 2; len--) {
      if (pieces.has(lower.slice(i, i + len))) {
        matched = len;
        break;
      }
    }
    if (!matched) {
      i++;
      continue;
    }
    let end = i + matched;
    if (out.length && plainStart === i && out[out.length - 1].nodeName === "MARK") {
      out[out.length - 1].textContent += text.slice(i, end);
    } else {
      if (plainStart < i) out.push(document.createTextNode(text.slice(plainStart, i)));
      out.push(h("mark", {}, text.slice(i, end)));
    }
    i = end;
    plainStart = end;
  }
  if (plainStart < text.length) out.push(document.createTextNode(text.slice(plainStart)));
  return out;
}

function searchHit(hit, query) {
  const label = hit.citation || `《${hit.doc}》${hit.article || ""}`;
  return h("li", { class: "hit" },
    h("div", { class: "hit-head" },
      h("button", { type: "button", class: "link-button hit-title", onclick: () => openClause(hit.clause_id, label) }, label),
      h("span", { class: "muted small" }, [hit.doc_title, hit.doc_no, hit.page ? `第${hit.page}页` : ""].filter(Boolean).join(" · ")),
      hit.confidence ? h("span", { class: "conf-tag" }, hit.confidence) : null),
    h("p", { class: "hit-text" }, highlight(hit.text || "", query)));
}

function searchPanel(signal) {
  const input = h("input", { id: "doc-search", type: "search", placeholder: "例如：绩效目标审核的内容", required: true });
  const button = h("button", { type: "submit", class: "btn btn-primary" }, "检索");
  const results = h("div", { class: "search-results", "aria-live": "polite" });
  const form = h("form", { class: "search-form", role: "search" },
    h("label", { for: "doc-search", class: "sr-only" }, "检索关键词"), input, button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) {
      results.replaceChildren(h("p", { class: "alert alert-warning", role: "alert" }, "请输入要检索的内容。"));
      return;
    }
    busy(button, results, async () => {
      results.replaceChildren(loading("正在检索…"));
      const data = await api("/v1/search", { query: { q: query, k: 10 }, signal });
      const hits = data.hits || [];
      clear(results).append(hits.length
        ? h("ol", { class: "hits" }, hits.map((hit) => searchHit(hit, query)))
        : h("p", { class: "empty" }, "没有检索到相关条文，请换个说法再试。"));
    });
  });
  return h("section", { class: "card", "aria-labelledby": "search-title" },
    h("h2", { id: "search-title" }, "检索条文"), form, results);
}

function documentsTable(items, admin, onDelete) {
  if (!items.length) return h("p", { class: "empty" }, "尚未收录政策文件。");
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table documents" },
    h("caption", { class: "sr-only" }, "已收录的政策文件"),
    h("thead", {}, h("tr", {}, ["文件名称", "文号", "类别", "地区", "条文数", "来源文件", "导入时间", admin ? "操作" : null]
      .filter(Boolean).map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, items.map((d) => h("tr", { dataset: { docId: d.doc_id } },
      h("td", { class: "cell-title" }, d.title || d.short_title),
      h("td", {}, d.doc_no || "—"),
      h("td", {}, KIND_ZH[d.kind] || d.kind || "—"),
      h("td", {}, d.region || "—"),
      h("td", { class: "num" }, String(d.clauses ?? "—")),
      h("td", { class: "cell-source" }, d.source || "—"),
      h("td", { class: "cell-time" }, formatTime(d.ingested_at)),
      admin ? h("td", {}, h("button", { type: "button", class: "btn btn-danger btn-small", "aria-label": `删除《${d.short_title || d.title}》`, onclick: (e) => onDelete(d, e.currentTarget) }, "删除")) : null,
    )))));
}

function jobSummary(job) {
  const parts = [`新增 ${job.added ?? 0} 份`, `更新 ${job.replaced ?? 0} 份`, `未变化 ${job.unchanged ?? 0} 份`];
  return `导入完成：${parts.join("，")}。`;
}

async function pollJob(jobId, bar, label, signal) {
  for (;;) {
    const job = await api(`/v1/documents/jobs/${encodeURIComponent(jobId)}`, { signal });
    bar.max = Math.max(job.total || 1, 1);
    bar.value = job.done || 0;
    label.textContent = job.status === "queued" ? "排队中…" : `正在处理 ${job.done || 0}/${job.total || "?"}${job.current ? "：" + job.current : ""}`;
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function uploadPanel(onDone, signal) {
  const picker = filePicker({ id: "doc-files", multiple: true, accept: ".pdf,.docx,.md,.txt", "aria-describedby": "doc-files-help" });
  const input = picker.input;
  const button = h("button", { type: "submit", class: "btn btn-primary" }, "上传并导入");
  const bar = h("progress", { id: "doc-progress", max: 1, value: 0, hidden: true, "aria-label": "导入进度" });
  const label = h("p", { class: "progress-label", role: "status", "aria-live": "polite" });
  const slot = h("div", { class: "form-error" });
  const form = h("form", { class: "doc-upload" },
    h("div", { class: "field" }, h("label", { for: "doc-files" }, "政策文件（PDF、Word、Markdown、纯文本）"), picker.wrap,
      h("p", { id: "doc-files-help", class: "help" }, "支持 PDF、Word（.docx）、Markdown 和纯文本；同一文件重复上传不会重复收录。")),
    h("div", { class: "actions" }, button), bar, label, slot);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(button, slot, async () => {
      if (!input.files.length) throw new Error("请先选择要上传的政策文件。");
      const data = new FormData();
      for (const file of input.files) data.append("file", file);
      bar.hidden = false;
      bar.value = 0;
      label.textContent = "正在上传…";
      const { job_id: jobId } = await api("/v1/documents", { method: "POST", form: data });
      const job = await pollJob(jobId, bar, label, signal);
      label.textContent = job.status === "failed" ? "导入失败。" : jobSummary(job);
      if (job.errors && job.errors.length) {
        slot.append(h("div", { class: "alert alert-warning", role: "alert" }, h("strong", {}, "以下文件未能导入："),
          h("ul", { class: "issue-list" }, job.errors.map((e) => h("li", {}, typeof e === "string" ? e : e.message || JSON.stringify(e))))));
      }
      form.reset();
      picker.wrap.reset();
      onDone();
    });
  });
  return h("section", { class: "card", "aria-labelledby": "upload-docs-title" }, h("h2", { id: "upload-docs-title" }, "上传政策文件"), form);
}

export async function render(main, ctx) {
  const admin = can(ctx.me, "manage_docs");
  const listSlot = h("div", { "aria-live": "polite" });
  const actionSlot = h("div", { class: "form-error", "aria-live": "assertive" });
  const load = async () => {
    clear(listSlot).append(loading("正在加载文件列表…"));
    try {
      const data = await api("/v1/documents", { signal: ctx.signal });
      clear(listSlot).append(documentsTable(data.items || [], admin, remove));
    } catch (err) {
      if (err.name !== "AbortError") clear(listSlot).append(errorBox(err));
    }
  };
  const remove = (doc, button) => {
    const name = doc.short_title || doc.title;
    if (!window.confirm(`确定删除《${name}》及其全部 ${doc.clauses ?? ""} 条条文吗？删除后检索和问答将不再引用该文件。`)) return;
    busy(button, actionSlot, async () => {
      await api(`/v1/documents/${encodeURIComponent(doc.doc_id)}`, { method: "DELETE" });
      toast(`已删除《${name}》。`);
      await load();
    });
  };
  append(main,
    h("h1", {}, "政策文件"),
    h("p", { class: "lead" }, "问答和预审引用的条文都来自这里收录的文件。"),
    searchPanel(ctx.signal),
    admin ? uploadPanel(load, ctx.signal) : null,
    h("section", { class: "card", "aria-labelledby": "docs-title" }, h("h2", { id: "docs-title" }, "已收录文件"), actionSlot, listSlot));
  await load();
}
