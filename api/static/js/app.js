// The single-page app: hash routing, the signed-in user, the header. Pages live in ./pages/.
import { api, clearToken, getToken } from "./api.js";
import { initClauseDialog } from "./clause.js";
import { clear, errorBox, h, loading } from "./dom.js";
import { PERMISSIONS_ZH, can, loadLabels } from "./labels.js";
import * as chatPage from "./pages/chat.js";
import * as dashboardPage from "./pages/dashboard.js";
import * as docsPage from "./pages/docs.js";
import * as exantePage from "./pages/exante.js";
import * as homePage from "./pages/home.js";
import * as loginPage from "./pages/login.js";
import * as precheckPage from "./pages/precheck.js";
import * as reviewPage from "./pages/review.js";
import * as standardsPage from "./pages/standards.js";
import * as submissionPage from "./pages/submission.js";
import * as trainingPage from "./pages/training.js";

const state = { me: null, health: null, controller: null };

const ROUTES = {
  home: { page: homePage, title: "工作台" },
  dashboard: { page: dashboardPage, title: "本轮审核总览" },
  chat: { page: chatPage, title: "智能问答" },
  precheck: { page: precheckPage, detail: submissionPage, title: "绩效目标预审" },
  review: { page: precheckPage, detail: reviewPage, title: "审核意见" },
  docs: { page: docsPage, title: "政策文件" },
  training: { page: trainingPage, detail: trainingPage, title: "培训练习" },
  exante: { page: exantePage, detail: exantePage, title: "事前绩效评估" },
  standards: { page: standardsPage, title: "支出标准库" },
};

function parseHash() {
  const hash = location.hash || "";
  if (!hash.startsWith("#/")) return { name: "home", id: null, raw: hash };
  const [name, ...rest] = hash.slice(2).split("?")[0].split("/");
  return { name: name || "home", id: rest.length ? decodeURIComponent(rest.join("/")) : null, raw: hash };
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// What every signed-in page needs is asked for together at load, not one request after another.
const early = {};

function prefetch(path) {
  const pending = api(path);
  pending.catch(() => {});  // awaited (and its error handled) where it is used
  return pending;
}

async function loadHealth() {
  try {
    state.health = await (early.health || api("/v1/health"));
    early.health = null;
  } catch (_) {
    early.health = null;
    state.health = null;
  }
  renderModeTag();
}

function renderModeTag() {
  const tag = document.getElementById("mode-tag");
  if (!tag || !state.health) return;
  const rulesOnly = state.health.mode !== "llm";
  // where text is sent (数据不出域): 未配置大模型（规则模式） / 大模型：127.0.0.1 本机 / 大模型：llm.xx 内网
  const endpoint = state.health.llm_endpoint || {};
  tag.textContent = endpoint.label || (rulesOnly ? "规则模式" : state.health.mode_label || "大模型");
  tag.title = [endpoint.label, state.health.mode_label].filter(Boolean).join("；");
  tag.className = "mode-tag " + (rulesOnly ? "mode-rules" : "mode-llm");
}

function renderUserbox() {
  const box = clear(document.getElementById("userbox"));
  const nav = document.getElementById("nav");
  if (!state.me) {
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  const me = state.me;
  for (const link of nav.querySelectorAll("a[data-permission]")) link.hidden = !can(me, link.dataset.permission);
  const perms = h("details", { class: "perm-menu" },
    h("summary", {}, h("span", { class: "user-name" }, me.display_name || me.username), h("span", { class: "role-tag" }, me.role_zh || me.role)),
    h("div", { class: "perm-pop" },
      h("p", { class: "perm-title" }, "当前角色可以："),
      h("ul", { class: "perm-list" }, (me.permissions || []).map((p) => h("li", {}, PERMISSIONS_ZH[p] || p))),
    ),
  );
  const logout = h("button", { type: "button", class: "btn btn-ghost btn-small", onclick: signOut }, "退出");
  box.append(h("span", { id: "mode-tag", class: "mode-tag" }), perms, logout);
  renderModeTag();
}

export function signOut() {
  clearToken();
  state.me = null;
  renderUserbox();
  navigate("#/login");
}

export async function signedIn(me) {
  state.me = me;
  renderUserbox();
  await loadHealth();
}

function markNav(name) {
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function ensureUser(main) {
  if (state.me) return true;
  if (!getToken()) return false;
  main.appendChild(loading("正在验证登录状态…"));
  try {
    const pending = early.me || api("/v1/me");
    early.me = null;
    await signedIn(await pending);
    return true;
  } catch (err) {
    if (err.status === 401) {
      clearToken();
      return false;
    }
    clear(main).appendChild(errorBox(err));
    throw err;
  }
}

async function route() {
  const main = clear(document.getElementById("main"));
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  const where = parseHash();
  let ok;
  try {
    ok = await ensureUser(main);
  } catch (_) {
    return;
  }
  if (controller.signal.aborted) return;
  clear(main);
  if (!ok || where.name === "login") {
    document.getElementById("nav").hidden = true;  // no way round the login page
    clear(document.getElementById("userbox"));
    markNav("login");
    document.title = "登录 - 绩效目标审核助手";
    await loginPage.render(main, { state, signedIn, navigate });
    return;
  }
  if (document.getElementById("nav").hidden) renderUserbox();  // back from the login page
  // reviewers and approvers start on the round dashboard; others keep the 工作台
  const name = where.name === "home" && can(state.me, "review", "approve") ? "dashboard" : where.name;
  const entry = ROUTES[name] || ROUTES.home;
  const page = where.id && entry.detail ? entry.detail : entry.page;
  markNav(name in ROUTES ? name : "home");
  document.title = `${entry.title} - 绩效目标审核助手`;
  const ctx = { me: state.me, health: state.health, id: where.id, route: name, navigate, signal: controller.signal };
  try {
    await page.render(main, ctx);
  } catch (err) {
    if (err && err.name === "AbortError") return;
    main.appendChild(errorBox(err));
  }
  const heading = main.querySelector("h1");
  const active = document.activeElement;
  if (heading && (active === document.body || (active && active.closest("#nav")))) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

async function init() {
  if (getToken()) {
    early.me = prefetch("/v1/me");
    early.health = prefetch("/v1/health");
  }
  try {
    await loadLabels();
  } catch (err) {
    clear(document.getElementById("main")).appendChild(errorBox(err));
    return;
  }
  initClauseDialog();
  document.getElementById("skip-link").addEventListener("click", () => document.getElementById("main").focus());
  window.addEventListener("hashchange", route);
  window.addEventListener("jixiao:unauthorized", () => {
    if (state.me) {
      clearToken();
      state.me = null;
      state.expired = true;
      renderUserbox();
      navigate("#/login");
    }
  });
  route();
}

init();
