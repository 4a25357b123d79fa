// 整改闭环 on the submission page: the project's versions, and against the version before which findings
// were fixed (已整改), which remain (仍存在) and which are new (新出现), from GET /v1/submissions/{id}/closure.
import { api } from "../api.js";
import { clear, errorBox, h, loading } from "../dom.js";
import { GRADE_CLASS, STATUS_ZH } from "../labels.js";

function findingItem(f) {
  return h("li", { dataset: { code: f.code } }, f.message, f.location_text ? h("span", { class: "muted small" }, `（${f.location_text}）`) : null);
}

function column(kind, title, findings, empty) {
  return h("div", { class: `closure-col closure-${kind}` },
    h("h3", {}, `${title}（${findings.length}）`),
    findings.length ? h("ul", {}, findings.map(findingItem)) : h("p", { class: "muted small" }, empty));
}

function chainList(chain) {
  return h("ol", { class: "closure-chain", "aria-label": "各版本" }, chain.map((v) =>
    h("li", { "aria-current": v.current ? "true" : null },
      v.current ? `第${v.version}版（当前查看）` : h("a", { href: `#/precheck/${encodeURIComponent(v.id)}` }, `第${v.version}版`),
      " ", h("span", { class: "grade-badge grade-small " + (GRADE_CLASS[v.grade] || "grade-none") }, v.grade || "—"),
      ` ${STATUS_ZH[v.status] || v.status}，${v.findings} 个问题`)));
}

function body(data) {
  const parts = [chainList(data.chain)];
  if (!data.previous_id) {
    parts.push(h("p", { class: "muted" }, "这是该项目的第一版，还没有可比较的上一版。"));
    return parts;
  }
  parts.push(
    h("p", { id: "closure-summary" }, `与第${data.chain.find((v) => v.id === data.previous_id).version}版相比：已整改 ${data.fixed.length} 个问题，仍存在 ${data.remaining.length} 个，新出现 ${data.new.length} 个。`,
      data.since_first ? `与第1版相比：已整改 ${data.since_first.fixed} 个，仍存在 ${data.since_first.remaining} 个，新出现 ${data.since_first.new} 个。` : ""),
    h("div", { class: "closure-cols" },
      column("fixed", "已整改", data.fixed, "没有已整改的问题。"),
      column("remaining", "仍存在", data.remaining, "上一版的问题都已整改。"),
      column("new", "新出现", data.new, "没有新出现的问题。")));
  return parts;
}

/** The 整改闭环 card for a submission that has other versions (null for a project with only one). */
export function closurePanel(detail, signal) {
  if (!detail.previous_id && !detail.superseded_by_id) return null;
  const slot = h("div", {}, loading("正在比较各版本…"));
  api(`/v1/submissions/${encodeURIComponent(detail.id)}/closure`, { signal })
    .then((data) => clear(slot).append(...body(data)))
    .catch((err) => {
      if (err.name !== "AbortError") clear(slot).append(errorBox(err));
    });
  return h("section", { class: "card closure", "aria-labelledby": "closure-title", id: "closure" },
    h("h2", { id: "closure-title" }, "整改闭环"), slot);
}
