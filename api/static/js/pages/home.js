// 工作台: who you are, what your role may do, and where to start.
import { api } from "../api.js";
import { append, h } from "../dom.js";
import { PERMISSIONS_ZH, can } from "../labels.js";

function tile(href, title, text) {
  return h("a", { class: "tile", href }, h("span", { class: "tile-title" }, title), h("span", { class: "tile-text" }, text));
}

async function pendingCount(signal) {
  try {
    const result = await api("/v1/submissions", { query: { status: "pending" }, signal });
    return (result.items || []).length;
  } catch (_) {
    return null;
  }
}

export async function render(main, { me, health, signal }) {
  const tiles = [];
  if (can(me, "view_all")) {
    tiles.push(tile("#/dashboard", "本轮审核总览", "本轮各单位项目的等级分布、常见问题、单位排名和整改进展，导出汇总表。"));
  }
  if (can(me, "submit", "view_all", "review", "approve")) {
    tiles.push(tile("#/precheck", "绩效目标预审", can(me, "submit") ? "上传申报表或粘贴 JSON，一秒内得到预审结果和修改建议。" : "查看各单位申报的预审结果、问题定位与条文依据。"));
  }
  tiles.push(tile("#/review", "审核意见", can(me, "review") ? "起草、修改审核意见，退回修改，导出 Word。" : can(me, "approve") ? "审阅审核人员起草的审核意见并审批通过，导出 Word。" : "查看本单位项目的审核意见与处理状态。"));
  tiles.push(tile("#/chat", "智能问答", "就绩效目标的设定与审核规则提问，回答附可核对的条文出处。"));
  tiles.push(tile("#/training", "培训练习", "新入职人员用有缺陷的申报案例练习找问题，提交后按规则评分并讲解漏掉的问题。"));
  tiles.push(tile("#/docs", "政策文件", can(me, "manage_docs") ? "上传、删除政策文件，检索条文。" : "浏览已收录的政策文件并检索条文。"));

  const pending = can(me, "review", "approve") ? await pendingCount(signal) : null;
  append(main,
    h("h1", {}, `您好，${me.display_name || me.username}`),
    h("p", { class: "lead" }, `当前角色：${me.role_zh || me.role}`,
      pending !== null ? h("span", { class: "pending-note" }, `，待审项目 ${pending} 个`) : null),
    h("div", { class: "home-grid" },
      h("section", { class: "card", "aria-labelledby": "perm-title" },
        h("h2", { id: "perm-title" }, "您的权限"),
        h("ul", { class: "check-list" }, (me.permissions || []).map((p) => h("li", {}, PERMISSIONS_ZH[p] || p))),
        health ? h("p", { class: "muted small" }, "运行模式：", health.mode_label || health.mode,
          health.clauses !== undefined ? `；已收录政策文件 ${health.documents} 份、条文 ${health.clauses} 条` : "") : null,
      ),
      h("nav", { class: "tiles", "aria-label": "快捷入口" }, tiles),
    ),
  );
}
