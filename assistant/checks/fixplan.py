"""The fixes of one submission made to agree, applied, and put into words.

`plan_fixes` takes every finding's draft (fixes.py) and settles what no single rule can:

- a row is either deleted or rewritten, never both: the findings on one row share that row's one fix (the
  first code of remedies.yaml `priority` wins, partial edits of different cells are merged);
- rows that need an effect are given distinct effects of this project, chosen from its own content;
- two rows are never rewritten into the same target; a weighted benefit row whose weight no untouched
  benefit row can take is rewritten, not deleted;
- weight is conserved: a deleted row's weight feeds the rows other findings add, the rest goes to a row no
  finding touches; rows added in a weighted table take weight from untouched rows; every weight move states
  the row's final weight;
- the goal, the weights and a budget-matched standard are drafted on the table as it will be once the
  other fixes are applied;
- with a `recheck` (the rules without fixes), the fixes are applied together and checked again: a fix that
  leaves its finding, or puts a new error on the row it wrote, is dropped and the rest agreed again.

`apply_fixes` applies DESIGN.md §7 fixes to a canonical submission; `describe` gives the words a catalog
`fix_*` suggestion template needs, all read off the fix itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from assistant.checks.context import RowView, SubmissionContext, build_context
from assistant.checks.fixes import (
    PLACEHOLDER,
    ROW_FIELDS,
    TARGET_FIELDS,
    Draft,
    delete,
    effect,
    effect_candidates,
    effect_fits,
    fill_effect,
    level_cells,
    name_taken,
    remedies,
    rewrite,
    set_field,
    sub_fits,
    target_text,
    title_core,
    todo,
)
from assistant.checks.units import fmt_number, fmt_yuan, quantity_unit
from assistant.models import Fix, Indicator, Submission
from core.normalize import normalize_level1

Recheck = Callable[[Submission], list[tuple[str, str, int | None, str | None]]]
"""The rules run on a submission: (code, severity, indicator, field) of each finding."""
PlanHit = tuple[str, int | None, str | None, Draft | None]
"""What the planner needs of a finding: (code, indicator, field, the rule's draft)."""

_BASELINE = {"产出": 50.0, "效益": 30.0, "满意度": 10.0, "成本": 0.0}


def _t(key: str, **params: object) -> str:
    return remedies().text(key, **params)


# ------------------------------------------------------------------------------------------ planning
def plan_fixes(
    ctx: SubmissionContext, hits: list[PlanHit], recheck: Recheck | None = None
) -> list[Draft | None]:
    """The agreed fix of every hit, in the hits' order."""
    if not any(h[3] is not None for h in hits):
        return [None] * len(hits)
    rank = {code: n for n, code in enumerate(remedies().priority)}
    order = sorted(range(len(hits)), key=lambda n: (rank.get(hits[n][0], len(rank)), n))
    ranked = [hits[n] for n in order]
    drafts = [h[3] for h in ranked]
    final = _agree(ctx, ranked, drafts)
    for _ in range(3 if recheck is not None else 0):
        failed = _failures(ctx, ranked, final, recheck)  # type: ignore[arg-type]
        if not failed:
            break
        drafts = [None if n in failed else d for n, d in enumerate(drafts)]
        final = _agree(ctx, ranked, drafts)
    out: list[Draft | None] = [None] * len(hits)
    for k, n in enumerate(order):
        out[n] = final[k]
    return out


def _agree(ctx: SubmissionContext, hits: list[PlanHit], drafts: list[Draft | None]) -> list[Draft | None]:
    by_row: dict[int, list[Draft]] = {}
    for d in drafts:
        if (
            d is not None
            and d.action in ("replace_row", "delete_row")
            and d.indicator is not None
            and d.need != "weights"
        ):
            by_row.setdefault(d.indicator, []).append(d)
    merged = {i: _merge(ds) for i, ds in by_row.items()}
    flagged = {h[1] for h in hits if h[1] is not None}
    _keep_benefit_weight(ctx, merged, flagged)
    _allocate_effects(ctx, merged)
    _no_twin_rewrites(ctx, merged)
    _match_budget(ctx, merged)
    _bare_names(ctx, merged)
    out: list[Draft | None] = []
    for d in drafts:
        if (
            d is not None
            and d.action in ("replace_row", "delete_row")
            and d.indicator is not None
            and d.need != "weights"
        ):
            out.append(merged[d.indicator])
        else:
            out.append(d)
    out = _dedupe_adds(out, merged)
    ledger: dict[int, float] = {}  # the weight each original row gains (+) or gives (−) across all fixes
    freed = {i: float(ctx.rows[i].ind.weight or 0) for i, d in merged.items() if d.action == "delete_row"}
    weights_flagged = any(d is not None and d.need == "weights" for d in out)
    out = _weigh_adds(ctx, out, merged, flagged, weights_flagged, ledger, freed)
    for i, d in list(merged.items()):
        if d.action == "delete_row" and ctx.rows[i].ind.weight:
            fed = float(ctx.rows[i].ind.weight or 0) - freed.get(i, 0.0)
            if fed > 0:
                d = d.with_(data={**d.data, "feeds_adds": fed})
            merged[i] = _move_weight(ctx, d, merged, flagged, ledger, freed.get(i, 0.0))
    out = [
        merged[d.indicator] if d is not None and d.action == "delete_row" and d.indicator in merged else d
        for d in out
    ]
    out = _settle_weights(ctx, out, merged, ledger)
    return _weights_and_goal(ctx, hits, out)


def _merge(drafts: list[Draft]) -> Draft:
    """Several edits of one row: a delete wins, then the first full rewrite, else the edits merged."""
    deletes = [d for d in drafts if d.action == "delete_row"]
    if deletes:
        return deletes[0]
    fulls = [d for d in drafts if d.full]
    if fulls:
        return fulls[0]
    row: dict[str, Any] = {}
    for d in reversed(drafts):  # the first draft (highest priority) wins a conflict
        row.update(d.row)
    notes: list[str] = []
    for d in drafts:
        if d.note and d.note not in notes:
            notes.append(d.note)
    return drafts[0].with_(row=row, note="；".join(notes))


def _keep_benefit_weight(ctx: SubmissionContext, merged: dict[int, Draft], flagged: set[int]) -> None:
    """A weighted benefit row that would go while no untouched benefit row can take its weight is rewritten
    into an effect instead: the 效益 share of the weights stays where it is."""
    for i, d in list(merged.items()):
        row = ctx.rows[i]
        if d.action != "delete_row" or not row.ind.weight or row.level1 != "效益":
            continue
        if not any(
            r.level1 == "效益" and r.idx not in flagged and r.ind.weight is not None for r in ctx.rows
        ):
            merged[i] = effect(row)


def _allocate_effects(ctx: SubmissionContext, merged: dict[int, Draft]) -> None:
    rows = [ctx.rows[i] for i in sorted(merged) if merged[i].need == "effect"]
    if not rows:
        return
    taken = {r.name_core for r in ctx.rows if r.idx not in merged or not merged[r.idx].full}
    taken |= {d.row.get("name", "") for d in merged.values() if d.full and d.need is None}
    for i, fields in allocate_effects(ctx, rows, taken).items():
        if merged[i].data.get("or_delete") and PLACEHOLDER.search(str(fields.get("value", ""))):
            # a benefit row restating an output, with no effect of this project to put in its place: it goes
            merged[i] = delete(ctx.rows[i], keep=merged[i].keep, note=_t("note_restated"))
            continue
        merged[i] = rewrite(ctx.rows[i], note=fields.get("basis", ""), **fields)


def allocate_effects(
    ctx: SubmissionContext, rows: list[RowView], taken: set[str]
) -> dict[int, dict[str, Any]]:
    """Distinct effects for the rows that need one: the project's main kind first, then the row's own
    category and words; an effect already in the table is never written twice."""
    candidates = effect_candidates(ctx)
    used: set[str] = set()
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        sub = row.sub if row.sub in ("社会效益", "经济效益", "生态效益", "可持续影响") else None
        best: dict[str, str] | None = None
        best_score = -1.0
        for n, e in enumerate(candidates):
            filled = fill_effect(e, ctx)
            if not effect_fits(e, ctx, sub) or filled["name"] in used or name_taken(filled["name"], taken):
                continue
            score = 2.0 if sub and e.sub == sub else 0.0
            if e.words is not None and e.words.search(row.name):
                score += 3
            elif e.words is not None and e.words.search(row.value):
                score += 1
            if PLACEHOLDER.search(filled["value"]):
                score -= 3
            if e.kind == candidates[0].kind:
                score += 3
            score -= 0.01 * n
            if score > best_score:
                best, best_score = filled, score
        fields: dict[str, Any]
        if best is None:
            fb = fill_effect(remedies().fallback, ctx)
            fields = {k: fb[k] for k in TARGET_FIELDS} | {"basis": fb["basis"]}
        else:
            used.add(best["name"])
            fields = {k: best[k] for k in TARGET_FIELDS} | {"basis": best["basis"]}
            broad = ("社会效益", "可持续影响")
            own_fits = (
                sub is not None
                and sub_fits(ctx, sub)
                and (best["sub"] == sub or (sub in broad and best["sub"] in broad))
            )
            if not own_fits:  # the row's category is wrong for this project, or for the effect it becomes
                level2 = level_cells(ctx, "效益", best["sub"]).get("level2")
                if level2 is not None and (row.ind.level2 or "") != level2:
                    fields["level2"] = level2
        out[row.idx] = fields
    return out


def _no_twin_rewrites(ctx: SubmissionContext, merged: dict[int, Draft]) -> None:
    """Two rows rewritten into the same target: the later one goes (its weight follows the first)."""
    seen: dict[str, int] = {}
    for i in sorted(merged):
        d = merged[i]
        name = d.row.get("name") if d.full and d.action == "replace_row" else None
        if not name:
            continue
        if name in seen:
            merged[i] = delete(ctx.rows[i], keep=seen[name], note=_t("note_twin", n=seen[name] + 1))
        else:
            seen[name] = i


def _match_budget(ctx: SubmissionContext, merged: dict[int, Draft]) -> None:
    """Quantity × standard = budget, counting the quantity another fix writes (上年实际12次, not 8)."""
    for i, d in list(merged.items()):
        if d.need != "per_budget":
            continue
        cost, data = ctx.rows[i], d.data
        qty_row = ctx.rows[data["qty"]]
        qty_fix = merged.get(qty_row.idx)
        count = data["count"]
        edited = False
        if qty_fix is not None and qty_fix.action == "replace_row" and "value" in qty_fix.row:
            try:
                count, edited = float(qty_fix.row["value"]) * data["qty_scale"], True
            except (TypeError, ValueError):
                edited = False
        scale = cost.per_unit.scale if cost.per_unit else 1.0
        standard = ((ctx.budget or 0) - data["others"]) / (count * data["factor"]) / scale
        note = _t(
            "note_mismatch",
            budget=fmt_yuan(ctx.budget or 0),
            qty=qty_row.name_core,
            count=fmt_number(data["count"]),
            unit={"人数": "人"}.get(_head(qty_row), _head(qty_row)),
            factor=data["factor_text"],
        )
        if edited:
            note += _t("note_mismatch_qty", n=qty_row.idx + 1, count=fmt_number(count))
        row = {"op": cost.ind.op or "≤", "value": fmt_number(round(standard, 2)), "unit": cost.ind.unit}
        merged[i] = d.with_(row=row, need=None, note=note)


def _bare_names(ctx: SubmissionContext, merged: dict[int, Draft]) -> None:
    """A rewritten row's name loses the template's numbering (指标1工程完工率 -> 工程完工率) when no other
    row then has that name."""
    numbered = remedies().pattern("template_number")
    bare_of = {r.idx: numbered.sub("", r.ind.name or "") for r in ctx.rows}
    for i, d in list(merged.items()):
        if d.action != "replace_row" or d.need is not None or set(d.row) <= {"weight"}:
            continue
        name = str(d.row.get("name") or ctx.rows[i].ind.name or "")
        bare = numbered.sub("", name)
        if bare != name and not any(b == bare for j, b in bare_of.items() if j != i):
            merged[i] = d.with_(row={**d.row, "name": bare})


def _head(row: RowView) -> str:
    tokens = quantity_unit(row.unit)[1]
    return tokens[0] if tokens else row.unit


def _dedupe_adds(out: list[Draft | None], merged: Mapping[int, Draft]) -> list[Draft | None]:
    """An added row another fix already writes (or another finding adds) is that fix, not a second row."""
    written = {
        d.row.get("name"): d for d in merged.values() if d.action == "replace_row" and d.row.get("name")
    }
    seen: dict[str, Draft] = {}
    result: list[Draft | None] = []
    for d in out:
        if d is not None and d.action == "add_row":
            key = d.row.get("name", "")
            if key in written:
                result.append(written[key])
                continue
            if key in seen:
                result.append(seen[key])
                continue
            seen[key] = d
        result.append(d)
    return result


def _weigh_adds(
    ctx: SubmissionContext,
    out: list[Draft | None],
    merged: Mapping[int, Draft],
    flagged: set[int],
    weights_flagged: bool,
    ledger: dict[int, float],
    freed: dict[int, float],
) -> list[Draft | None]:
    """Added rows get weight (10 for 满意度/效益, 5 otherwise): from deleted rows first, then from the
    largest untouched rows (not when the weights are flagged anyway: that fix balances them)."""
    weighted = any(r.ind.weight is not None for r in ctx.rows)
    done: dict[int, Draft] = {}
    result: list[Draft | None] = []
    for d in out:
        if d is None or d.need != "weigh":
            result.append(d)
            continue
        if id(d) not in done:
            if not weighted:
                done[id(d)] = d.with_(need=None)
            else:
                rows = [d, *[a for a in d.companions if a.action == "add_row"]]
                added: list[Draft] = []
                donors: list[int] = []
                for a in rows:
                    level = normalize_level1(a.row.get("level1")) if a.row.get("level1") else None
                    w = 10.0 if level in ("满意度", "效益") else 5.0
                    sources = []
                    need = w
                    for i in sorted(freed):
                        take = min(freed[i], need)
                        if take > 0:
                            freed[i] -= take
                            need -= take
                            sources.append(i)
                    while need > 0 and not weights_flagged:
                        step = (
                            need
                            if _donor(ctx, merged, flagged, ledger, need, level) is not None
                            else min(5.0, need)
                        )
                        donor = _donor(ctx, merged, flagged, ledger, step, level)
                        if donor is None:
                            break
                        ledger[donor] = ledger.get(donor, 0.0) - step
                        need -= step
                        if donor not in donors:
                            donors.append(donor)
                    data = {"weight_from": tuple(sources)} if sources else {}
                    added.append(a.with_(row={**a.row, "weight": _whole(w)}, also=None, need=None, data=data))
                moves = [
                    Draft.model_construct(action="replace_row", indicator=i, row={"weight": 0})
                    for i in donors
                ]
                companions: list[Fix] = [*added[1:], *moves]
                done[id(d)] = added[0].with_(also=companions or None)
        result.append(done[id(d)])
    return result


def _donor(
    ctx: SubmissionContext,
    merged: Mapping[int, Draft],
    flagged: set[int],
    ledger: Mapping[int, float],
    w: float,
    level: str | None,
) -> int | None:
    """The untouched row (same first level first) with the most weight that can give `w` and keep 5."""

    def left(r: RowView) -> float:
        return (r.ind.weight or 0) + ledger.get(r.idx, 0.0)

    alive = [r for r in ctx.rows if not (r.idx in merged and merged[r.idx].action == "delete_row")]
    for pool in ([r for r in alive if r.idx not in flagged], [r for r in alive if r.idx in merged]):
        pool = [r for r in pool if r.ind.weight is not None and left(r) - w >= 5]
        if pool:
            same = [r for r in pool if r.level1 == level]
            return max(same or pool, key=lambda r: (left(r), -r.idx)).idx
    return None


def _move_weight(
    ctx: SubmissionContext,
    d: Draft,
    merged: Mapping[int, Draft],
    flagged: set[int],
    ledger: dict[int, float],
    w: float,
) -> Draft:
    """What added rows did not take of a deleted row's weight goes to a row no finding touches (same first
    level first; else a rewritten row of the same level)."""
    row = ctx.rows[d.indicator or 0]
    if w <= 0:
        return d
    alive = [r for r in ctx.rows if not (r.idx in merged and merged[r.idx].action == "delete_row")]
    untouched = [r for r in alive if r.idx not in flagged and r.ind.weight is not None]
    rewritten = [r for r in alive if r.idx in merged and r.ind.weight is not None and r.level1 == row.level1]

    def pick(pool: list[RowView]) -> RowView | None:
        if d.keep is not None and any(r.idx == d.keep for r in pool):
            return ctx.rows[d.keep]
        same = [r for r in pool if r.level1 == row.level1]
        return (same or pool)[0] if (same or pool) else None

    target = pick(untouched) or pick(rewritten)
    if target is None:
        return d
    ledger[target.idx] = ledger.get(target.idx, 0.0) + w
    move = Draft.model_construct(action="replace_row", indicator=target.idx, row={"weight": 0})
    return d.with_(keep=target.idx, also=[move], data={**d.data, "moved": w})


def _settle_weights(
    ctx: SubmissionContext, out: list[Draft | None], merged: Mapping[int, Draft], ledger: Mapping[int, float]
) -> list[Draft | None]:
    """Every weight move states the row's final weight: fixes moving weight into or out of a row agree."""

    def settle(d: Draft) -> Draft:
        if not d.companions:
            return d
        also: list[Fix] = []
        for a in d.companions:
            i = a.indicator
            if a.action == "replace_row" and set(a.row) == {"weight"} and i is not None and i in ledger:
                current = (
                    merged[i].row.get("weight") if i in merged and merged[i].action == "replace_row" else None
                )
                base = float(current) if current is not None else float(ctx.rows[i].ind.weight or 0)
                a = a.with_(row={"weight": _whole(base + ledger[i])})
            also.append(a)
        return d.with_(also=also)

    cache: dict[int, Draft] = {}
    result: list[Draft | None] = []
    for d in out:
        if d is not None and id(d) not in cache:
            cache[id(d)] = settle(d)
        result.append(cache[id(d)] if d is not None else None)
    return result


def _whole(w: float) -> float | int:
    return int(w) if float(w).is_integer() else round(w, 2)


# ------------------------------------------------------------------------------- weights and the goal
def _weights_and_goal(
    ctx: SubmissionContext, hits: list[PlanHit], out: list[Draft | None]
) -> list[Draft | None]:
    if not any(d is not None and d.need in ("weights", "goal") for d in out):
        return out
    others = [d for d in out if d is not None and d.need is None]
    after = apply_to_submission(ctx.sub, [d.public() for d in _unique(others)])
    fixed_rows = {
        d.indicator
        for d in out
        if d is not None and d.action == "replace_row" and not PLACEHOLDER.search(str(d.row))
    }
    unfit = {h[1] for h in hits if h[1] is not None and h[1] not in fixed_rows}
    deleted = {d.indicator for d in out if d is not None and d.action == "delete_row"}
    kept = [i for i in range(len(ctx.rows)) if i not in deleted]
    unfit_after = {pos for pos, i in enumerate(kept) if i in unfit}
    result: list[Draft | None] = []
    for d in out:
        if d is not None and d.need == "weights":
            fix = _weights_fix(ctx, after, out, kept, float(d.data.get("rows_total", 100)))
            if fix is None:  # the rows other findings add already make the total 100
                fix = next(
                    (a for a in out if a is not None and a.action == "add_row" and a.row.get("weight")), None
                )
            result.append(fix)
        elif d is not None and d.need == "goal":
            result.append(_goal_fix(ctx, after, unfit_after))
        else:
            result.append(d)
    return result


def _unique(drafts: Iterable[Draft]) -> list[Draft]:
    seen: set[int] = set()
    out = []
    for d in drafts:
        if id(d) not in seen:
            seen.add(id(d))
            out.append(d)
    return out


def _weights_fix(
    ctx: SubmissionContext,
    after: Submission,
    out: list[Draft | None],
    kept: list[int],
    goal: float = 100,
) -> Draft | None:
    """The weights of the fixed table summing to 100: missing weights share the rest; a small gap is closed
    on one untouched row of the category furthest from 产出50/效益30/满意度10; a large one by scaling all."""
    inds = after.indicators
    weights = [i.weight for i in inds]
    total = sum(w for w in weights if w is not None)
    missing = [p for p, w in enumerate(weights) if w is None and p < len(kept)]
    if missing:
        share = (goal - total) / len(missing)
        if share <= 0:
            return None
        moves = [
            Draft.model_construct(
                action="replace_row", indicator=kept[p], row={"weight": _whole(round(share, 2))}
            )
            for p in missing
        ]
        note = _t("note_weights_fill", n=len(missing))
        return moves[0].with_(also=list(moves[1:]) or None, note=note, data={"fill": True})
    diff = goal - total
    if abs(diff) < 0.5:
        return None
    if abs(diff) > 10 or goal != 100:
        return _scaled_weights(weights, kept, total, goal)
    touched = {d.indicator for d in out if d is not None and d.indicator is not None}
    touched |= {a.indicator for d in out if d is not None for a in d.companions if a.indicator is not None}
    by_level: dict[str, float] = {}
    for ind in inds:
        key = ind.level1_norm or "其他"
        by_level[key] = by_level.get(key, 0.0) + (ind.weight or 0)

    def gap(p: int) -> float:
        key = inds[p].level1_norm or "其他"
        return _BASELINE.get(key, 0.0) - by_level.get(key, 0.0)

    pool = [p for p in range(len(kept)) if kept[p] not in touched and weights[p]] or [
        p for p in range(len(kept)) if weights[p]
    ]
    pool = [p for p in pool if (weights[p] or 0) + diff > 0]
    if not pool:
        return None
    best = max(pool, key=lambda p: (gap(p) if diff > 0 else -gap(p), weights[p] or 0))
    return Draft.model_construct(
        action="replace_row", indicator=kept[best], row={"weight": _whole((weights[best] or 0) + diff)}
    )


def _scaled_weights(
    weights: list[float | None], kept: list[int], total: float, goal: float = 100
) -> Draft | None:
    """Far from the goal: every row keeps its share (×goal/total), whole points, summing to the goal."""
    rows = [(p, w) for p, w in enumerate(weights) if w and p < len(kept)]
    if not rows or total <= 0:
        return None
    exact = {p: w * goal / total for p, w in rows}
    whole = {p: int(x) for p, x in exact.items()}
    added = sum(w for p, w in enumerate(weights) if w and p >= len(kept))
    rest = int(round(goal - sum(whole.values()) - added))
    for p in sorted(exact, key=lambda q: -(exact[q] - int(exact[q])))[: max(rest, 0)]:
        whole[p] += 1
    moves = [
        Draft.model_construct(action="replace_row", indicator=kept[p], row={"weight": whole[p]})
        for p, w in rows
        if whole[p] != w
    ]
    if not moves:
        return None
    note = _t("note_weights_scaled", total=fmt_number(total), goal=fmt_number(goal))
    return moves[0].with_(also=list(moves[1:]) or None, note=note, data={"scaled": True, "goal": goal})


def _goal_fix(ctx: SubmissionContext, after: Submission, unfit: set[int]) -> Draft:
    """The annual goal written from the fixed table's own sound targets: up to two quantities, then one
    quality, one time and one unit-cost target."""
    year = f"{ctx.sub.year}年" if ctx.sub.year else _t("goal_year_none")
    fixed = build_context(after)
    spec = remedies().pattern("spec")
    parts: list[str] = []
    for want, limit in (("数量", 2), ("质量", 1), ("时效", 1), ("成本", 1)):
        taken = 0
        for row in fixed.rows:
            if row.idx in unfit or taken >= limit or spec.search(row.name_core):
                continue
            sub = "成本" if row.is_cost else ("时效" if row.is_time else row.sub)
            if sub is None and row.level1 is None and row.value_num and row.unit and not row.is_percent:
                sub = "数量" if row.money is None and row.per_unit is None else None
            if sub != want or (sub == "成本" and row.per_unit is None):
                continue
            text = _goal_clause(row)
            if text and not PLACEHOLDER.search(text) and text not in parts:
                parts.append(text)
                taken += 1
    title = title_core(ctx)
    if not parts:
        value = _t(
            "goal_template",
            year=year,
            title=title,
            output=todo(_t("todo_goal_output")),
            deadline=todo(_t("todo_goal_deadline")),
            quality=todo(_t("todo_goal_quality")),
        )
        return set_field("annual_goal", value, note=_t("note_goal_template"))
    value = _t("goal_draft", year=year, title=title, clauses="，".join(parts))
    return set_field("annual_goal", value, note=_t("note_goal_draft"))


def _goal_clause(row: RowView) -> str | None:
    """One target as a goal clause: 安装坡面水标尺不少于266米, 视频监控在线率不低于97%."""
    rem = remedies()
    name, value, unit, op = row.name_core, row.value, row.unit, row.op or ""
    if row.is_time:
        m = rem.pattern("date_in_text").search(value)
        if m:
            date = _t("date", y=m.group(1), m=int(m.group(2)), d=int(m.group(3)))
            return _t("clause_date_by", name=name, date=date) if op in ("≤", "<") else f"{name}{date}"
        if row.value_num is not None and unit:
            return (
                _t("clause_limit", name=name, value=value, unit=unit)
                if op in ("≤", "<")
                else f"{name}{value}{unit}"
            )
        if row.op == "定性" and re.search(r"\d", value) and not rem.pattern("vague_year").match(value):
            return _t("clause_schedule", name=name, value=value)
        return None
    if row.value_num is None and row.sub == "数量" and re.search(r"\d", value) and len(value) >= 4:
        return value  # 至少全年完成2次宣传
    if row.value_num is None or not unit:
        return None
    if unit == "比例" and row.value_num <= 1:
        value, unit = fmt_number(row.value_num * 100), "%"
    if re.search(r"\d", name) and not (row.is_percent or unit == "%"):
        return name  # 完成全市375万平方米的绿地养护: the name states the target
    name = rem.pattern("clause_strip_lead").sub("", name) or name
    if row.is_percent or unit == "%":
        words = rem.table("clause_rate_words")
        return _t("clause_rate", name=name, word=words.get(op, _t("clause_rate_default")), value=value)
    if row.is_cost or "/" in unit:
        return (
            _t("clause_cost_cap", name=name, value=value, unit=unit)
            if op in ("≤", "<")
            else f"{name}{value}{unit}"
        )
    if row.value_num == 0:
        return _t("clause_zero", name=name, unit=unit)
    head = rem.pattern("quantity_tail").sub("", name) or name
    key = "clause_at_least" if op in ("≥", ">") else "clause_is"
    return _t(key, head=head, value=value, unit=unit)


# ------------------------------------------------------------------------------------- verification
def _failures(
    ctx: SubmissionContext, hits: list[PlanHit], drafts: list[Draft | None], recheck: Recheck
) -> set[int]:
    """Hits whose fix, applied with all the others, leaves its finding or an error on the row it wrote."""
    fixes = [_verifiable(d.public()) for d in _unique(d for d in drafts if d is not None)]
    if not fixes:
        return set()
    found = recheck(apply_to_submission(ctx.sub, fixes))
    deleted = sorted(
        {
            d.indicator
            for d in drafts
            if d is not None and d.action == "delete_row" and d.indicator is not None
        }
    )
    adds: list[str] = []
    for d in drafts:
        if d is not None and d.action == "add_row" and _add_key(d.row) not in adds:
            adds.append(_add_key(d.row))
    base = len(ctx.rows) - len(deleted)
    failed: set[int] = set()
    for n, (code, _idx, _field, _draft) in enumerate(hits):
        d = drafts[n]
        if d is None or d.action == "delete_row":
            continue
        if d.action == "replace_row" and d.indicator is not None:
            where: tuple[str, object] = ("row", d.indicator - sum(1 for x in deleted if x < d.indicator))
        elif d.action == "add_row":
            where = ("row", base + adds.index(_add_key(d.row)))
        else:
            where = ("field", d.field)
        for f_code, severity, f_idx, f_field in found:
            at = f_idx == where[1] if where[0] == "row" else f_field == where[1]
            if at and (f_code == code or severity == "error"):
                failed.add(n)
                break
    return failed


def _add_key(row: Mapping[str, Any]) -> str:
    return json.dumps({k: row[k] for k in sorted(row) if k != "weight"}, ensure_ascii=False)


def _verifiable(fix: Fix) -> dict[str, Any]:
    """A fix with its 〔待填〕 cells given a plausible value, so the rules can judge the rest of it."""
    out = fix.model_dump(exclude_none=True)
    row = out.get("row") or {}
    timed = remedies().pattern("time_name").search(str(row.get("name", "")))

    def fill(value: Any, key: str) -> Any:
        if not isinstance(value, str) or not PLACEHOLDER.search(value):
            return value
        if key == "value":
            return "2099年12月31日" if timed or remedies().pattern("placeholder_date").search(value) else "1"
        if key == "unit":
            return PLACEHOLDER.sub("个", value)
        return PLACEHOLDER.sub("", value) or "指标"

    if row:
        out["row"] = {k: fill(v, k) for k, v in row.items()}
    if out.get("action") == "set_field":
        out["value"] = PLACEHOLDER.sub("1项", out.get("value") or "")
    if "also" in out:
        out["also"] = [_verifiable(Fix.model_validate(a)) for a in out["also"]]
    return out


# ------------------------------------------------------------------------------------------- applying
def apply_to_submission(sub: Submission, fixes: Iterable[Fix | Mapping[str, Any]]) -> Submission:
    """`apply_fixes` on the model: only the rows a fix writes are read again (the rest are shared)."""
    flat: list[dict[str, Any]] = []
    for fx in fixes:
        data = fx.model_dump(exclude_none=True) if isinstance(fx, Fix) else dict(fx)
        flat.append(data)
        flat.extend(dict(a) for a in data.get("also") or [])
    inds = list(sub.indicators)
    changed: dict[int, dict[str, Any]] = {}
    deleted: set[int] = set()
    added: list[dict[str, Any]] = []
    seen: set[str] = set()
    fields: dict[str, Any] = {}
    for fx in flat:
        action, i = fx.get("action"), fx.get("indicator")
        if action == "replace_row" and isinstance(i, int) and 0 <= i < len(inds):
            base = changed.get(i) or inds[i].model_dump(exclude_none=True)
            base.update(fx.get("row") or {})
            base.pop("raw", None)
            base.pop("value_raw", None)
            changed[i] = base
        elif action == "delete_row" and isinstance(i, int) and 0 <= i < len(inds):
            deleted.add(i)
        elif action == "add_row" and fx.get("row") and _add_key(fx["row"]) not in seen:
            seen.add(_add_key(fx["row"]))
            added.append(dict(fx["row"]))
        elif action == "set_field" and fx.get("field"):
            fields[fx["field"]] = fx.get("value")
    for i, row in changed.items():
        inds[i] = Indicator.model_validate(row)
    kept = [ind for i, ind in enumerate(inds) if i not in deleted]
    rows = kept + [Indicator.model_validate(r) for r in added]
    if fields:
        return Submission.model_validate(
            {**sub.canonical(), **fields, "indicators": [r.model_dump() for r in rows]}
        )
    return sub.model_copy(update={"indicators": rows})


def apply_fixes(sub: Mapping[str, Any], fixes: Iterable[Fix | Mapping[str, Any]]) -> dict[str, Any]:
    """A copy of a canonical submission with the fixes (and their `also` edits) applied.

    Indexes refer to the input: replacements and weight moves first, then deletions, then additions at the
    end (DESIGN.md §7). The same added row twice (two findings adding it) is added once.
    """
    out = dict(sub)  # rows are copied one by one below; nothing of `sub` is changed
    inds = [dict(i) for i in out.get("indicators") or []]
    flat: list[dict[str, Any]] = []
    for fx in fixes:
        data = fx.model_dump(exclude_none=True) if isinstance(fx, Fix) else dict(fx)
        flat.append(data)
        flat.extend(dict(a) for a in data.get("also") or [])
    deleted: set[int] = set()
    added: list[dict[str, Any]] = []
    seen: set[str] = set()
    for fx in flat:
        action, i = fx.get("action"), fx.get("indicator")
        if action == "replace_row" and isinstance(i, int) and 0 <= i < len(inds):
            inds[i].update(fx.get("row") or {})
            inds[i].pop("raw", None)
            inds[i].pop("value_raw", None)
        elif action == "delete_row" and isinstance(i, int) and 0 <= i < len(inds):
            deleted.add(i)
        elif action == "add_row" and fx.get("row"):
            key = _add_key(fx["row"])
            if key not in seen:
                seen.add(key)
                added.append(dict(fx["row"]))
        elif action == "set_field" and fx.get("field"):
            out[fx["field"]] = fx.get("value")
    out["indicators"] = [ind for i, ind in enumerate(inds) if i not in deleted] + added
    return out


# ------------------------------------------------------------------------------------------ in words
def suggestion_case(code: str, d: Draft) -> str:
    """The catalog `fix_*` case that puts this fix into words."""
    if d.action == "replace_row" and set(d.row) == {"weight"}:
        if d.data.get("fill"):
            return "fix_weight_fill"
        return "fix_weights" if d.companions else "fix_weight"
    if code == "WEIGHTS_NOT_100" and d.action == "add_row":
        return "fix_weights_by_adds"
    if d.action == "replace_row" and set(d.row) <= {"level1", "level2"}:
        return "fix_move"
    return {"delete_row": "fix_delete", "add_row": "fix_add", "set_field": "fix_field"}.get(
        d.action, "fix_replace"
    )


def describe(ctx: SubmissionContext, d: Draft) -> dict[str, str]:
    """The words a `fix_*` suggestion template needs, all read off the fix itself."""
    note = f"（{d.note}）" if d.note else ""
    base = {
        "where": "",
        "target": "",
        "before": "",
        "note": note,
        "weight_note": "",
        "level": "",
        "moves": "",
    }
    if d.action == "set_field":
        where = remedies().table("field_names").get(d.field or "", d.field or "")
        return {**base, "where": where, "target": d.value or ""}
    if d.action == "add_row":
        return {**base, **_add_words(ctx, d)}
    row = ctx.rows[d.indicator] if d.indicator is not None and d.indicator < len(ctx.rows) else None
    if row is None:
        return base
    before = target_text({k: getattr(row.ind, k) for k in ROW_FIELDS})
    where = _t("row_ref", n=row.idx + 1)
    if set(d.row) == {"weight"}:
        listing = "、".join(_weight_words(ctx, m, "weight_step") for m in [d, *d.companions])
        goal = d.data.get("goal", 100)
        total = _t("total_text") if goal == 100 else _t("total_text_rows", goal=fmt_number(goal))
        return {**base, "where": where, "before": row.name_core, "moves": listing, "total_text": total}
    if d.action == "delete_row":
        return {**base, "where": where, "before": before, "weight_note": _delete_weight_words(ctx, d)}
    merged = {**{k: getattr(row.ind, k) for k in ROW_FIELDS}, **d.row}
    level = "—".join(x for x in (merged.get("level1"), merged.get("level2")) if x)
    target = target_text(merged)
    if any(k in d.row for k in ("level1", "level2")) and not set(d.row) <= {"level1", "level2"}:
        target = f"{level}：{target}"
    return {**base, "where": where, "before": before, "target": target, "level": level}


def _weight_words(ctx: SubmissionContext, m: Draft, key: str) -> str:
    """第3行“…”10分→15分 / 第3行“…”权重由10分调整为15分 (empty for a row the table does not have)."""
    if m.indicator is None or m.indicator >= len(ctx.rows):
        return ""
    row = ctx.rows[m.indicator]
    old, new = fmt_number(row.ind.weight or 0), fmt_number(m.row["weight"])
    return _t(key, n=m.indicator + 1, name=row.name_core, old=old, new=new)


def _delete_weight_words(ctx: SubmissionContext, d: Draft) -> str:
    fed = d.data.get("feeds_adds", 0)
    moved = d.data.get("moved", 0)
    parts = []
    if fed:
        parts.append(_t("weight_fed", fed=fmt_number(fed)) if moved else _t("weight_fed_all"))
    for a in d.companions:
        if a.indicator is not None and a.indicator < len(ctx.rows):
            key = "weight_moved_rest" if fed else "weight_moved"
            name = ctx.rows[a.indicator].name_core
            parts.append(
                _t(
                    key,
                    moved=fmt_number(moved),
                    n=a.indicator + 1,
                    name=name,
                    new=fmt_number(a.row["weight"]),
                )
            )
    return ("，" + "，".join(parts)) if parts else ""


def _add_words(ctx: SubmissionContext, d: Draft) -> dict[str, str]:
    level = "—".join(x for x in (d.row.get("level1"), d.row.get("level2")) if x)
    more = [a for a in d.companions if a.action == "add_row"]
    target = "”“".join(target_text(a.row) for a in [d, *more])
    weights = [a.row.get("weight") for a in [d, *more]]
    weight_note = ""
    if weights[0]:
        each = "、".join(fmt_number(w or 0) for w in weights)
        weight_note = _t("weight_each" if more else "weight_one", each=each)
        sources = sorted({i for a in [d, *more] for i in a.data.get("weight_from", ())})
        if sources:
            weight_note += _t("weight_from", rows="、".join(_t("row_ref", n=i + 1) for i in sources))
        moves = [a for a in d.companions if a.action == "replace_row"]
        changes = [w for w in (_weight_words(ctx, m, "weight_change") for m in moves) if w]
        if changes:
            weight_note += "（" + "；".join(changes) + "）"
    where = _t("add_where", level=level) if level else _t("add_where_none")
    return {"where": where, "target": target, "weight_note": weight_note, "level": level}
