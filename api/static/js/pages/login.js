// 登录: paste an access token (issued by `jixiao users token`), check it with GET /v1/me.
import { api, clearToken, setToken } from "../api.js";
import { append, busy, h } from "../dom.js";

export async function render(main, { state, signedIn, navigate }) {
  const errorSlot = h("div", { class: "form-error", "aria-live": "assertive" });
  const tokenInput = h("input", {
    id: "login-token", name: "token", type: "password", autocomplete: "current-password", required: true,
    spellcheck: "false", "aria-describedby": "login-help",
  });
  const remember = h("input", { id: "login-remember", type: "checkbox" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "登录");
  const form = h("form", { class: "login-form", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: "login-token" }, "访问令牌"),
      tokenInput,
      h("p", { id: "login-help", class: "help" }, "令牌由系统管理员用“jixiao users token 用户名”生成后发给您。"),
    ),
    h("div", { class: "field field-inline" }, remember, h("label", { for: "login-remember" }, "在本机记住登录（公用电脑请勿勾选）")),
    errorSlot,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token) {
      errorSlot.replaceChildren(h("div", { class: "alert alert-error", role: "alert" }, "请输入访问令牌。"));
      tokenInput.focus();
      return;
    }
    await busy(submit, errorSlot, async () => {
      setToken(token, remember.checked);
      try {
        const me = await api("/v1/me");
        state.expired = false;
        await signedIn(me);
        navigate("#/home");
      } catch (err) {
        clearToken();
        if (err.status === 401) err.message = "访问令牌无效或已停用，请核对后重试。";
        throw err;
      }
    });
  });
  append(main,
    h("section", { class: "login-card card", "aria-labelledby": "login-title" },
      h("h1", { id: "login-title" }, "登录绩效目标审核助手"),
      h("p", { class: "muted" }, "供财政部门审核人员、审批人、申报单位和新入职人员使用。"),
      state.expired ? h("div", { class: "alert alert-warning", role: "alert" }, "登录已失效，请重新登录。") : null,
      form,
    ),
  );
  tokenInput.focus();
}
