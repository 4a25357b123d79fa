"""A budget round as reviewers see it: the stored submissions' facts, the round's statistics, the filtered
project table, the 整改闭环 of a resubmission, new versions of re-uploaded projects and bulk approval.

The dashboard reads one row of facts per current submission (the latest version of each project) with a
few set-based queries: the budget from the canonical JSON, the defect codes straight out of the stored
precheck (SQLite `json_each`, PostgreSQL `json_array_elements`; other databases parse in Python) and the
opinion's latest version. Statistics are those of `jixiao batch` (assistant.batch.summary): grades,
projects per defect code with the bureau's phrases, units by share of 中/差, budget by grade.

Re-uploading a project (same submitting account and either the same external id or the same unit and
project, years not contradicting) is matched to its earlier submission instead of standing beside it:
identical content is not stored again; a 已退回 one is resubmitted through `workflow.resubmit`; a 待审 one
not yet under review gets a new version that supersedes it (same link and findings diff as a
resubmission); one under review or approved is refused with the reason.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Literal

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from assistant import workflow
from assistant.auth import Permission, has_permission
from assistant.batch.opinion_docx import OpinionDocxWriter, opinion_text
from assistant.batch.phrases import code_phrase
from assistant.batch.rows import UNIT_MISSING, BatchRow
from assistant.batch.run import opinion_file_name
from assistant.batch.summary import GRADES, UnitStats
from assistant.checks.grading import GradingConfig
from assistant.export_docx import export_review_docx
from assistant.labels import STATUS_ZH
from assistant.models import CheckResult, Finding, Submission
from assistant.records.audit import record_audit
from assistant.records.db import transaction, writer
from assistant.records.models import (
    PrecheckRecord,
    ReviewRecord,
    ReviewVersion,
    SubmissionRecord,
    User,
    as_utc,
)
from core.errors import Conflict, UserError
from core.normalize import to_halfwidth

FAIR_POOR = ("中", "差")
NO_GRADE = "未评级"
TOP_CODES = 10
PAGE_MAX = 500
ZIP_MAX = 2000
REVIEW_NONE = "none"  # no opinion drafted yet
REVIEW_STATES = {
    REVIEW_NONE: "未起草",
    "draft": "已起草",
    "edit": "已修改",
    "return": "已退回",
    "approve": "已通过",
}


# ---- facts of the current submissions ---------------------------------------------------------------


@dataclass
class Closure:
    """What a resubmission changed against the version it replaced."""

    fixed: int
    remaining: int
    new: int

    def as_dict(self) -> dict[str, int]:
        return {"fixed": self.fixed, "remaining": self.remaining, "new": self.new}


@dataclass
class Fact:
    id: int
    external_id: str | None
    project: str | None
    unit: str
    year: int | None
    status: str
    grade: str | None
    budget_yuan: float | None
    errors: int
    warnings: int
    version: int
    previous_id: int | None
    created_at: datetime | None
    submitter_id: int
    source: str | None = None
    codes: list[str] = field(default_factory=list)  # each once, in the order the precheck lists them
    review_version: int | None = None
    review_action: str | None = None
    closure: Closure | None = None

    @property
    def budget_wan(self) -> float | None:
        return None if self.budget_yuan is None else round(self.budget_yuan / 10000, 4)

    @property
    def review_state(self) -> str:
        return self.review_action or REVIEW_NONE

    @property
    def approvable(self) -> bool:
        """A drafted opinion still awaiting its decision (审批 can pass it)."""
        return self.status == "pending" and self.review_version is not None

    def as_row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "project": self.project,
            "unit": self.unit,
            "year": self.year,
            "budget_wan": self.budget_wan,
            "grade": self.grade,
            "status": self.status,
            "status_zh": STATUS_ZH.get(self.status, self.status),
            "errors": self.errors,
            "warnings": self.warnings,
            "codes": self.codes,
            "review": {
                "state": self.review_state,
                "label": REVIEW_STATES.get(self.review_state, self.review_state),
                "version": self.review_version,
            },
            "approvable": self.approvable,
            "version": self.version,
            "previous_id": self.previous_id,
            "closure": self.closure.as_dict() if self.closure else None,
            "created_at": _iso(self.created_at),
        }


def _iso(moment: datetime | None) -> str | None:
    moment = as_utc(moment)
    return moment.isoformat() if moment is not None else None


def _unit_label(unit: str | None, department: str | None) -> str:
    return (unit or department or "").strip() or UNIT_MISSING


def _counts(value: Any) -> dict[str, int]:
    return value if isinstance(value, dict) else {}


# Per submission, what never changes once it is stored (its canonical JSON and precheck are written once):
# the defect codes, budget, 主管部门 and finding counts, kept in a table of this module's own so the
# dashboard never parses thousands of stored prechecks again. Rows are added the first time a submission
# is counted; a submission without one is read from its precheck (and its row written) on the spot.
_FACTS_META = MetaData()
FACTS = Table(
    "round_facts",
    _FACTS_META,
    Column("submission_id", Integer, primary_key=True),
    Column("codes", Text, nullable=False),  # JSON list, each code once, in the precheck's order
    Column("budget_yuan", Float, nullable=True),
    Column("department", String(512), nullable=True),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
)
_FACTS_READY: set[str] = set()
log = logging.getLogger("jixiao.rounds")


def _facts_table_ready(bind: Any) -> bool:
    """Create the facts table if needed (its own connection); True when it had to be created."""
    key = _db_key(bind)
    if key in _FACTS_READY:
        return False
    created = not inspect(bind).has_table(FACTS.name)
    if created:
        _FACTS_META.create_all(bind, checkfirst=True)
    _FACTS_READY.add(key)
    return created


def _ensure_facts_table(session: Session) -> None:
    if _facts_table_ready(session.get_bind()) and session.in_transaction():
        session.rollback()  # a read begun before the table existed would not see it


def _fact_row(record: SubmissionRecord, result: CheckResult) -> dict[str, Any]:
    counts = _counts(record.severity_counts)
    return {
        "submission_id": record.id,
        "codes": json.dumps(list(dict.fromkeys(f.code for f in result.findings))),
        "budget_yuan": (record.canonical or {}).get("budget_yuan"),
        "department": (record.canonical or {}).get("department"),
        "errors": int(counts.get("error", 0) or 0),
        "warnings": int(counts.get("warning", 0) or 0),
    }


# The facts of the whole round, per database, kept while nothing changed: every change the workflow makes
# writes an audit entry, and new submissions and opinion versions raise their tables' ids.
_FACTS_CACHE: dict[str, tuple[tuple[Any, ...], list[Fact]]] = {}
_FACTS_LOCK = threading.Lock()
_CHANGE_TOKEN_SQL = text(
    "SELECT (SELECT max(id) FROM audit_log), (SELECT max(id) FROM submissions), "
    "(SELECT max(id) FROM review_versions), (SELECT count(*) FROM submissions WHERE superseded_by_id IS NULL)"
)


def load_facts(session: Session, *, viewer: User, year: int | None = None) -> list[Fact]:
    """One fact per current submission the viewer may see (superseded versions left out), by id. The list
    and its facts are shared between requests: read them, never change them."""
    return _scoped(session, viewer, year)[1]


def overview(session: Session, *, viewer: User, year: int | None = None) -> tuple[list[Fact], dict, dict]:
    """(facts, round_stats, facets) of what the viewer sees, the statistics kept while nothing changed."""
    token, facts = _scoped(session, viewer, year)
    own = None if has_permission(viewer, Permission.view_all) else viewer.id
    key = (token, own, year)
    with _FACTS_LOCK:
        hit = _STATS_CACHE.get(key)
    if hit is None:
        hit = (round_stats(facts), facets(facts))
        with _FACTS_LOCK:
            if len(_STATS_CACHE) > 64:
                _STATS_CACHE.clear()
            _STATS_CACHE[key] = hit
    return facts, hit[0], hit[1]


_STATS_CACHE: dict[tuple[Any, ...], tuple[dict, dict]] = {}


def _scoped(session: Session, viewer: User, year: int | None) -> tuple[tuple[Any, ...], list[Fact]]:
    key = _db_key(session.get_bind())
    token = (key, *session.execute(_CHANGE_TOKEN_SQL).one())
    cached = _FACTS_CACHE.get(key)
    if cached is not None and cached[0] == token:
        facts = cached[1]
    else:
        with _FACTS_LOCK:
            facts = _query_facts(session, None, None)
            _FACTS_CACHE[key] = (token, facts)
    own = None if has_permission(viewer, Permission.view_all) else viewer.id
    if own is None and year is None:
        return token, facts
    return token, [
        f for f in facts if (own is None or f.submitter_id == own) and (year is None or f.year == year)
    ]


def _db_key(bind: Any) -> str:
    url = bind.url
    return f"{url.drivername}://{url.host or ''}:{url.port or ''}/{url.database or ''}"


def _query_facts(session: Session, own: int | None, year: int | None) -> list[Fact]:
    _ensure_facts_table(session)
    s = SubmissionRecord
    stmt = (
        select(
            s.id,
            s.external_id,
            s.project,
            s.unit,
            s.year,
            s.status,
            s.grade,
            s.version,
            s.previous_id,
            s.created_at,
            s.submitter_id,
            s.source,
            s.diff,
            FACTS.c.submission_id,
            FACTS.c.codes,
            FACTS.c.budget_yuan,
            FACTS.c.department,
            FACTS.c.errors,
            FACTS.c.warnings,
        )
        .outerjoin(FACTS, FACTS.c.submission_id == s.id)
        .where(s.superseded_by_id.is_(None))
    )
    if own is not None:
        stmt = stmt.where(s.submitter_id == own)
    if year is not None:
        stmt = stmt.where(s.year == year)
    facts: dict[int, Fact] = {}
    missing: list[int] = []
    for row in session.execute(stmt.order_by(s.id)):
        fact = Fact(
            id=row[0],
            external_id=row[1],
            project=row[2],
            unit=row[3] or "",
            year=row[4],
            status=row[5],
            grade=row[6],
            budget_yuan=row[15],
            errors=row[17] or 0,
            warnings=row[18] or 0,
            version=row[7],
            previous_id=row[8],
            created_at=row[9],
            submitter_id=row[10],
            source=row[11],
        )
        diff = row[12]
        if fact.previous_id is not None and isinstance(diff, dict):
            fixed, new = len(diff.get("resolved") or []), len(diff.get("added") or [])
            fact.closure = Closure(fixed=fixed, remaining=int(diff.get("unchanged") or 0), new=new)
        if row[13] is None:
            missing.append(fact.id)
        else:
            fact.codes = json.loads(row[14])
            fact.unit = _unit_label(row[3], row[16])
        facts[fact.id] = fact
    if missing:
        _fill_facts(session, facts, missing)
    if facts:
        _attach_reviews(session, facts, own, year)
    return list(facts.values())


_CODES_SQL = {
    "sqlite": (
        "SELECT p.submission_id, json_extract(f.value, '$.code') FROM prechecks p, "
        "json_each(p.result, '$.findings') AS f WHERE p.submission_id IN ({ids}) "
        "ORDER BY p.submission_id, p.id, f.key"
    ),
    "postgresql": (
        "SELECT p.submission_id, f.value ->> 'code' FROM prechecks p "
        "CROSS JOIN LATERAL json_array_elements(CAST(p.result AS json) -> 'findings') "
        "WITH ORDINALITY AS f(value, n) WHERE p.submission_id IN ({ids}) ORDER BY p.submission_id, p.id, f.n"
    ),
}
_CHUNK = 500


def _fill_facts(session: Session, facts: dict[int, Fact], missing: list[int]) -> None:
    """The facts of submissions counted for the first time, read from their stored records and kept."""
    sql = _CODES_SQL.get(session.get_bind().dialect.name)
    s = SubmissionRecord
    rows: list[dict[str, Any]] = []
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        found: dict[int, dict[str, None]] = {sid: {} for sid in chunk}
        if sql is not None:
            ids = ",".join(str(int(i)) for i in chunk)
            for submission_id, code in session.execute(text(sql.format(ids=ids))):
                if code:
                    found[submission_id][code] = None
        else:  # another database: parse the stored results
            stmt = select(PrecheckRecord.submission_id, PrecheckRecord.result).where(
                PrecheckRecord.submission_id.in_(chunk)
            )
            for submission_id, result in session.execute(stmt.order_by(PrecheckRecord.id)):
                for f in (result or {}).get("findings") or []:
                    if f.get("code"):
                        found[submission_id][f["code"]] = None
        stmt2 = select(
            s.id,
            s.unit,
            s.canonical["department"].as_string(),
            s.canonical["budget_yuan"].as_float(),
            s.severity_counts,
        ).where(s.id.in_(chunk))
        for sid, unit, department, budget, counts in session.execute(stmt2):
            fact = facts[sid]
            fact.codes = list(found[sid])
            fact.unit = _unit_label(unit, department)
            fact.budget_yuan = budget
            fact.errors = int(_counts(counts).get("error", 0) or 0)
            fact.warnings = int(_counts(counts).get("warning", 0) or 0)
            rows.append(
                {
                    "submission_id": sid,
                    "codes": json.dumps(fact.codes),
                    "budget_yuan": budget,
                    "department": department,
                    "errors": fact.errors,
                    "warnings": fact.warnings,
                }
            )
    _keep_facts(session, rows)


def _keep_facts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Store the new rows in their own short transaction; a busy database only means they are read again."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        return  # bound to a connection: nothing of its own to write with
    try:
        with writer(engine).begin() as conn:
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                done = {
                    r[0]
                    for r in conn.execute(
                        select(FACTS.c.submission_id).where(
                            FACTS.c.submission_id.in_([r["submission_id"] for r in chunk])
                        )
                    )
                }
                fresh = [r for r in chunk if r["submission_id"] not in done]
                if fresh:
                    conn.execute(FACTS.insert(), fresh)
    except DBAPIError:
        log.warning("round facts not stored (database busy); they are read again next time", exc_info=True)


def _attach_reviews(session: Session, facts: dict[int, Fact], own: int | None, year: int | None) -> None:
    """Each fact's opinion: its latest version number and what that version did (起草/修改/退回/通过)."""
    s = SubmissionRecord
    stmt = (
        select(ReviewRecord.submission_id, ReviewVersion.version, ReviewVersion.action)
        .join(ReviewVersion, ReviewVersion.review_id == ReviewRecord.id)
        .join(s, s.id == ReviewRecord.submission_id)
        .where(s.superseded_by_id.is_(None))
    )
    if own is not None:
        stmt = stmt.where(s.submitter_id == own)
    if year is not None:
        stmt = stmt.where(s.year == year)
    for submission_id, version, action in session.execute(stmt):
        fact = facts.get(submission_id)
        if fact is not None and (fact.review_version is None or version > fact.review_version):
            fact.review_version, fact.review_action = version, action


# ---- statistics ------------------------------------------------------------------------------------------


def round_stats(facts: list[Fact]) -> dict[str, Any]:
    """The round at a glance, counted as `jixiao batch` counts its summary.json."""
    by_grade = dict.fromkeys([*GRADES, NO_GRADE], 0)
    budget_by_grade = dict.fromkeys([*GRADES, NO_GRADE], 0.0)
    by_status = dict.fromkeys(STATUS_ZH, 0)
    by_review = dict.fromkeys(REVIEW_STATES, 0)
    codes: Counter[str] = Counter()
    units: dict[str, UnitStats] = {}
    resubmitted, fixed, remaining, new = 0, 0, 0, 0
    for f in facts:
        grade = f.grade if f.grade in by_grade else NO_GRADE
        by_grade[grade] += 1
        budget_by_grade[grade] += f.budget_wan or 0.0
        by_status[f.status] = by_status.get(f.status, 0) + 1
        by_review[f.review_state] = by_review.get(f.review_state, 0) + 1
        codes.update(f.codes)
        unit = units.setdefault(f.unit, UnitStats(f.unit))
        unit.total += 1
        unit.in_scope += 1
        unit.budget_wan += f.budget_wan or 0.0
        if grade in unit.by_grade:
            unit.by_grade[grade] += 1
            if grade in FAIR_POOR:
                unit.fair_poor_budget_wan += f.budget_wan or 0.0
        else:
            unit.errors += 1
        if f.closure is not None:
            resubmitted += 1
            fixed, remaining, new = (
                fixed + f.closure.fixed,
                remaining + f.closure.remaining,
                new + f.closure.new,
            )
    graded = sum(by_grade[g] for g in GRADES)
    first_seen = {u: n for n, u in enumerate(units)}
    ranked = sorted(units.values(), key=lambda u: (-u.fair_poor_share, -u.fair_poor, first_seen[u.unit]))
    return {
        "total": len(facts),
        "graded": graded,
        "by_grade": by_grade,
        "by_status": by_status,
        "by_review": by_review,
        "approvable": sum(1 for f in facts if f.approvable),
        "top_codes": [
            {"code": code, "phrase": code_phrase(code), "projects": n, "share": round(n / graded, 4)}
            for code, n in codes.most_common(TOP_CODES)
            if graded
        ],
        "units": [
            {
                **u.as_dict(),
                "fair_poor": u.fair_poor,
                "fair_poor_budget_wan": round(u.fair_poor_budget_wan, 4),
            }
            for u in ranked
        ],
        "budget_wan": {
            "total": round(sum(budget_by_grade.values()), 4),
            "by_grade": {g: round(v, 4) for g, v in budget_by_grade.items()},
        },
        "closure": {"resubmitted": resubmitted, "fixed": fixed, "remaining": remaining, "new": new},
    }


def facets(facts: list[Fact]) -> dict[str, Any]:
    """The values the table's filters offer: units (most projects first), codes, years."""
    units = Counter(f.unit for f in facts)
    codes = Counter(c for f in facts for c in f.codes)
    return {
        "units": [u for u, _ in units.most_common()],
        "codes": [{"code": c, "phrase": code_phrase(c), "projects": n} for c, n in codes.most_common()],
        "years": sorted({f.year for f in facts if f.year is not None}, reverse=True),
    }


# ---- the project table -------------------------------------------------------------------------------------


SortKey = Literal["id", "-id", "budget", "-budget", "grade", "-grade", "unit"]
_GRADE_RANK = {g: n for n, g in enumerate(GRADES)}


@dataclass(frozen=True)
class TableFilter:
    unit: str | None = None
    grade: str | None = None  # 优 良 中 差, or 未评级
    code: str | None = None
    status: str | None = None
    review: str | None = None  # none draft edit return approve, or "approvable"
    min_wan: float | None = None
    max_wan: float | None = None
    query: str | None = None
    resubmitted: bool | None = None

    def keep(self, f: Fact) -> bool:
        checks: list[Callable[[], bool]] = [
            lambda: self.unit is None or f.unit == self.unit,
            lambda: self.grade is None or (f.grade or NO_GRADE) == self.grade,
            lambda: self.code is None or self.code in f.codes,
            lambda: self.status is None or f.status == self.status,
            lambda: (
                self.review is None
                or (f.approvable if self.review == "approvable" else f.review_state == self.review)
            ),
            lambda: self.min_wan is None or (f.budget_wan is not None and f.budget_wan >= self.min_wan),
            lambda: self.max_wan is None or (f.budget_wan is not None and f.budget_wan <= self.max_wan),
            lambda: self.resubmitted is None or (f.closure is not None) == self.resubmitted,
            lambda: not self.query or self._matches_text(f),
        ]
        return all(check() for check in checks)

    def _matches_text(self, f: Fact) -> bool:
        needle = _norm(self.query or "")
        return any(needle in _norm(v) for v in (f.project, f.unit, f.external_id, str(f.id)) if v)


def _sort_key(key: str) -> Callable[[Fact], Any]:
    name = key.lstrip("-")
    if name == "budget":
        return lambda f: (f.budget_yuan is None, f.budget_yuan or 0.0)
    if name == "grade":
        return lambda f: (_GRADE_RANK.get(f.grade or "", len(GRADES)), f.id)
    if name == "unit":
        return lambda f: (f.unit, f.id)
    return lambda f: f.id


def table(
    facts: list[Fact], flt: TableFilter, *, sort: str = "id", offset: int = 0, limit: int = 50
) -> dict[str, Any]:
    kept = [f for f in facts if flt.keep(f)]
    kept.sort(key=_sort_key(sort), reverse=sort.startswith("-"))
    limit = max(1, min(limit, PAGE_MAX))
    page = kept[offset : offset + limit]
    return {
        "total": len(kept),
        "offset": offset,
        "limit": limit,
        "budget_wan": round(sum(f.budget_wan or 0.0 for f in kept), 4),
        "approvable_ids": [f.id for f in kept if f.approvable],
        "items": [f.as_row() for f in page],
    }


def filtered_ids(session: Session, *, viewer: User, flt: TableFilter, year: int | None = None) -> list[int]:
    return [f.id for f in load_facts(session, viewer=viewer, year=year) if flt.keep(f)]


# ---- 整改闭环 of one submission ---------------------------------------------------------------------------


def version_chain(session: Session, *, viewer: User, submission_id: int) -> list[SubmissionRecord]:
    """Every version of the submission's project, first to latest (the viewer must see the submission)."""
    record = workflow.get_submission(session, viewer=viewer, submission_id=submission_id)
    chain = [record]
    seen = {record.id}
    while chain[0].previous_id is not None and chain[0].previous_id not in seen:
        earlier = session.get(SubmissionRecord, chain[0].previous_id)
        if earlier is None:
            break
        chain.insert(0, earlier)
        seen.add(earlier.id)
    while chain[-1].superseded_by_id is not None and chain[-1].superseded_by_id not in seen:
        later = session.get(SubmissionRecord, chain[-1].superseded_by_id)
        if later is None:
            break
        chain.append(later)
        seen.add(later.id)
    return chain


@dataclass
class ClosureReport:
    chain: list[SubmissionRecord]
    current: SubmissionRecord
    previous: SubmissionRecord | None
    fixed: list[Finding]
    remaining: list[Finding]
    new: list[Finding]
    since_first: Closure | None


def _split(previous: CheckResult, current: CheckResult) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(fixed, remaining, new) as workflow.diff_findings keys them (code and location)."""
    diff = workflow.diff_findings(previous, current)
    added = {id(f) for f in diff.added}
    return diff.resolved, [f for f in current.findings if id(f) not in added], diff.added


def closure_report(session: Session, *, viewer: User, submission_id: int) -> ClosureReport:
    """Which findings of the version before were fixed, which remain and which are new (and, over the whole
    chain, how many of the first version's findings are gone)."""
    chain = version_chain(session, viewer=viewer, submission_id=submission_id)
    current = next(r for r in chain if r.id == submission_id)
    at = chain.index(current)
    previous = chain[at - 1] if at > 0 else None
    if previous is None:
        result = workflow.latest_precheck(session, submission_id=current.id)
        return ClosureReport(chain, current, None, [], list(result.findings), [], None)
    now = workflow.latest_precheck(session, submission_id=current.id)
    fixed, remaining, new = _split(workflow.latest_precheck(session, submission_id=previous.id), now)
    since_first = None
    if at > 1:
        f0, r0, n0 = _split(workflow.latest_precheck(session, submission_id=chain[0].id), now)
        since_first = Closure(fixed=len(f0), remaining=len(r0), new=len(n0))
    return ClosureReport(chain, current, previous, fixed, remaining, new, since_first)


def review_state(session: Session, *, viewer: User, submission_id: int) -> dict[str, Any]:
    """Whether the submission's 审核意见 was drafted, its latest version and what that version did."""
    workflow.get_submission(session, viewer=viewer, submission_id=submission_id)
    row = session.execute(
        select(ReviewVersion.version, ReviewVersion.action)
        .join(ReviewRecord, ReviewVersion.review_id == ReviewRecord.id)
        .where(ReviewRecord.submission_id == submission_id)
        .order_by(ReviewVersion.version.desc())
        .limit(1)
    ).first()
    state = row[1] if row else REVIEW_NONE
    return {
        "submission_id": submission_id,
        "drafted": row is not None,
        "version": row[0] if row else None,
        "state": state,
        "label": REVIEW_STATES.get(state, state),
    }


# ---- new versions of re-uploaded projects ----------------------------------------------------------------


Placed = Literal["new", "version", "resubmitted", "same"]


@dataclass
class Placement:
    kind: Placed
    record: SubmissionRecord
    previous: SubmissionRecord | None = None


def _norm(value: str | None) -> str:
    return re.sub(r"\s+", "", to_halfwidth(value or "")).lower()


def _same_project(record: SubmissionRecord, sub: Submission) -> bool:
    if sub.id and record.external_id:
        return _norm(sub.id) == _norm(record.external_id)
    unit = _norm(sub.unit or sub.department)
    record_unit = _norm(record.unit or (record.canonical or {}).get("department"))
    return bool(sub.project) and _norm(sub.project) == _norm(record.project) and unit == record_unit


def find_previous(session: Session, *, submitter: User, submission: Submission) -> SubmissionRecord | None:
    """The submitter's current (not superseded) submission of the same project: the same external id, or
    the same unit and project name; a stated year must not differ."""
    s = SubmissionRecord
    keys = []
    if submission.id:
        keys.append(s.external_id == submission.id)
    if submission.project:
        keys.append(s.project == submission.project)
    if not keys:
        return None
    stmt = (
        select(s)
        .where(s.submitter_id == submitter.id, s.superseded_by_id.is_(None))
        .where(keys[0] if len(keys) == 1 else keys[0] | keys[1])
        .order_by(s.id.desc())
    )
    for record in session.scalars(stmt):
        if submission.year is not None and record.year is not None and submission.year != record.year:
            continue
        if _same_project(record, submission):
            return record
    return None


def _describe(record: SubmissionRecord) -> str:
    year = f"{record.year}年度" if record.year else ""
    return f"“{record.unit or '（未填单位）'}”{year}的“{record.project or '（未填项目名称）'}”"


def _refusal(session: Session, previous: SubmissionRecord) -> Conflict | None:
    if previous.status == "approved":
        return Conflict(
            f"{_describe(previous)}已审核通过（申报 #{previous.id}），不能再次报送同一项目；"
            "如为新年度的申报，请在表中注明年度后上传。",
            code="already_approved",
            details={"previous_id": previous.id},
        )
    review = session.scalar(select(ReviewRecord).where(ReviewRecord.submission_id == previous.id))
    if previous.status == "pending" and review is not None:
        return Conflict(
            f"{_describe(previous)}正在审核（申报 #{previous.id} 已起草审核意见），审核结论作出前不能替换；"
            "如需更正，请联系审核人员退回后再报送修改稿。",
            code="under_review",
            details={"previous_id": previous.id},
        )
    return None


def place_submission(
    session: Session,
    *,
    submitter: User,
    submission: Submission,
    grading: GradingConfig | None = None,
    callback_url: str | None = None,
    check_options: Mapping[str, Any] | None = None,
) -> Placement:
    """Store an uploaded submission, matched to the submitter's earlier one of the same project (see the
    module docstring). Raises Conflict (nothing stored) when the earlier one may not be replaced.
    `check_options` (the stored 支出标准 and the 事前绩效评估 threshold) go to the precheck."""
    options = dict(check_options or {})
    previous = find_previous(session, submitter=submitter, submission=submission)
    if previous is None:
        record = workflow.submit(
            session=session,
            submitter=submitter,
            submission=submission,
            callback_url=callback_url,
            grading=grading,
            **options,
        )
        return Placement("new", record)
    if previous.canonical == submission.canonical():
        return Placement("same", previous, previous)
    if previous.status == "returned":
        record = workflow.resubmit(
            session=session,
            submitter=submitter,
            previous_id=previous.id,
            submission=submission,
            callback_url=callback_url,
            grading=grading,
            **options,
        )
        return Placement("resubmitted", record, previous)
    refusal = _refusal(session, previous)
    if refusal is not None:
        raise refusal
    return _new_version(session, submitter, previous, submission, grading, callback_url, options)


def _new_version(
    session: Session,
    submitter: User,
    previous: SubmissionRecord,
    submission: Submission,
    grading: GradingConfig | None,
    callback_url: str | None,
    options: dict[str, Any],
) -> Placement:
    """A corrected upload of a 待审 submission nobody has started reviewing: stored as its next version."""
    locked = session.scalar(
        select(SubmissionRecord)
        .where(SubmissionRecord.id == previous.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None or locked.superseded_by_id is not None or locked.status != "pending":
        raise Conflict(
            f"申报 #{previous.id} 刚被他人处理（已替换或已有审核结论），请刷新后重试。", code="invalid_state"
        )
    refusal = _refusal(session, locked)
    if refusal is not None:
        raise refusal
    record = workflow.submit(
        session=session,
        submitter=submitter,
        submission=submission,
        callback_url=callback_url or locked.callback_url,
        grading=grading,
        **options,
    )
    diff = workflow.diff_findings(
        workflow.latest_precheck(session, submission_id=locked.id),
        workflow.latest_precheck(session, submission_id=record.id),
    )
    record.version = locked.version + 1
    record.previous_id = locked.id
    record.diff = diff.model_dump(mode="json")
    locked.superseded_by_id = record.id
    record_audit(
        session,
        actor=submitter.username,
        action="submission.new_version",
        submission_id=record.id,
        details={
            "previous_id": locked.id,
            "version": record.version,
            "reason": "同一项目再次上传（审核开始前）",
            "added": [f.code for f in diff.added],
            "resolved": [f.code for f in diff.resolved],
            "unchanged": diff.unchanged,
        },
    )
    return Placement("version", record, locked)


@dataclass
class UploadItem:
    file: str
    project: str | None
    unit: str | None
    outcome: Literal["new", "version", "resubmitted", "same", "refused"]
    id: int | None = None
    previous_id: int | None = None
    version: int | None = None
    grade: str | None = None
    findings: int | None = None
    closure: Closure | None = None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "project": self.project,
            "unit": self.unit,
            "outcome": self.outcome,
            "id": self.id,
            "previous_id": self.previous_id,
            "version": self.version,
            "grade": self.grade,
            "findings": self.findings,
            "closure": self.closure.as_dict() if self.closure else None,
            "message": self.message,
        }


_OUTCOME_NOTE = {
    "new": "新报送",
    "version": "已作为第{version}版替代申报 #{previous}",
    "resubmitted": "已作为退回后的修改稿（第{version}版）重新报送，替代申报 #{previous}",
    "same": "与已报送的申报 #{previous} 内容相同，未重复保存",
}


def place_uploads(
    factory: sessionmaker[Session],
    *,
    submitter: User,
    file: str,
    submissions: Iterable[Submission],
    grading: GradingConfig | None = None,
    check_options: Mapping[str, Any] | None = None,
) -> list[UploadItem]:
    """Store one file's submissions, each in its own transaction: a refused one never stops the others."""
    _facts_table_ready(factory.kw["bind"])  # before any write lock is held
    items: list[UploadItem] = []
    for sub in submissions:
        work = partial(
            _place_one,
            submitter=submitter,
            submission=sub,
            grading=grading,
            file=file,
            check_options=check_options,
        )
        try:
            items.append(transaction(factory, work))
        except UserError as exc:
            items.append(UploadItem(file, sub.project, sub.unit, "refused", message=exc.message))
    return items


def _place_one(
    session: Session,
    *,
    submitter: User,
    submission: Submission,
    grading: GradingConfig | None,
    file: str,
    check_options: Mapping[str, Any] | None = None,
) -> UploadItem:
    placed = place_submission(
        session, submitter=submitter, submission=submission, grading=grading, check_options=check_options
    )
    record, previous = placed.record, placed.previous
    if placed.kind != "same":  # counted on the dashboard without reading the precheck again
        result = workflow.latest_precheck(session, submission_id=record.id)
        session.execute(FACTS.insert(), [_fact_row(record, result)])
    closure = None
    if placed.kind in ("version", "resubmitted") and isinstance(record.diff, dict):
        diff = record.diff
        closure = Closure(
            fixed=len(diff.get("resolved") or []),
            remaining=int(diff.get("unchanged") or 0),
            new=len(diff.get("added") or []),
        )
    note = _OUTCOME_NOTE[placed.kind].format(version=record.version, previous=previous.id if previous else "")
    return UploadItem(
        file=file,
        project=record.project,
        unit=record.unit,
        outcome=placed.kind,
        id=record.id,
        previous_id=previous.id if previous else None,
        version=record.version,
        grade=record.grade,
        findings=record.findings_count,
        closure=closure,
        message=note,
    )


# ---- bulk approval -----------------------------------------------------------------------------------------


@dataclass
class ApprovalOutcome:
    id: int
    ok: bool
    message: str
    code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "message": self.message, "code": self.code}


BULK_MAX = 500


def approve_many(
    factory: sessionmaker[Session], *, actor: User, submission_ids: list[int], comment: str | None = None
) -> list[ApprovalOutcome]:
    """审批通过 several opinions, each through `workflow.approve_review` in its own transaction (so its
    locking, state checks, separation of duties and audit entry apply one by one); a refused one is
    reported with the workflow's reason and the rest proceed. One more audit entry records the batch."""
    ids = list(dict.fromkeys(submission_ids))
    if not ids:
        raise UserError("请至少选择一个要审批通过的项目。", code="nothing_selected")
    if len(ids) > BULK_MAX:
        raise UserError(f"一次最多审批 {BULK_MAX} 个项目，本次选择了 {len(ids)} 个，请分批审批。")
    outcomes: list[ApprovalOutcome] = []
    for submission_id in ids:
        work = partial(_approve_one, actor=actor, submission_id=submission_id, comment=comment)
        try:
            transaction(factory, work)
        except UserError as exc:
            outcomes.append(ApprovalOutcome(submission_id, False, exc.message, exc.code))
        else:
            outcomes.append(ApprovalOutcome(submission_id, True, "已审批通过"))
    approved = [o.id for o in outcomes if o.ok]
    failed = [{"id": o.id, "code": o.code} for o in outcomes if not o.ok]
    transaction(
        factory,
        partial(
            _audit_batch, actor=actor, details={"approved": approved, "failed": failed, "comment": comment}
        ),
    )
    return outcomes


def _approve_one(session: Session, *, actor: User, submission_id: int, comment: str | None) -> None:
    workflow.approve_review(session=session, actor=actor, submission_id=submission_id, comment=comment)


def _audit_batch(session: Session, *, actor: User, details: dict[str, Any]) -> None:
    record_audit(session, actor=actor.username, action="review.approve_batch", details=details)


# ---- exports: the 汇总表 rows and a zip of opinions --------------------------------------------------------


def _source_file(record: SubmissionRecord) -> str:
    return (record.source or "").split("#", 1)[0] or f"申报 #{record.id}"


def export_rows(session: Session, *, viewer: User, ids: list[int]) -> list[tuple[BatchRow, SubmissionRecord]]:
    """The 汇总表 rows (assistant.batch) of the given submissions, in id order, 序号 1…n."""
    if not ids:
        return []
    records: dict[int, SubmissionRecord] = {}
    results: dict[int, CheckResult] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for record in session.scalars(select(SubmissionRecord).where(SubmissionRecord.id.in_(chunk))):
            if has_permission(viewer, Permission.view_all) or record.submitter_id == viewer.id:
                records[record.id] = record
        stmt = (
            select(PrecheckRecord).where(PrecheckRecord.submission_id.in_(chunk)).order_by(PrecheckRecord.id)
        )
        for pre in session.scalars(stmt):
            results[pre.submission_id] = CheckResult.model_validate(pre.result)  # the latest wins
    out: list[tuple[BatchRow, SubmissionRecord]] = []
    for seq, sid in enumerate(sorted(records), 1):
        record = records[sid]
        row = BatchRow(
            seq,
            _source_file(record),
            submission=Submission.model_validate(record.canonical),
            result=results.get(sid),
        )
        if row.result is not None and row.result.error:
            row.error = row.result.error
        elif row.result is None:
            row.error = "没有预审结果"
        out.append((row, record))
    return out


def opinions_zip(session: Session, rows: list[tuple[BatchRow, SubmissionRecord]]) -> tuple[bytes, int]:
    """A .zip of one 审核意见 .docx per checked row: the stored opinion where one was drafted (an approved
    one exactly as its own export), else the rules-only draft. Returns the bytes and the number of files."""
    graded = [(row, record) for row, record in rows if row.graded is not None and row.submission is not None]
    if len(graded) > ZIP_MAX:
        raise UserError(
            f"一次最多打包 {ZIP_MAX} 份审核意见，当前筛选结果有 {len(graded)} 份，"
            "请按单位或等级缩小范围后再导出。",
            code="too_many_opinions",
        )
    reviews = {
        r.submission_id: r
        for r in session.scalars(
            select(ReviewRecord).where(ReviewRecord.submission_id.in_([rec.id for _, rec in graded]))
        )
    }
    writer = OpinionDocxWriter()
    width = max(3, len(str(len(rows))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for row, record in graded:
            assert row.submission is not None and row.result is not None
            review = reviews.get(record.id)
            if review is not None and record.status == "approved":
                data = export_review_docx(record=record, review=review, precheck=row.result)
            else:
                text_ = review.text if review is not None else opinion_text(row.submission, row.result)
                data = writer.render(row.submission, row.result, text_, record.id)
            zf.writestr(opinion_file_name(row, width), data)
    return buf.getvalue(), len(graded)


__all__ = [
    "Closure",
    "ClosureReport",
    "Fact",
    "Placement",
    "TableFilter",
    "UploadItem",
    "approve_many",
    "closure_report",
    "export_rows",
    "facets",
    "filtered_ids",
    "find_previous",
    "load_facts",
    "opinions_zip",
    "place_submission",
    "place_uploads",
    "round_stats",
    "table",
    "version_chain",
]
