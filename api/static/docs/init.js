// The API docs page: Swagger UI from this server (no CDN, no inline script), the schema fetched with the
// token the web UI stored at login (the schema is for logged-in users only).
(function () {
  "use strict";
  var TOKEN_KEY = "jixiao.token"; // the same key as js/api.js
  var message = document.getElementById("docs-message");
  var token = sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || "";

  function say(text) {
    message.textContent = text;
  }

  if (!token) {
    say("接口文档仅对已登录用户开放：请先在首页（/）登录，再打开本页。");
    return;
  }
  fetch("/openapi.json", { headers: { Authorization: "Bearer " + token } })
    .then(function (response) {
      if (response.status === 401) throw new Error("令牌无效或已撤销，请回到首页重新登录。");
      if (!response.ok) throw new Error("接口描述读取失败（HTTP " + response.status + "）。");
      return response.json();
    })
    .then(function (spec) {
      // The Swagger UI shipped by swagger-ui-bundle (4.x) reads OpenAPI 3.0 only; FastAPI writes 3.1. The
      // page shows the schema as 3.0 (it renders the same); /openapi.json itself stays 3.1 for machines.
      if (/^3\.1\./.test(spec.openapi || "")) spec.openapi = "3.0.3";
      window.SwaggerUIBundle({
        spec: spec,
        dom_id: "#swagger-ui",
        deepLinking: true,
        requestInterceptor: function (request) {
          request.headers.Authorization = "Bearer " + token;
          return request;
        },
      });
    })
    .catch(function (error) {
      say(error.message || "接口描述读取失败。");
    });
})();
