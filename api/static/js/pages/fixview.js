// A finding's structured fix (DESIGN.md §7) as a before/after row, and the button that accepts it into the
// 审核意见: the finding's suggestion (the words of the same fix) is added under one heading of the opinion
// text as a new version, so the reviewer's opinion carries exactly the rewrite shown here.
import { api } from "../api.js";
import { h, toast } from "../dom.js";
import { CELL_ZH, can } from "../labels.js";

const CELLS = ["level1", "level2", "name", "op", "value", "unit", "weight"];
const FIELD_ZH = { annual_goal: "年度目标", overall_goal: "总体目标", project: "项目名称" };
export const ACCEPTED_HEADING = "## 附：采纳的指标修改（修改前 → 修改后）";
const TODO = /(〔待填[:：][^〕]*〕)/;

function text(value) {
  return value === null || value === undefined ? "" : String(value);
}

/** A cell's text with each 〔待填：…〕 marked, so the reviewer sees what is left to fill. */
function marked(value) {
  const parts = text(value).split(TODO).filter((p) => p !== "");
  if (!parts.length) return h("span", { class: "blank" }, "—");
  return parts.map((p) => (TODO.test(p) ? h("mark", { class: "fix-todo" }, p) : p));
}

function rowCells(row, changed) {
  return CELLS.map((c) => h("td", { class: `cell-${c}` + (changed && changed.has(c) ? " fix-changed" : "") }, marked(row[c])));
}

function rowTable(caption, rows) {
  return h("table", { class: "data-table fix-table" },
    h("caption", { class: "sr-only" }, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), CELLS.map((c) => h("th", { scope: "col" }, CELL_ZH[c] || c)))),
    h("tbody", {}, rows));
}

function labelCell(label) {
  return h("th", { scope: "row", class: "fix-label" }, label);
}

function weightMoves(fix, indicators) {
  const moves = (fix.also || []).filter((a) => a.action === "replace_row" && a.row && Object.keys(a.row).length === 1 && "weight" in a.row);
  if (!moves.length) return null;
  return h("p", { class: "fix-also" }, "同时调整权重：", moves.map((m, n) => {
    const before = indicators[m.indicator] || {};
    return [n ? "；" : "", `第${m.indicator + 1}行“${text(before.name)}” ${text(before.weight)}分 → ${text(m.row.weight)}分`];
  }));
}

/** The before/after of one fix, read off the fix and the submission as submitted. */
export function fixTable(fix, submission) {
  const indicators = (submission && submission.indicators) || [];
  if (fix.action === "set_field") {
    const label = FIELD_ZH[fix.field] || fix.field;
    return h("table", { class: "data-table fix-table fix-field" },
      h("caption", { class: "sr-only" }, `${label}修改前后`),
      h("tbody", {},
        h("tr", { class: "fix-before" }, labelCell(`${label}（修改前）`), h("td", {}, marked(submission && submission[fix.field]) )),
        h("tr", { class: "fix-after" }, labelCell(`${label}（修改后）`), h("td", { class: "fix-changed" }, marked(fix.value)))));
  }
  if (fix.action === "add_row") {
    const added = [fix.row, ...(fix.also || []).filter((a) => a.action === "add_row").map((a) => a.row)];
    return [rowTable("增设的指标", added.map((r) => h("tr", { class: "fix-after fix-added" }, labelCell("增设"), rowCells(r || {}, new Set(CELLS))))),
      weightMoves(fix, indicators)];
  }
  const before = indicators[fix.indicator] || {};
  const beforeRow = h("tr", { class: "fix-before" }, labelCell(`修改前（第${fix.indicator + 1}行）`), rowCells(before));
  if (fix.action === "delete_row") {
    const gone = h("tr", { class: "fix-after fix-deleted" }, labelCell("修改后"), h("td", { colspan: CELLS.length }, "删除本行"));
    return [rowTable("删除的指标", [beforeRow, gone]), weightMoves(fix, indicators)];
  }
  const changes = fix.row || {};
  const after = { ...before, ...changes };
  const changed = new Set(Object.keys(changes).filter((c) => text(changes[c]) !== text(before[c])));
  const afterRow = h("tr", { class: "fix-after" }, labelCell("修改后"), rowCells(after, changed));
  return [rowTable("指标修改前后", [beforeRow, afterRow]), weightMoves(fix, indicators)];
}

/** The opinion text with one more accepted rewrite under ACCEPTED_HEADING (kept before the closing note). */
export function withAccepted(opinion, line) {
  const lines = (opinion || "").replace(/\s+$/, "").split("\n");
  if (lines.includes(line)) return null;
  let at = lines.indexOf(ACCEPTED_HEADING);
  if (at < 0) {
    const footer = lines.lastIndexOf("---");
    const insert = footer >= 0 ? footer : lines.length;
    lines.splice(insert, 0, ...(insert > 0 && lines[insert - 1] !== "" ? [""] : []), ACCEPTED_HEADING, "", "");
    at = lines.indexOf(ACCEPTED_HEADING);
  }
  let end = at + 1;
  while (end < lines.length && lines[end] === "") end += 1;
  while (end < lines.length && lines[end].startsWith("- ")) end += 1;
  lines.splice(end, 0, line);
  return lines.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

async function currentReview(id) {
  try {
    return await api(`/v1/reviews/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    await api(`/v1/reviews/${encodeURIComponent(id)}/draft`, { method: "POST" });
    return api(`/v1/reviews/${encodeURIComponent(id)}`);
  }
}

async function accept(id, finding, number, button) {
  const review = await currentReview(id);
  // the number the reader sees on the card (问题N), else the finding's place in the precheck
  const shown = button.closest("article")?.querySelector(".finding-no")?.textContent || `问题${number}`;
  const where = finding.location_text ? `（${finding.location_text}）` : "";
  const line = `- ${shown}${where}：${finding.suggestion}`;
  const updated = withAccepted(review.text, line);
  if (updated === null) {
    toast("这条修改已在审核意见中。");
  } else {
    await api(`/v1/reviews/${encodeURIComponent(id)}`, {
      method: "PUT",
      json: { text: updated, comment: `采纳预审修改建议：${shown}（${finding.code}）`, version: review.version },
    });
    toast("已采纳到审核意见。");
  }
  button.textContent = "已采纳";
  button.disabled = true;
}

/** A finding's fix as a before/after row, with “采纳到审核意见” for those who review. */
export function fixPreview(finding, number, ctx) {
  const fix = finding.fix;
  if (!fix || !ctx || !ctx.submission) return null;
  const todo = TODO.test(JSON.stringify(fix));
  const reviewer = can(ctx.me, "review") && ctx.status === "pending";
  const button = reviewer ? h("button", { type: "button", class: "btn btn-small fix-accept" }, "采纳到审核意见") : null;
  if (button) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await accept(ctx.id, finding, number, button);
      } catch (err) {
        button.disabled = false;
        toast(err.message);
      }
    });
  }
  return h("div", { class: "fix-preview", dataset: { action: fix.action } },
    h("p", { class: "fix-title" }, h("strong", {}, "修改前后对照"), todo ? h("span", { class: "fix-note" }, "（标记处按实际填写后采纳）") : null),
    fixTable(fix, ctx.submission),
    button ? h("div", { class: "actions fix-actions" }, button) : null);
}
