// Chinese labels for the domain's codes, and the citation chip shared by every page.
import { h } from "./dom.js";

export const PERMISSIONS_ZH = {
  submit: "提交绩效目标并查看本单位的预审结果",
  view_all: "查看全部申报项目",
  review: "起草、修改审核意见，审核通过或退回",
  approve: "审批审核意见（通过或退回修改）",
  manage_docs: "上传、删除政策文件",
  manage_users: "管理用户与角色",
};

export const ROLE_ZH = { submitter: "提交单位", reviewer: "审核人员", approver: "审批人", admin: "管理员" };

export const SEVERITY_ZH = { error: "错误", warning: "警告", info: "提示" };
export const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
export const DIMENSIONS = ["完整性", "相关性", "适当性", "可行性"];
export const DIMENSION_HINTS = {
  完整性: "目标内容是否齐全、明确、清晰",
  相关性: "目标与职能、指标与目标是否相关，指标是否细化量化",
  适当性: "资金规模与目标是否匹配",
  可行性: "目标是否经过论证、能否按期实现",
};

export const STATUS_ZH = { pending: "待审", returned: "已退回", approved: "已通过" };
export const GRADES = ["优", "良", "中", "差"];
export const GRADE_CLASS = { 优: "grade-a", 良: "grade-b", 中: "grade-c", 差: "grade-d" };

export const CELL_ZH = {
  level1: "一级指标", level2: "二级指标", name: "三级指标", op: "指标性质", value: "指标值",
  unit: "度量单位", weight: "权重", direction: "指标方向", basis: "设定依据", history: "历史值",
};

export const FIELD_ZH = {
  project: "项目名称", annual_goal: "年度目标", overall_goal: "总体目标", indicators: "绩效指标",
  weights: "权重合计", budget_yuan: "年度资金总额", unit: "实施单位", department: "主管部门",
};

export const ACTION_ZH = { draft: "起草", edit: "修改", approve: "通过", return: "退回修改" };

export function can(me, ...permissions) {
  const held = (me && me.permissions) || [];
  return permissions.some((p) => held.includes(p));
}

/** Where a finding points, in words: 第3行“三级指标”/ 年度目标. */
export function describeLocation(location) {
  if (!location) return "";
  const parts = [];
  if (location.indicator !== null && location.indicator !== undefined) {
    parts.push(`第${Number(location.indicator) + 1}项指标`);
  }
  if (location.cell) parts.push(`“${CELL_ZH[location.cell] || location.cell}”`);
  if (location.field && !parts.length) parts.push(FIELD_ZH[location.field] || location.field);
  return parts.join("");
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

/**
 * How a finding's citation is shown. [实务] is review practice, never cited as a binding rule;
 * [记忆] keeps its confidence mark beside the article number.
 */
export function citationLabel(citation) {
  const confidence = citation.confidence || "";
  if (confidence.includes("实务")) {
    const doc = citation.doc && !citation.doc.includes("实务") ? `（参考${bookTitle(citation.doc)}）` : "";
    return { text: "审核实务" + doc, note: "审核实务，不是文件的强制性规定，仅作提示", kind: "practice" };
  }
  const text = bookTitle(citation.doc) + (citation.article || "");
  if (confidence.includes("记忆")) {
    return { text: text + "〔条款号待核〕", note: "条款号凭记忆整理，尚未对照原文核实", kind: "memory" };
  }
  const note = confidence ? `可信度：${confidence}` : "";
  return { text, note, kind: confidence.includes("✔") ? "verified" : "plain" };
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
