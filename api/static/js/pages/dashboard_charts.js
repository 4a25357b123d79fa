// The round dashboard's figures: key numbers, the four ECharts charts (ECharts served by this app from
// /static/vendor, installed by scripts/setup.sh) and, when it is missing, the same figures as tables.
import { clear, h } from "../dom.js";

const GRADE_COLOURS = { 优: "#2e6b30", 良: "#1f5fa8", 中: "#b86e00", 差: "#b3261e", 未评级: "#8a949e" };
let echartsLoad = null;

export function wan(value) {
  if (value === null || value === undefined) return "—";
  return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
}

export function percent(share) {
  return `${(Number(share || 0) * 100).toLocaleString("zh-CN", { maximumFractionDigits: 1 })}%`;
}

/** window.echarts from /static/vendor (installed by scripts/setup.sh), or null when it is missing. */
export function loadECharts(charts) {
  if (!charts || !charts.available) return Promise.resolve(null);
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoad && window.jixiaoEarly && window.jixiaoEarly.echarts) echartsLoad = window.jixiaoEarly.echarts;  // js/boot.js
  if (!echartsLoad) {
    echartsLoad = new Promise((resolve) => {
      const script = document.createElement("script");
      script.src = charts.script;
      script.onload = () => resolve(window.echarts || null);
      script.onerror = () => {
        echartsLoad = null;
        resolve(null);
      };
      document.head.appendChild(script);
    });
  }
  return echartsLoad;
}

// ---- key figures and charts ---------------------------------------------------------------------------

function kpi(label, value, note, attrs) {
  return h("div", Object.assign({ class: "kpi" }, attrs || {}),
    h("span", { class: "kpi-label" }, label),
    h("span", { class: "kpi-value" }, value),
    note ? h("span", { class: "kpi-note" }, note) : null);
}

export function kpis(stats) {
  const fairPoor = (stats.by_grade["中"] || 0) + (stats.by_grade["差"] || 0);
  const share = stats.graded ? fairPoor / stats.graded : 0;
  const c = stats.closure || {};
  return h("div", { class: "kpis", role: "list", "aria-label": "本轮关键数字" },
    kpi("项目", String(stats.total), `已预审评级 ${stats.graded} 个`, { role: "listitem", id: "kpi-total" }),
    kpi("中、差等级", `${fairPoor} 个`, `占已评级 ${percent(share)}`, { role: "listitem" }),
    kpi("预算合计（万元）", wan(stats.budget_wan.total), `中差项目 ${wan((stats.budget_wan.by_grade["中"] || 0) + (stats.budget_wan.by_grade["差"] || 0))} 万元`, { role: "listitem" }),
    kpi("处理状态", `待审 ${stats.by_status.pending || 0}`, `已退回 ${stats.by_status.returned || 0}，已通过 ${stats.by_status.approved || 0}`, { role: "listitem" }),
    kpi("审核意见", `已起草 ${stats.total - (stats.by_review.none || 0)}`, `可审批 ${stats.approvable} 个`, { role: "listitem" }),
    kpi("整改闭环", `重新报送 ${c.resubmitted || 0}`, `已整改 ${c.fixed || 0} 处，仍存在 ${c.remaining || 0} 处，新出现 ${c.new || 0} 处`, { role: "listitem" }));
}

function dataTable(caption, head, rows) {
  return h("table", { class: "data-table chart-data" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((v, i) => h(i ? "td" : "th", i ? { class: "num" } : { scope: "row" }, String(v)))))));
}

function chartSpecs(stats) {
  const grades = Object.keys(stats.by_grade);
  const units = stats.units.filter((u) => u.by_grade && Object.values(u.by_grade).some((n) => n)).slice(0, 10);
  const codes = stats.top_codes;
  return [
    {
      id: "chart-grades", title: "预审等级分布", filter: (p) => ({ grade: grades[p.dataIndex] }),
      table: dataTable("预审等级分布（项目数）", ["等级", "项目数"], grades.map((g) => [g, stats.by_grade[g]])),
      option: {
        grid: { left: 48, right: 16, top: 16, bottom: 32 },
        xAxis: { type: "category", data: grades },
        yAxis: { type: "value", minInterval: 1 },
        tooltip: { trigger: "item", formatter: (p) => `${p.name}：${p.value} 个项目` },
        series: [{ type: "bar", barMaxWidth: 48, label: { show: true, position: "top" },
          data: grades.map((g) => ({ value: stats.by_grade[g], itemStyle: { color: GRADE_COLOURS[g] } })) }],
      },
    },
    {
      id: "chart-codes", title: "常见问题（涉及项目数）", filter: (p) => ({ code: codes[codes.length - 1 - p.dataIndex].code }),
      table: dataTable("常见问题", ["问题", "涉及项目数", "占已评级"], codes.map((c) => [c.phrase, c.projects, percent(c.share)])),
      option: {
        grid: { left: 150, right: 40, top: 8, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: codes.map((c) => c.phrase).reverse(), axisLabel: { width: 140, overflow: "truncate" } },
        tooltip: { trigger: "item", formatter: (p) => `${p.name}：${p.value} 个项目` },
        series: [{ type: "bar", barMaxWidth: 18, itemStyle: { color: "#1f5fa8" }, label: { show: true, position: "right" },
          data: codes.map((c) => c.projects).reverse() }],
      },
    },
    {
      id: "chart-units", title: "各单位中、差等级占比（前10）", filter: (p) => ({ unit: units[units.length - 1 - p.dataIndex].unit }),
      table: dataTable("各单位中、差等级占比", ["单位", "已评级", "中、差", "占比", "预算（万元）"],
        units.map((u) => [u.unit, Object.values(u.by_grade).reduce((a, b) => a + b, 0), u.fair_poor, percent(u.fair_poor_share), wan(u.budget_wan)])),
      option: {
        grid: { left: 170, right: 48, top: 8, bottom: 24 },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: units.map((u) => u.unit).reverse(), axisLabel: { width: 160, overflow: "truncate" } },
        tooltip: { trigger: "item", formatter: (p) => { const u = units[units.length - 1 - p.dataIndex]; return `${u.unit}：中、差 ${u.fair_poor} 个，占 ${percent(u.fair_poor_share)}`; } },
        series: [{ type: "bar", barMaxWidth: 18, itemStyle: { color: "#b86e00" }, label: { show: true, position: "right", formatter: "{c}%" },
          data: units.map((u) => Math.round(u.fair_poor_share * 1000) / 10).reverse() }],
      },
    },
    {
      id: "chart-budget", title: "各等级项目预算（万元）", filter: (p) => ({ grade: p.name }),
      table: dataTable("各等级项目预算（万元）", ["等级", "预算（万元）"], grades.map((g) => [g, wan(stats.budget_wan.by_grade[g])])),
      option: {
        tooltip: { trigger: "item", formatter: (p) => `${p.name}：${wan(p.value)} 万元（${p.percent}%）` },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["38%", "68%"], center: ["50%", "45%"], label: { formatter: "{b}\n{d}%" },
          data: grades.filter((g) => stats.budget_wan.by_grade[g] > 0).map((g) => ({ name: g, value: stats.budget_wan.by_grade[g], itemStyle: { color: GRADE_COLOURS[g] } })) }],
      },
    },
  ];
}

export const ECHARTS_SCRIPT = { available: true, script: "/static/vendor/echarts.common.min.js" };

export async function renderCharts(slot, stats, charts, signal, onPick) {
  const specs = chartSpecs(stats);
  const echarts = stats.total && charts && charts.available ? await loadECharts(charts) : null;
  if (signal.aborted) return;
  clear(slot);
  if (!stats.total) {
    slot.append(h("p", { class: "empty" }, "本轮还没有申报项目。请先上传各单位报送的文件。"));
    return;
  }
  if (!echarts) {
    slot.append(h("p", { class: "note chart-missing", role: "note" },
      "图表组件（ECharts）未安装，以下以表格显示统计结果。管理员运行 scripts/setup.sh 即可安装（从 npm 获取，无需外网 CDN）。"));
  }
  const instances = [];
  const grid = h("div", { class: "chart-grid" });
  for (const spec of specs) {
    const box = h("div", { class: "chart", id: spec.id, role: "img", "aria-label": spec.title });
    const card = h("figure", { class: "chart-card" }, h("figcaption", {}, spec.title),
      echarts ? [box, h("details", { class: "chart-table" }, h("summary", {}, "查看数据表"), spec.table)] : spec.table);
    grid.append(card);
    if (echarts) instances.push([box, spec]);
  }
  slot.append(grid);
  performance.mark("dashboard:echarts-ready");
  for (const [box, spec] of instances) {
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, textStyle: { fontFamily: "Microsoft YaHei, Noto Sans CJK SC, sans-serif" } }, spec.option));
    chart.on("click", (p) => onPick(spec.filter(p)));
    box.dataset.rendered = "true";
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    signal.addEventListener("abort", () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    });
  }
}
