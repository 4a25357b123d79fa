// Loaded before the app's modules: for a signed-in reviewer or approver, the round dashboard's statistics
// and its chart library are asked for while the rest of the page is still loading. No imports on purpose.
(() => {
  const token = sessionStorage.getItem("jixiao.token") || localStorage.getItem("jixiao.token");
  const hash = location.hash || "";
  if (!token || !["", "#", "#/", "#/home", "#/dashboard"].includes(hash)) return;
  if (hash !== "#/dashboard" && localStorage.getItem("jixiao.home") !== "dashboard") return;
  const early = { dashboardUrl: "/v1/dashboard?sort=id&offset=0&limit=50" };
  early.dashboard = fetch(early.dashboardUrl, { headers: { Authorization: "Bearer " + token, Accept: "application/json" } });
  early.dashboard.catch(() => {});
  early.echarts = new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = "/static/vendor/echarts.common.min.js";
    script.onload = () => resolve(window.echarts || null);
    script.onerror = () => resolve(null);
    document.head.appendChild(script);
  });
  window.jixiaoEarly = early;
})();
