// 审核意见: reviewers (审核人员) edit, redraft and return the drafted opinion; approvers (审批人) read it and
// approve it (审核与审批分离); the version history with who and when, and the .docx download. Every
// change names the version it was based on, so a change to an opinion someone else just changed is refused.
import { api, downloadFile } from "../api.js";
import { append, busy, clear, errorBox, formatTime, h, toast } from "../dom.js";
import { ACTION_ZH, ROLE_ZH, can } from "../labels.js";
import { renderMarkdown } from "../markdown.js";
import { gradeBadge, statusTag } from "./precheck.js";

async function loadReview(id, signal) {
  // ask first whether an opinion was drafted: a project without one is no error (and no 404 in the console)
  const state = await api(`/v1/submissions/${encodeURIComponent(id)}/review-state`, { signal });
  if (!state.drafted) return null;
  try {
    return await api(`/v1/reviews/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

function versionsList(versions) {
  if (!versions || !versions.length) return h("p", { class: "empty" }, "暂无版本记录。");
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return h("ol", { class: "versions", reversed: true }, sorted.map((v) => h("li", { class: `version action-${v.action}` },
    h("div", { class: "version-head" },
      h("span", { class: "version-no" }, `第${v.version}版`),
      h("span", { class: "version-action" }, ACTION_ZH[v.action] || v.action),
      h("span", { class: "version-who" }, `${v.author_name || v.author || "系统"}${v.role ? "（" + (v.role_zh || ROLE_ZH[v.role] || v.role) + "）" : ""}`),
      h("time", { datetime: v.created_at }, formatTime(v.created_at))),
    v.comment ? h("p", { class: "version-comment" }, `说明：${v.comment}`) : null,
    v.text ? h("details", {}, h("summary", {}, "查看该版正文"), h("pre", { class: "version-text" }, v.text)) : null)));
}

function headerBlock(review, detail) {
  const rulesOnly = review.mode && review.mode !== "llm";
  return h("div", { class: "review-head" },
    h("div", { class: "review-tags" },
      statusTag(review.status, review.status_zh),
      detail ? [h("span", { class: "muted" }, "预审等级"), gradeBadge(detail.grade)] : null),
    h("p", { class: rulesOnly ? "note note-memory" : "muted small" },
      rulesOnly ? "未配置大模型：本意见由规则根据预审结果自动起草，请审核人员核对后定稿。" : review.mode_label || ""));
}

function showStatus() {
  const head = document.querySelector(".review-head");
  if (head) head.scrollIntoView({ block: "center" });
}

function reviewerActions(ctx, review, editor, comment, slot, reload) {
  const id = ctx.id;
  let version = review.version;
  const save = h("button", { type: "button", class: "btn" }, "保存修改");
  const reject = h("button", { type: "button", class: "btn btn-danger", id: "btn-return" }, "退回修改");
  const redraft = h("button", { type: "button", class: "btn btn-ghost" }, "重新起草");
  const saveIfEdited = async () => {
    if (editor.value.trim() === (review.text || "").trim()) return false;
    if (!editor.value.trim()) throw new Error("审核意见正文不能为空。");
    const saved = await api(`/v1/reviews/${encodeURIComponent(id)}`, { method: "PUT", json: { text: editor.value, comment: comment.value.trim() || null, version } });
    version = saved.version;
    return true;
  };
  save.addEventListener("click", () => busy(save, slot, async () => {
    if (!(await saveIfEdited())) return toast("正文没有改动，无需保存。");
    toast("已保存为新版本。");
    await reload();
  }));
  reject.addEventListener("click", () => busy(reject, slot, async () => {
    if (!comment.value.trim()) {
      comment.focus();
      throw new Error("退回修改时必须填写处理说明，写明需要申报单位修改的内容。");
    }
    await saveIfEdited();
    await api(`/v1/reviews/${encodeURIComponent(id)}/return`, { method: "POST", json: { comment: comment.value.trim(), version } });
    toast("已退回申报单位修改。");
    await reload();
    showStatus();
  }));
  redraft.addEventListener("click", () => busy(redraft, slot, async () => {
    if (editor.value.trim() !== (review.text || "").trim() && !window.confirm("重新起草会放弃未保存的修改，确定继续吗？")) return;
    await api(`/v1/reviews/${encodeURIComponent(id)}/draft`, { method: "POST", json: { version } });
    toast("已重新起草。");
    await reload();
  }));
  return h("div", { class: "actions review-actions" }, reject, save, redraft);
}

function approverPanel(ctx, review, slot, reload) {
  const comment = h("input", { id: "approve-comment", type: "text", maxlength: 500, placeholder: "例如：同意审核意见" });
  const approve = h("button", { type: "button", class: "btn btn-primary", id: "btn-approve" }, "审批通过");
  approve.addEventListener("click", () => busy(approve, slot, async () => {
    await api(`/v1/reviews/${encodeURIComponent(ctx.id)}/approve`, { method: "POST", json: { comment: comment.value.trim() || null, version: review.version } });
    toast("审核意见已审批通过。");
    await reload();
    showStatus();
  }));
  return [h("div", { class: "field" }, h("label", { for: "approve-comment" }, "审批意见（可选）"), comment),
    h("div", { class: "actions review-actions" }, approve)];
}

function docxButton(id, slot) {
  const button = h("button", { type: "button", class: "btn", id: "btn-docx" }, "下载 Word（.docx）");
  button.addEventListener("click", () => busy(button, slot, async () => {
    const name = await downloadFile(`/v1/reviews/${encodeURIComponent(id)}/export.docx`, `审核意见-${id}.docx`);
    toast(`已下载：${name}`);
  }));
  return button;
}

function editorArea(review) {
  const editor = h("textarea", { id: "opinion-text", class: "opinion-editor", rows: 22, value: review.text || "", "aria-describedby": "opinion-help" });
  const preview = h("div", { class: "opinion-doc opinion-preview", role: "region", "aria-label": "排版预览" }, renderMarkdown(review.text));
  editor.addEventListener("input", () => preview.replaceChildren(renderMarkdown(editor.value)));
  return { editor, area: h("div", { class: "editor-grid" }, editor, preview) };
}

/** What the reviewer should know before sending (opinion.caveats): shown here, never in the document. */
function caveatsNote(review) {
  const caveats = (review.opinion && review.opinion.caveats) || [];
  if (!caveats.length) return null;
  return h("div", { class: "note note-practice", role: "note" },
    h("strong", {}, "起草说明（不写入审核意见）："),
    h("ul", { class: "caveats" }, caveats.map((c) => h("li", {}, c))));
}

function editorPanel(ctx, review, reload) {
  const pending = review.status === "pending";
  const staff = can(ctx.me, "review") && pending;
  const approver = can(ctx.me, "approve") && pending;
  const slot = h("div", { class: "form-error", "aria-live": "assertive" });
  const help = staff ? "左侧修改正文（支持 # 标题、- 列表、**加粗**），右侧为排版预览；保存后生成新版本，原版本保留在下方记录中。"
    : !pending ? `本项目${review.status_zh || "已办结"}，审核意见不再修改，可下载 Word 文件存档。`
    : approver ? "审核意见由审核人员起草和修改；请审阅后审批通过（起草或修改过本意见的人员不能审批）。"
    : "审核意见由审核人员处理，您可以查看和下载。";
  const head = h("h2", {}, staff ? h("label", { for: "opinion-text" }, "审核意见正文") : "审核意见正文");
  if (!staff) {
    return h("section", { class: "card", "aria-label": "审核意见" }, head, h("p", { id: "opinion-help", class: "help" }, help),
      h("article", { class: "opinion-doc", "aria-label": "审核意见正文" }, renderMarkdown(review.text)),
      approver ? approverPanel(ctx, review, slot, reload) : null,
      slot, h("div", { class: "actions" }, docxButton(ctx.id, slot)));
  }
  const { editor, area } = editorArea(review);
  const comment = h("input", { id: "review-comment", type: "text", maxlength: 500, placeholder: "例如：请补充满意度指标并明确时效指标的完成时限" });
  return h("section", { class: "card", "aria-label": "审核意见编辑" }, head, h("p", { id: "opinion-help", class: "help" }, help),
    caveatsNote(review),
    area,
    h("div", { class: "field" }, h("label", { for: "review-comment" }, "处理说明（退回修改时必填）"), comment),
    slot,
    h("div", { class: "actions" }, reviewerActions(ctx, review, editor, comment, slot, reload), docxButton(ctx.id, slot)));
}

function draftPrompt(ctx, reload) {
  const slot = h("div", { class: "form-error", "aria-live": "assertive" });
  const button = h("button", { type: "button", class: "btn btn-primary" }, "起草审核意见");
  button.addEventListener("click", () => busy(button, slot, async () => {
    await api(`/v1/reviews/${encodeURIComponent(ctx.id)}/draft`, { method: "POST" });
    await reload();
  }));
  return h("section", { class: "card" }, h("p", {}, "该项目尚未起草审核意见。"),
    can(ctx.me, "review") ? button : h("p", { class: "muted" }, "请等待审核人员起草。"), slot);
}

export async function render(main, ctx) {
  const body = h("div", { class: "review-body" });
  let detail = null;
  const reload = async () => {
    const review = await loadReview(ctx.id, ctx.signal);
    clear(body);
    if (!review) return body.append(draftPrompt(ctx, reload));
    body.append(headerBlock(review, detail), editorPanel(ctx, review, reload),
      h("section", { class: "card", "aria-labelledby": "versions-title" },
        h("h2", { id: "versions-title" }, "修改与审批记录"), versionsList(review.versions)));
  };
  try {
    detail = await api(`/v1/submissions/${encodeURIComponent(ctx.id)}`, { signal: ctx.signal });
  } catch (err) {
    if (err.name === "AbortError") return;
    append(main, errorBox(err));
    return;
  }
  append(main,
    h("p", { class: "breadcrumb" }, h("a", { href: "#/review" }, "审核意见"), " / ",
      h("a", { href: `#/precheck/${encodeURIComponent(ctx.id)}` }, "预审结果")),
    h("h1", {}, `审核意见：${detail.project || "（未填项目名称）"}`),
    body);
  await reload();
}
