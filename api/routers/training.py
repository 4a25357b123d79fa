"""培训练习: practice cases for trainees, exercises with the answer key hidden, scoring by the rules.

Any signed-in user may practise. Scoring is a pure function of the case and the marks; each scored answer
is stored as the trainee's attempt, so their progress can be shown (GET /training/progress; staff see
everyone's at /training/progress/all).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from api.deps import CurrentUser, ServicesDep, SessionDep, Staff
from assistant import training
from assistant.records import transaction
from assistant.records.training_attempts import all_attempts, attempts_of, record_attempt

router = APIRouter(prefix="/training", tags=["培训练习"])


@router.get("/cases", summary="练习案例列表")
def list_cases(_user: CurrentUser) -> dict[str, Any]:
    return {"items": [c.model_dump(mode="json") for c in training.list_cases()]}


@router.get("/cases/{case_id}", summary="一道练习：申报内容与可选问题类型（不含答案）")
def get_exercise(case_id: str, _user: CurrentUser) -> dict[str, Any]:
    return training.build_exercise(training.get_case(case_id)).model_dump(mode="json")


@router.post("/cases/{case_id}/answer", summary="提交标注，按规则评分并讲解漏判问题（记入练习记录）")
async def answer(
    case_id: str, body: training.Answer, user: CurrentUser, services: ServicesDep
) -> dict[str, Any]:
    case = training.get_case(case_id)
    score = await run_in_threadpool(training.score_answer, case, body.marks)
    data = score.model_dump(mode="json")

    def store(session) -> int:
        record_attempt(session, user=user, case_id=case.case_id, score=data)
        return sum(1 for a in attempts_of(session, user.id) if a.case_id == case.case_id)

    data["attempt"] = await run_in_threadpool(transaction, services.session_factory, store)
    return data


def _attempt_dict(a) -> dict[str, Any]:
    return {
        "case_id": a.case_id,
        "score": a.score,
        "precision": a.precision,
        "recall": a.recall,
        "correct": a.correct,
        "incorrect": a.incorrect,
        "missed": a.missed,
        "missed_codes": a.missed_codes,
        "created_at": a.created_at,
    }


@router.get("/progress", summary="我的练习进度：各案例次数、最高分、最近得分和常漏判的问题类型")
def progress(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    attempts = [_attempt_dict(a) for a in attempts_of(session, user.id)]
    return training.training_progress(attempts).model_dump(mode="json")


@router.get("/progress/all", summary="全部学员的练习进度（审核、审批人员和管理员）")
def progress_all(_user: Staff, session: SessionDep) -> dict[str, Any]:
    by_user: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
    for attempt, trainee in all_attempts(session):
        by_user.setdefault(trainee.id, (trainee, []))[1].append(_attempt_dict(attempt))
    items = []
    for trainee, attempts in by_user.values():
        p = training.training_progress(attempts)
        items.append(
            {
                "username": trainee.username,
                "display_name": trainee.display_name,
                "attempts": p.attempts,
                "cases_attempted": p.cases_attempted,
                "cases_mastered": p.cases_mastered,
                "average_latest": p.average_latest,
                "weak_codes": [w.model_dump() for w in p.weak_codes[:3]],
            }
        )
    return {"items": items}
