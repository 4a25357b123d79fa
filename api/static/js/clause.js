// The clause viewer: a modal dialog showing a cited clause with its document, article and page.
import { api } from "./api.js";
import { clear, errorBox, h, loading } from "./dom.js";
import { citationLabel } from "./labels.js";

function dialogParts() {
  const dialog = document.getElementById("clause-dialog");
  return { dialog, title: dialog.querySelector("#clause-title"), body: dialog.querySelector(".dialog-body") };
}

function open(titleText) {
  const { dialog, title, body } = dialogParts();
  title.textContent = titleText;
  clear(body);
  body.appendChild(loading("正在读取条文…"));
  if (!dialog.open) dialog.showModal();
  return body;
}

function metaRow(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: "meta-row" }, h("dt", {}, label), h("dd", {}, String(value)));
}

const TRUST_NOTE_CLASS = { verified: "note-verified", paraphrase: "note-practice", unchecked: "note-memory" };

/** The clause's trust state as the server words it (已核实 / 要点（转述） / 条款号待核对). */
function trustNote(clause) {
  if (!clause.trust_label) return null;
  return h("p", { class: "note " + (TRUST_NOTE_CLASS[clause.trust] || "") }, `${clause.trust_label}：${clause.trust_note || ""}`);
}

export function clauseView(clause) {
  const article = clause.article || (clause.path || []).slice(-1)[0] || "";
  return h("div", { class: "clause" },
    h("dl", { class: "meta" },
      metaRow("文件", clause.doc_title || clause.doc),
      metaRow("文号", clause.doc_no),
      metaRow("条款", article),
      metaRow("章节", (clause.path || []).length > 1 ? clause.path.slice(0, -1).join(" / ") : ""),
      metaRow("页码", clause.page ? `第${clause.page}页` : ""),
      metaRow("来源", clause.source),
      metaRow("核实情况", clause.trust_label),
    ),
    trustNote(clause),
    h("blockquote", { class: "clause-text" }, clause.text || "（无正文）"),
  );
}

/** Open a clause by id (chat citations, search hits). */
export async function openClause(clauseId, label) {
  const body = open(label || "条文");
  try {
    const clause = await api(`/v1/clauses/${encodeURIComponent(clauseId)}`);
    const { title } = dialogParts();
    title.textContent = label || `《${clause.doc || clause.doc_title}》${clause.article || ""}`;
    clear(body).appendChild(clauseView(clause));
  } catch (err) {
    clear(body).appendChild(errorBox(err));
  }
}

/** Open a finding's citation: our summary, then the ingested clause itself when the library has it. */
export async function openFindingCitation(citation) {
  const label = citationLabel(citation);
  const body = open(label.text);
  const summary = h("div", { class: "clause" },
    label.note ? h("p", { class: "note note-" + label.kind }, label.note) : null,
    citation.quote ? h("p", {}, h("strong", {}, "规则要点："), citation.quote) : null,
  );
  const source = h("div", { class: "clause-source" }, loading("正在知识库中查找原文…"));
  clear(body).append(summary, source);
  if (!citation.article || (citation.confidence || "").includes("实务")) {
    clear(source);
    return;
  }
  try {
    const query = { doc: citation.doc, article: citation.article, quote: citation.quote, confidence: citation.confidence };
    const clause = await api("/v1/citations/resolve", { query });
    const { title } = dialogParts();
    if (clause.citation_label) title.textContent = clause.citation_label;  // the article the text carries it in
    clear(summary).append(trustNote(clause) || "",
      clause.quote ? h("p", {}, h("strong", {}, clause.trust === "verified" ? "原文：" : "规则要点："), clause.quote) : "",
      clause.mismatch ? h("p", { class: "note note-memory" }, `规则引用的${citation.article}与正式文本不符，该要点见于${clause.article_found}。`) : "");
    clear(source).append(h("h3", { class: "sub" }, clause.trust === "verified" ? "正式文本中的条文" : "知识库中的要点卡片"), clauseView(clause));
  } catch (err) {
    if (err.status !== 404) return clear(source).appendChild(errorBox(err));
    clear(source).append(h("p", { class: "muted" }, err.message || "知识库中暂未收录该文件，以上为规则要点。"));
  }
}

export function initClauseDialog() {
  const { dialog } = dialogParts();
  dialog.querySelector(".dialog-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
}
