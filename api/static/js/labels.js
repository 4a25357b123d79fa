// Chinese labels for the domain's codes, and the citation chip shared by every page.
import { api } from "./api.js";
import { h } from "./dom.js";

// The words come from the server (GET /v1/labels, assistant/labels.py), the same ones the opinion and the
// Word export use; loadLabels() fills these tables once, before the first page renders.
export const PERMISSIONS_ZH = {};
export const ROLE_ZH = {};
export const SEVERITY_ZH = {};
export const SEVERITY_ORDER = {};
export const DIMENSIONS = [];
export const DIMENSION_HINTS = {};
export const STATUS_ZH = {};
export const GRADES = [];
export const CELL_ZH = {};
export const ACTION_ZH = {};
// citation trust states: {verified|paraphrase|unchecked: {label, note}} and confidence mark -> state
export const TRUST = {};
export const CONFIDENCE_TRUST = {};
let indicatorTemplate = "";

// presentation only: the badge colour of each grade
export const GRADE_CLASS = { 优: "grade-a", 良: "grade-b", 中: "grade-c", 差: "grade-d" };

function fill(target, source) {
  if (Array.isArray(target)) target.splice(0, target.length, ...(source || []));
  else Object.assign(target, source || {});
}

/** Load the label tables from the server (public, no token needed). */
export async function loadLabels() {
  const labels = await api("/v1/labels");
  fill(PERMISSIONS_ZH, labels.permissions);
  fill(ROLE_ZH, labels.roles);
  fill(SEVERITY_ZH, labels.severity);
  fill(SEVERITY_ORDER, Object.fromEntries((labels.severity_order || []).map((s, i) => [s, i])));
  fill(DIMENSIONS, (labels.dimensions || []).map((d) => d.name));
  fill(DIMENSION_HINTS, Object.fromEntries((labels.dimensions || []).map((d) => [d.name, d.hint])));
  fill(STATUS_ZH, labels.status);
  fill(GRADES, labels.grades);
  fill(CELL_ZH, labels.cells);
  fill(ACTION_ZH, labels.actions);
  fill(TRUST, labels.trust);
  fill(CONFIDENCE_TRUST, labels.confidence_trust);
  indicatorTemplate = labels.indicator_place || "";
}

/** 第3项指标 for the 0-based index 2, worded as the server words it. */
export function indicatorPlace(index) {
  return indicatorTemplate.replace("{n}", String(Number(index) + 1));
}

export function can(me, ...permissions) {
  const held = (me && me.permissions) || [];
  return permissions.some((p) => held.includes(p));
}

const DOC_NO_ONLY = /^[\u4e00-\u9fa5]{1,8}〔\d{4}〕\d+号$/;
const TITLE_WITH_NO = /^(.+?)[（(]([^（）()]*〔\d{4}〕[^（）()]*号)[）)]$/;

/** 《标题》, 《标题》（财预〔2015〕88号）, or a bare 文号 as written. */
export function bookTitle(doc) {
  const text = (doc || "").trim();
  if (!text || text.startsWith("《") || DOC_NO_ONLY.test(text)) return text;
  const withNo = TITLE_WITH_NO.exec(text);
  return withNo ? `《${withNo[1]}》（${withNo[2]}）` : `《${text}》`;
}

// the chip style of each trust state (presentation only; the words come from the server)
const TRUST_CLASS = { verified: "verified", paraphrase: "plain", unchecked: "memory" };

/** A trust state as the server words it: {label: 已核实 / 要点（转述） / 条款号待核对, note}. */
export function trustOf(state) {
  return TRUST[state] || { label: "", note: "" };
}

/**
 * How a finding's citation is shown before it is resolved against the knowledge base: its trust state
 * comes from its confidence mark (GET /v1/labels: confidence_trust). [实务] is review practice, never
 * cited as a binding rule; an article number from memory reads 条款号待核对.
 */
export function citationLabel(citation) {
  const confidence = citation.confidence || "";
  const state = citation.trust || CONFIDENCE_TRUST[confidence] || "paraphrase";
  const trust = trustOf(state);
  if (confidence.includes("实务")) {
    const doc = citation.doc && !citation.doc.includes("实务") ? `（参考${bookTitle(citation.doc)}）` : "";
    return { text: "审核实务" + doc, note: `${trust.label}：审核实务，不是文件的强制性规定，仅作提示`, kind: "practice", state };
  }
  const text = bookTitle(citation.doc) + (citation.article || "");
  const shown = state === "verified" || !citation.article ? text : `${text}〔${trust.label}〕`;
  return { text: shown, note: trust.label ? `${trust.label}：${trust.note}` : "", kind: TRUST_CLASS[state] || "plain", state };
}

/** A keyboard-reachable chip that opens the clause dialog. */
export function citationChip(label, onOpen, extraClass) {
  return h("button", {
    type: "button",
    class: "chip " + (extraClass || ""),
    onclick: onOpen,
    title: "查看条文原文",
  }, label);
}
