// 培训练习: pick a practice case, mark the defects you see (a row or 整体/目标 + a defect code), submit,
// and get scored against the rules, with each missed finding explained by its citation and rewrite.
import { api } from "../api.js";
import { openFindingCitation } from "../clause.js";
import { append, busy, clear, formatTime, formatYuan, h } from "../dom.js";
import { CELL_ZH, DIMENSIONS, citationChip, citationLabel, indicatorPlace } from "../labels.js";

const TABLE_CELLS = ["level1", "level2", "name", "op", "value", "unit", "weight"];
const WHOLE = "whole";  // radio value for 整体/目标
const DIFFICULTY_CLASS = { 入门: "level-1", 中等: "level-2", 较难: "level-3" };

export async function render(main, ctx) {
  return ctx.id ? renderExercise(main, ctx) : renderList(main, ctx);
}

async function renderList(main, { signal }) {
  const [{ items }, progress] = await Promise.all([
    api("/v1/training/cases", { signal }),
    api("/v1/training/progress", { signal }),
  ]);
  const mine = Object.fromEntries((progress.cases || []).map((c) => [c.case_id, c]));
  append(main,
    h("h1", {}, "培训练习"),
    h("p", { class: "lead" }, "每个案例是一张虚构的绩效目标申报表，多数藏有 2–4 处典型缺陷，也有挑不出毛病的。",
      "像审核人员一样逐项审阅并标注问题，提交后按规则评分，漏判的问题会附上依据条文和修改建议。"),
    h("section", { class: "card", "aria-labelledby": "cases-title" },
      h("h2", { id: "cases-title" }, `练习案例（${items.length}）`),
      h("div", { class: "table-wrap" }, h("table", { class: "data-table training-cases" },
        h("thead", {}, h("tr", {}, ["编号", "项目", "领域", "申报单位", "指标数", "难度", "我的最高分", "操作"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, items.map((c) => h("tr", {},
          h("td", {}, c.case_id),
          h("th", { scope: "row" }, c.title),
          h("td", {}, c.sector),
          h("td", {}, c.unit || "—"),
          h("td", { class: "num" }, String(c.indicators)),
          h("td", {}, difficultyTag(c.difficulty)),
          h("td", { class: "num" }, mine[c.case_id] && mine[c.case_id].attempts ? `${mine[c.case_id].best} 分` : "未练习"),
          h("td", {}, h("a", { class: "btn btn-small", href: `#/training/${encodeURIComponent(c.case_id)}`,
            "aria-label": `开始练习：${c.title}` }, "开始练习"))))))),
    ),
    progressCard(progress));
}

// 我的练习进度: the stored attempts, per case and overall, and the defect types most often missed.
function progressCard(progress) {
  const attempted = (progress.cases || []).filter((c) => c.attempts);
  return h("section", { class: "card training-progress", "aria-labelledby": "progress-title" },
    h("h2", { id: "progress-title" }, "我的练习进度"),
    h("p", { class: "progress-comment" }, progress.comment),
    attempted.length ? h("div", { class: "table-wrap" }, h("table", { class: "data-table progress-table" },
      h("thead", {}, h("tr", {}, ["案例", "练习次数", "最高分", "最近得分", "最近练习"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, attempted.map((c) => h("tr", {},
        h("th", { scope: "row" }, `${c.case_id} ${c.title}`),
        h("td", { class: "num" }, String(c.attempts)),
        h("td", { class: "num" }, `${c.best} 分`),
        h("td", { class: "num" }, `${c.latest} 分`),
        h("td", {}, formatTime(c.last_at))))))) : null,
    (progress.weak_codes || []).length ? h("p", { class: "muted small" }, "最近常漏判：",
      progress.weak_codes.map((w) => `${w.name}（${w.missed}处）`).join("、")) : null);
}

function standardsBlock(standards) {
  if (!standards || !standards.length) return null;
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table training-standards" },
    h("caption", {}, "本案适用的支出标准（练习用示例数字，非真实文件）"),
    h("thead", {}, h("tr", {}, ["事项", "关键词", "计量单位", "标准值", "类型", "依据"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, standards.map((s) => h("tr", {},
      h("td", {}, s.item), h("td", {}, (s.keywords || []).join("、") || "—"), h("td", {}, s.unit),
      h("td", { class: "num" }, String(s.value)), h("td", {}, s.kind), h("td", {}, s.basis || "—"))))));
}

function difficultyTag(level) {
  return h("span", { class: "difficulty " + (DIFFICULTY_CLASS[level] || "") }, level || "—");
}

function placeText(indicator, indicators) {
  if (indicator === null || indicator === undefined) return "整体/目标";
  const name = (indicators[indicator] || {}).name;
  return indicatorPlace(indicator) + (name ? `“${name}”` : "");
}

function factsBlock(sub) {
  const fact = (label, value) => h("div", {}, h("dt", {}, label), h("dd", {}, value || "—"));
  return h("dl", { class: "facts" }, fact("实施单位", sub.unit), fact("主管部门", sub.department),
    fact("年度资金", formatYuan(sub.budget_yuan)), fact("实施期", sub.period), fact("项目类型", sub.project_type));
}

function goalsBlock(sub) {
  const goal = (label, text) => (text ? h("div", { class: "goal" }, h("h3", {}, label), h("p", {}, text)) : null);
  return h("div", { class: "goals" }, goal("总体目标", sub.overall_goal),
    goal("年度目标", sub.annual_goal || h("span", { class: "blank" }, "（未填写）")));
}

function codeSelect(choices) {
  const select = h("select", { id: "training-code", "aria-describedby": "training-code-help" },
    h("option", { value: "" }, "请选择问题类型…"),
    DIMENSIONS.map((dim) => h("optgroup", { label: dim },
      choices.filter((c) => c.dimension === dim).map((c) => h("option", { value: c.code }, `${c.name}（${c.code}）`)))));
  return select;
}

async function renderExercise(main, { id, signal }) {
  const exercise = await api(`/v1/training/cases/${encodeURIComponent(id)}`, { signal });
  const sub = exercise.submission || {};
  const indicators = sub.indicators || [];
  const choices = exercise.choices || [];
  const byCode = Object.fromEntries(choices.map((c) => [c.code, c]));
  const state = { place: null, marks: [], scored: false };

  const placeLabel = h("p", { class: "training-place", "aria-live": "polite" });
  const select = codeSelect(choices);
  const help = h("p", { id: "training-code-help", class: "help" }, "选择问题类型后，这里显示它的含义。");
  const markList = h("ol", { class: "mark-list", "aria-label": "我的标注" });
  const markCount = h("span", {}, "（0）");
  const formSlot = h("div", { "aria-live": "polite" });
  const resultSlot = h("div", { id: "training-result" });
  const radios = [];

  const rowRadio = (value, label) => {
    const radio = h("input", { type: "radio", name: "training-place", value, "aria-label": label,
      onchange: () => choosePlace(value === WHOLE ? null : Number(value)) });
    radios.push(radio);
    return radio;
  };
  const wholeRadio = rowRadio(WHOLE, "标注位置：整体/目标");
  const rows = indicators.map((ind, i) => h("tr", { id: `training-row-${i}`, class: "pick-row", onclick: (e) => {
    if (e.target.tagName !== "INPUT") radios[i + 1].click();
  } },
  h("td", { class: "pick" }, rowRadio(String(i), `标注位置：${placeText(i, indicators)}`)),
  h("th", { scope: "row" }, String(i + 1)),
  TABLE_CELLS.map((cell) => {
    const value = ind[cell];
    return h("td", { class: `cell-${cell}` }, value === null || value === undefined || value === "" ? h("span", { class: "blank" }, "（空）") : String(value));
  }),
  h("td", { class: "row-marks" })));

  function choosePlace(place) {
    state.place = place;
    const radio = radios[place === null ? 0 : place + 1];
    if (!radio.checked) radio.checked = true;
    rows.forEach((tr, i) => tr.classList.toggle("picked", i === place));
    wholeBox.classList.toggle("picked", place === null);
    placeLabel.textContent = `当前位置：${placeText(place, indicators)}`;
  }

  function refreshMarks() {
    clear(markList);
    markCount.textContent = `（${state.marks.length}）`;
    if (!state.marks.length) markList.append(h("li", { class: "muted empty-mark" }, "尚未标注。先选位置，再选问题类型。"));
    state.marks.forEach((m, n) => {
      const text = `${placeText(m.indicator, indicators)}：${(byCode[m.code] || {}).name || m.code}`;
      markList.append(h("li", {}, h("span", {}, text), " ", h("code", { class: "finding-code" }, m.code),
        state.scored ? null : h("button", { type: "button", class: "link-button", "aria-label": `删除标注：${text}`,
          onclick: () => { state.marks.splice(n, 1); refreshMarks(); } }, "删除")));
    });
    rows.forEach((tr, i) => {
      const count = state.marks.filter((m) => m.indicator === i).length;
      clear(tr.querySelector(".row-marks")).append(count ? h("span", { class: "mark-badge" }, `已标 ${count}`) : "");
    });
  }

  function addMark() {
    clear(formSlot);
    const code = select.value;
    if (state.place === undefined || (state.place === null && !wholeRadio.checked)) {
      return formSlot.append(h("p", { class: "alert alert-warning", role: "alert" }, "请先在表中选择要标注的指标行，或选择“整体/目标”。"));
    }
    if (!code) return formSlot.append(h("p", { class: "alert alert-warning", role: "alert" }, "请选择问题类型。"));
    if (state.marks.some((m) => m.indicator === state.place && m.code === code)) {
      return formSlot.append(h("p", { class: "alert alert-warning", role: "alert" }, "这一处已标注过该问题类型。"));
    }
    state.marks.push({ indicator: state.place, code });
    refreshMarks();
    select.value = "";
    help.textContent = "已添加。可继续标注其他位置，全部标完后提交答案。";
  }

  select.addEventListener("change", () => {
    const c = byCode[select.value];
    help.textContent = c ? `【${c.dimension}｜${c.severity_zh}】${c.explanation}` : "选择问题类型后，这里显示它的含义。";
  });

  const addButton = h("button", { type: "button", class: "btn", onclick: addMark }, "添加标注");
  const submitButton = h("button", { type: "button", class: "btn btn-primary" }, "提交答案");
  const restart = () => {
    state.marks = []; state.scored = false; clear(resultSlot); clear(formSlot); setLocked(false); refreshMarks();
    document.getElementById("mark-title").scrollIntoView({ block: "start" });
    select.focus({ preventScroll: true });
  };
  const resetButton = h("button", { type: "button", class: "btn btn-ghost", onclick: restart }, "清空重做");

  function setLocked(locked) {
    for (const el of [select, addButton, submitButton, ...radios]) el.disabled = locked;
    rows.forEach((tr) => tr.classList.remove("missed-row"));
  }

  submitButton.addEventListener("click", async () => {
    const score = await busy(submitButton, formSlot, () => api(
      `/v1/training/cases/${encodeURIComponent(exercise.case_id)}/answer`, { method: "POST", json: { marks: state.marks } }));
    if (!score) return;
    state.scored = true;
    refreshMarks();
    setLocked(true);
    for (const f of score.missed_findings) if (f.location && Number.isInteger(f.location.indicator)) rows[f.location.indicator].classList.add("missed-row");
    clear(resultSlot).append(resultView(score, restart));
    const heading = resultSlot.querySelector("h2");
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  });

  const wholeBox = h("label", { class: "whole-pick" }, wholeRadio,
    h("span", {}, h("strong", {}, "整体/目标"), "（项目名称、年度目标、指标结构、权重合计等整张表层面的问题）"));

  append(main,
    h("p", { class: "breadcrumb" }, h("a", { href: "#/training" }, "培训练习"), ` / ${exercise.case_id}`),
    h("h1", {}, `练习 ${exercise.case_id}：${sub.project || exercise.title}`),
    h("p", { class: "lead" }, `${exercise.sector} · 难度 `, difficultyTag(exercise.difficulty), ` · ${exercise.instructions}`),
    h("div", { class: "training-layout" },
      h("section", { class: "card", "aria-labelledby": "case-title" },
        h("h2", { id: "case-title" }, "申报内容"),
        factsBlock(sub), goalsBlock(sub), standardsBlock(exercise.standards), wholeBox,
        h("div", { class: "table-wrap" }, h("table", { class: "data-table indicators training-table" },
          h("caption", {}, `绩效指标（共 ${indicators.length} 项；点击一行选为标注位置）`),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "选择"), h("th", { scope: "col" }, "序号"),
            TABLE_CELLS.map((c) => h("th", { scope: "col" }, CELL_ZH[c])), h("th", { scope: "col" }, "标注"))),
          h("tbody", {}, rows)))),
      h("aside", { class: "card mark-panel", "aria-labelledby": "mark-title" },
        h("h2", { id: "mark-title" }, "标注问题"),
        placeLabel,
        h("div", { class: "field" }, h("label", { for: "training-code" }, "问题类型"), select, help),
        h("div", { class: "actions" }, addButton),
        formSlot,
        h("h3", {}, "我的标注", markCount), markList,
        h("div", { class: "actions" }, submitButton, resetButton))),
    resultSlot,
  );
  placeLabel.textContent = "当前位置：未选择（请点击表中一行，或选择“整体/目标”）";
  state.place = undefined;
  refreshMarks();
}

function percent(x) {
  return `${Math.round((Number(x) || 0) * 100)}%`;
}

function findingCard(f, title) {
  return h("article", { class: `finding sev-${f.severity}` },
    h("header", { class: "finding-head" },
      h("span", { class: `sev-tag sev-${f.severity}` }, f.severity_zh),
      h("span", { class: "finding-no" }, title || f.location_text),
      h("span", {}, `${f.code_name}`), h("code", { class: "finding-code" }, f.code), h("span", { class: "muted small" }, f.dimension)),
    h("p", { class: "finding-message" }, f.message),
    f.suggestion ? h("p", { class: "finding-suggestion" }, h("strong", {}, "修改建议："), f.suggestion) : null,
    (f.citations || []).length ? h("div", { class: "citations" }, h("span", { class: "citations-label" }, "依据："),
      f.citations.map((c) => {
        const label = citationLabel(c);
        return citationChip(label.text, () => openFindingCitation(c), "chip-" + label.kind);
      })) : null);
}

function resultView(score, restart) {
  const level = score.score >= 90 ? "good" : score.score >= 60 ? "fair" : "poor";
  return h("section", { class: "card training-result", "aria-labelledby": "result-title" },
    h("h2", { id: "result-title", tabindex: "-1" }, "评分结果"),
    h("div", { class: "score-block" },
      h("div", { class: `score-badge score-${level}`, "aria-label": `得分 ${score.score} 分` }, String(score.score), h("small", {}, "分")),
      h("div", {},
        h("p", { class: "score-comment" }, score.comment),
        h("p", { class: "muted small" }, `标对 ${score.correct} 处，误判 ${score.incorrect} 处，漏判 ${score.missed} 处；`,
          `准确率 ${percent(score.precision)}，查全率 ${percent(score.recall)}。`,
          `规则预审等级：${score.grade}（${score.grade_consequence}）`),
        score.attempt ? h("p", { class: "muted small attempt-note" }, `已记入练习记录：这是您第 ${score.attempt} 次练习本案。`) : null)),
    h("h3", {}, `我的标注（${score.marks.length}）`),
    score.marks.length ? h("ul", { class: "mark-results" }, score.marks.map((m) => h("li", { class: m.correct ? "ok" : "bad" },
      h("span", { class: "tick", "aria-hidden": "true" }, m.correct ? "✔" : "✘"),
      h("span", { class: "sr-only" }, m.correct ? "正确：" : "错误："),
      h("span", {}, h("strong", {}, `${m.location_text}：${m.code_name}`), " ", h("code", { class: "finding-code" }, m.code),
        h("br"), h("span", { class: "mark-note" }, m.note))))) : h("p", { class: "muted" }, "本次未作任何标注。"),
    h("h3", {}, `漏判的问题（${score.missed_findings.length}）`),
    score.missed_findings.length ? score.missed_findings.map((f) => findingCard(f))
      : h("p", { class: "alert alert-success" }, "没有漏判。"),
    h("div", { class: "actions" }, h("button", { type: "button", class: "btn btn-primary", onclick: restart }, "重新练习本案"),
      h("a", { class: "btn", href: "#/training" }, "换一个案例")));
}
