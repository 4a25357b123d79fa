// Thin client for the /v1 API: bearer token, Chinese errors, file downloads and SSE over fetch.

const TOKEN_KEY = "jixiao.token";

const STATUS_MESSAGES = {
  400: "请求内容有误，请检查后重试。",
  401: "登录已失效或令牌无效，请重新登录。",
  403: "当前角色无权执行此操作。",
  404: "未找到请求的内容。",
  413: "文件过大，超过系统允许的上传大小。",
  415: "文件类型不受支持：只接受 .json、.xlsx、.xls、.docx、.pdf 申报文件，或把它们打包成 .zip。",
  422: "提交的数据未通过校验。",
  500: "服务器内部错误，请稍后重试或联系管理员。",
};

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || null;
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token, remember) {
  clearToken();
  (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

function authHeaders(extra) {
  const headers = Object.assign({}, extra || {});
  const token = getToken();
  if (token) headers["Authorization"] = "Bearer " + token;
  return headers;
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? path + (path.includes("?") ? "&" : "?") + qs : path;
}

async function errorFrom(resp) {
  let body = null;
  try {
    body = await resp.json();
  } catch (_) {
    body = null;
  }
  const err = body && body.error ? body.error : null;
  const fallback = STATUS_MESSAGES[resp.status] || `请求失败（HTTP ${resp.status}）。`;
  let message = err && err.message ? err.message : fallback;
  if (!err && body && Array.isArray(body.detail)) {
    message = fallback + body.detail.map((d) => (d.loc || []).join(".") + "：" + d.msg).join("；");
  }
  const apiError = new ApiError(resp.status, err ? err.code : "HTTP_" + resp.status, message, err && err.details);
  if (resp.status === 401) window.dispatchEvent(new CustomEvent("jixiao:unauthorized"));
  return apiError;
}

function networkError(cause) {
  const e = new ApiError(0, "NETWORK", "无法连接到服务器，请检查网络或稍后重试。");
  e.cause = cause;
  return e;
}

/** Call the API; returns parsed JSON (or null for 204). Throws ApiError with a Chinese message. */
export async function api(path, { method = "GET", json, form, query, signal } = {}) {
  const init = { method, headers: authHeaders({ Accept: "application/json" }), signal };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  let resp;
  try {
    resp = await fetch(withQuery(path, query), init);
  } catch (cause) {
    if (cause && cause.name === "AbortError") throw cause;
    throw networkError(cause);
  }
  if (!resp.ok) throw await errorFrom(resp);
  if (resp.status === 204) return null;
  const type = resp.headers.get("Content-Type") || "";
  return type.includes("json") ? resp.json() : resp.text();
}

function filenameFrom(resp, fallback) {
  const disposition = resp.headers.get("Content-Disposition") || "";
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** Download a file with the bearer token and hand it to the browser as a real download. */
export async function downloadFile(path, fallbackName) {
  let resp;
  try {
    resp = await fetch(path, { headers: authHeaders() });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!resp.ok) throw await errorFrom(resp);
  const blob = await resp.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filenameFrom(resp, fallbackName);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return link.download;
}

function parseEventBlock(block) {
  let event = "message";
  const data = [];
  for (const line of block.split(/\r?\n|\r/)) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (!data.length) return null;
  const raw = data.join("\n");
  try {
    return { event, data: JSON.parse(raw) };
  } catch (_) {
    return { event, data: raw };
  }
}

/** POST a JSON body and read the text/event-stream reply; onEvent({event, data}) per event. */
export async function postEventStream(path, body, onEvent, signal) {
  let resp;
  try {
    resp = await fetch(path, {
      method: "POST",
      headers: authHeaders({ "Content-Type": "application/json", Accept: "text/event-stream" }),
      body: JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (cause && cause.name === "AbortError") throw cause;
    throw networkError(cause);
  }
  if (!resp.ok) throw await errorFrom(resp);
  const reader = resp.body.getReader();
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/);
    buffer = done ? "" : blocks.pop();
    for (const block of blocks) {
      const parsed = parseEventBlock(block);
      if (parsed) onEvent(parsed);
    }
    if (done) break;
  }
}
