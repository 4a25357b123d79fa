// 智能问答: streamed answers over POST /v1/chat (SSE read with fetch), verified citation chips,
// the rules-only banner, and the user's conversation history.
import { api, postEventStream } from "../api.js";
import { openClause } from "../clause.js";
import { append, clear, errorBox, formatTime, h, loading } from "../dom.js";

const SAMPLE_QUESTIONS = [
  "绩效目标审核主要审核哪些内容？",
  "审核结果分为哪几个等级，各有什么后果？",
  "绩效指标为什么要细化量化？",
  "预算草案编制的依据有哪些？",
];
const RULES_ONLY_TEXT = "未配置大模型，以下为检索到的条文";

function listFrom(result, key) {
  if (Array.isArray(result)) return result;
  return (result && (result.items || result[key])) || [];
}

function uniqueCitations(citations) {
  const seen = new Set();
  return (citations || []).filter((c) => {
    const key = c.clause_id || c.label;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ✓ only for a quote found in an ingested official text; our cards carry their state (要点（转述） /
// 条款号待核对) in the chip, worded by the server (citation.trust_label)
function citationChips(citations) {
  const chips = uniqueCitations(citations).map((c) => {
    const verified = (c.trust || (c.verified === false ? "" : "verified")) === "verified";
    const label = c.label || `《${c.doc}》${c.article || ""}`;
    return h("button", {
      type: "button",
      class: "chip " + (verified ? "chip-verified" : c.trust === "unchecked" ? "chip-memory" : "chip-unverified"),
      title: `${c.doc_title || c.doc || ""}${c.page ? " 第" + c.page + "页" : ""}${c.trust_label ? "（" + c.trust_label + "）" : ""}，点击查看条文`,
      dataset: { clauseId: c.clause_id || "", trust: c.trust || "" },
      onclick: () => openClause(c.clause_id, c.label),
    }, verified ? h("span", { class: "chip-check", "aria-label": c.trust_label || "已核实" }, "✓") : "",
    verified || !c.trust_label ? label : `${label}〔${c.trust_label}〕`);
  });
  return chips.length ? h("div", { class: "citations" }, h("span", { class: "citations-label" }, "出处："), chips) : null;
}

/** The answering sentences in view, the clauses under them folded (done.folded is the tail of the answer). */
function answerText(el, text, folded) {
  const full = text || "";
  if (!folded || !full.endsWith(folded)) {
    el.textContent = full;
    return;
  }
  const head = folded.split("\n", 1)[0];
  clear(el).append(full.slice(0, full.length - folded.length).trimEnd(),
    h("details", { class: "folded-clauses" }, h("summary", {}, head.replace(/[：:]$/, "")),
      h("div", { class: "folded-body" }, folded.slice(head.length).trim())));
}

function messageView(role, text, citations, extra, folded) {
  const isUser = role === "user";
  const body = h("div", { class: "msg-text" });
  answerText(body, text, folded);
  return h("div", { class: `msg msg-${isUser ? "user" : "assistant"}` },
    h("div", { class: "msg-who" }, isUser ? "我" : "审核助手"),
    h("div", { class: "msg-body" }, body, citationChips(citations), extra || null));
}

function doneNotes(done) {
  const notes = [];
  const dropped = Array.isArray(done.dropped) ? done.dropped.length : Number(done.dropped || 0);
  if (dropped) notes.push(`已删去 ${dropped} 处无法在知识库中核实的引用。`);
  // an uncovered answer says so itself: no "以上内容仅供参考" under a bare refusal
  if (done.covered === false && done.answer && !String(done.answer).startsWith("知识库中未检索到")) {
    notes.push("知识库中没有找到足够的条文依据，请以正式文件为准。");
  }
  return notes.length ? h("p", { class: "msg-note" }, notes.join("")) : null;
}

function setBanner(banner, mode, label) {
  const rulesOnly = mode && mode !== "llm";
  banner.hidden = !rulesOnly;
  banner.textContent = rulesOnly ? `${RULES_ONLY_TEXT}（系统当前为规则模式，回答为条文摘录，不含大模型生成内容）。` : "";
  if (!rulesOnly && label) banner.title = label;
}

export async function render(main, ctx) {
  const view = { conversationId: null, streaming: false };
  const banner = h("div", { class: "mode-banner", role: "note", hidden: true });
  setBanner(banner, ctx.health && ctx.health.mode);
  const log = h("div", { class: "chat-log", role: "log", "aria-live": "polite", "aria-label": "对话内容" });
  const status = h("p", { class: "chat-status", role: "status", "aria-live": "polite" });
  const input = h("textarea", { id: "chat-input", rows: 3, placeholder: "例如：绩效目标审核主要审核哪些内容？（Enter 发送，Shift+Enter 换行）" });
  const send = h("button", { type: "submit", class: "btn btn-primary", id: "chat-send" }, "发送");
  const history = h("ul", { class: "conv-list", "aria-label": "历史对话" });

  const showWelcome = () => clear(log).append(h("div", { class: "chat-welcome" },
    h("p", {}, "可以就绩效目标的设定、审核规则和预算法规提问，回答会列出可核对的条文出处。"),
    h("div", { class: "samples" }, SAMPLE_QUESTIONS.map((q) => h("button", { type: "button", class: "chip chip-sample", onclick: () => ask(q) }, q)))));

  const loadHistory = async () => {
    try {
      const items = listFrom(await api("/v1/conversations", { signal: ctx.signal }), "conversations");
      clear(history).append(...(items.length ? items.map((c) => h("li", {},
        h("button", { type: "button", class: "conv-item" + (c.id === view.conversationId ? " active" : ""), onclick: () => openConversation(c.id) },
          h("span", { class: "conv-title" }, c.title || "（无标题）"),
          h("span", { class: "conv-time" }, formatTime(c.updated_at || c.created_at))))) : [h("li", { class: "muted small" }, "暂无历史对话")]));
    } catch (err) {
      if (err.name !== "AbortError") clear(history).append(h("li", {}, errorBox(err)));
    }
  };

  const openConversation = async (id) => {
    if (view.streaming) return;
    clear(log).append(loading("正在读取对话…"));
    try {
      const conv = await api(`/v1/conversations/${encodeURIComponent(id)}`, { signal: ctx.signal });
      view.conversationId = conv.id || id;
      const messages = listFrom(conv, "messages");
      clear(log).append(...messages.map((m) => messageView(m.role, m.content ?? m.text ?? m.answer, m.citations)));
      loadHistory();
    } catch (err) {
      if (err.name !== "AbortError") clear(log).append(errorBox(err));
    }
  };

  const ask = async (question) => {
    const text = (question || input.value).trim();
    if (!text || view.streaming) return;
    if (log.querySelector(".chat-welcome")) clear(log);
    input.value = "";
    view.streaming = true;
    send.disabled = true;
    log.append(messageView("user", text));
    const answer = messageView("assistant", "");
    answer.classList.add("streaming");
    log.append(answer);
    const textEl = answer.querySelector(".msg-text");
    const bodyEl = answer.querySelector(".msg-body");
    status.textContent = "正在检索条文并生成回答…";
    let gotDone = false;
    const onEvent = ({ event, data }) => {
      if (event === "meta") {
        view.conversationId = data.conversation_id || view.conversationId;
        setBanner(banner, data.mode, data.mode_label);
      } else if (event === "token") {
        textEl.textContent += data.text || "";
        log.scrollTop = log.scrollHeight;
      } else if (event === "citations") {
        bodyEl.querySelector(".citations")?.remove();
        const chips = citationChips(data.citations);
        if (chips) bodyEl.append(chips);
      } else if (event === "done") {
        gotDone = true;
        if (data.answer) answerText(textEl, data.answer, data.folded);
        bodyEl.querySelector(".citations")?.remove();
        bodyEl.append(...[citationChips(data.citations), doneNotes(data)].filter(Boolean));
        log.scrollTop = log.scrollHeight;
      } else if (event === "error") {
        gotDone = true;
        bodyEl.append(errorBox({ message: data.message || "回答生成失败。" }));
      }
    };
    try {
      const body = { message: text };
      if (view.conversationId) body.conversation_id = view.conversationId;
      await postEventStream("/v1/chat", body, onEvent, ctx.signal);
      if (!gotDone) bodyEl.append(errorBox({ message: "回答意外中断，请重试。" }));
      status.textContent = "回答完成。";
    } catch (err) {
      if (err.name === "AbortError") return;
      bodyEl.append(errorBox(err));
      status.textContent = "回答失败。";
    } finally {
      answer.classList.remove("streaming");
      view.streaming = false;
      send.disabled = false;
      loadHistory();
    }
  };

  const form = h("form", { class: "composer" },
    h("label", { for: "chat-input", class: "sr-only" }, "输入问题"), input, send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask();
    }
  });
  const newChat = h("button", { type: "button", class: "btn btn-small", onclick: () => {
    if (view.streaming) return;
    view.conversationId = null;
    showWelcome();
    loadHistory();
    input.focus();
  } }, "新对话");

  append(main,
    h("h1", {}, "智能问答"),
    banner,
    h("div", { class: "chat-layout" },
      h("aside", { class: "card chat-side", "aria-labelledby": "history-title" },
        h("div", { class: "side-head" }, h("h2", { id: "history-title" }, "历史对话"), newChat), history),
      h("section", { class: "card chat-main", "aria-label": "对话" }, log, status, form)));
  showWelcome();
  await loadHistory();
}
