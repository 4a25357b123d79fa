// A small, safe renderer for the opinion's plain-text markdown (headings, lists, bold, rules).
// Everything is built as DOM nodes from text: no HTML from the text is ever interpreted.
import { h } from "./dom.js";

function inline(text) {
  const parts = text.split(/\*\*(.+?)\*\*/g);
  return parts.map((part, i) => (i % 2 ? h("strong", {}, part) : part));
}

function blockFor(line) {
  const heading = /^(#{1,4})\s+(.*)$/.exec(line);
  if (heading) return { kind: "heading", level: heading[1].length, text: heading[2] };
  const bullet = /^[-*]\s+(.*)$/.exec(line);
  if (bullet) return { kind: "ul", text: bullet[1] };
  const ordered = /^(\d+)[.、]\s*(.*)$/.exec(line);
  if (ordered) return { kind: "ol", text: ordered[2], start: Number(ordered[1]) };
  if (/^\s{2,}\S/.test(line)) return { kind: "detail", text: line.trim() };
  if (/^-{3,}$/.test(line.trim())) return { kind: "hr" };
  return { kind: "p", text: line };
}

/** Render opinion text into a document fragment (used for the read-only view and the live preview). */
export function renderMarkdown(text) {
  const root = h("div", { class: "md" });
  let list = null;
  let lastItem = null;
  for (const raw of (text || "").split(/\r?\n/)) {
    if (!raw.trim()) {
      list = null;
      continue;
    }
    const block = blockFor(raw);
    if (block.kind === "detail" && lastItem) {
      lastItem.append(h("div", { class: "md-detail" }, inline(block.text)));
      continue;
    }
    if (block.kind === "ul" || block.kind === "ol") {
      if (!list || list.tagName.toLowerCase() !== block.kind) {
        list = h(block.kind, block.kind === "ol" ? { start: block.start } : {});
        root.append(list);
      }
      lastItem = h("li", {}, inline(block.text));
      list.append(lastItem);
      continue;
    }
    list = null;
    lastItem = null;
    if (block.kind === "heading") root.append(h(`h${Math.min(block.level + 1, 5)}`, { class: "md-h" }, inline(block.text)));
    else if (block.kind === "hr") root.append(h("hr"));
    else root.append(h("p", {}, inline(block.text)));
  }
  return root;
}
