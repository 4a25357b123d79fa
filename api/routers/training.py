"""培训练习: practice cases for trainees, exercises with the answer key hidden, scoring by the rules.

Any signed-in user may practise; nothing is stored (scoring is a pure function of the case and the marks).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from api.deps import CurrentUser
from assistant import training

router = APIRouter(prefix="/training", tags=["培训练习"])


@router.get("/cases", summary="练习案例列表")
def list_cases(_user: CurrentUser) -> dict[str, Any]:
    return {"items": [c.model_dump(mode="json") for c in training.list_cases()]}


@router.get("/cases/{case_id}", summary="一道练习：申报内容与可选问题类型（不含答案）")
def get_exercise(case_id: str, _user: CurrentUser) -> dict[str, Any]:
    return training.build_exercise(training.get_case(case_id)).model_dump(mode="json")


@router.post("/cases/{case_id}/answer", summary="提交标注，按规则评分并讲解漏判问题")
async def answer(case_id: str, body: training.Answer, _user: CurrentUser) -> dict[str, Any]:
    case = training.get_case(case_id)
    score = await run_in_threadpool(training.score_answer, case, body.marks)
    return score.model_dump(mode="json")
