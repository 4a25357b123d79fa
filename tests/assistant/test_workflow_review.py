"""The review workflow as services (no HTTP): real SQLite, real checks, rules-only drafting."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from assistant import workflow
from assistant.models import Submission
from assistant.records import ReviewVersion, create_user, list_audit, open_records, session_scope
from core.errors import Conflict, Forbidden, NotFound, UserError
from core.settings import Settings


@pytest.fixture(scope="module")
def dev(data_dir_shared) -> dict[str, Submission]:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return {s["id"]: Submission.model_validate(s) for s in data["submissions"]}


@pytest.fixture()
def people(tmp_data_dir):
    factory = open_records(Settings(data_dir=tmp_data_dir, _env_file=None))
    with session_scope(factory) as session:
        users = {
            name: create_user(session, username=name, role=role)
            for name, role in (
                ("unit1", "submitter"),
                ("unit2", "submitter"),
                ("rev", "reviewer"),
                ("boss", "approver"),
                ("root", "admin"),
            )
        }
    return factory, users


def test_submit_draft_edit_approve_is_recorded_step_by_step(people, dev):
    factory, u = people
    with session_scope(factory) as s:
        record = workflow.submit(session=s, submitter=u["unit1"], submission=dev["D07"])
        sid = record.id
        assert (record.status, record.version, record.external_id) == ("pending", 1, "D07")
        assert workflow.latest_precheck(s, submission_id=sid).grade.value == record.grade
    with session_scope(factory) as s:
        review = workflow.draft_review(session=s, actor=u["rev"], submission_id=sid)
        assert review.opinion["grade"] == record.grade and review.mode == "rules-only"
    with session_scope(factory) as s:
        workflow.edit_review(
            session=s, actor=u["rev"], submission_id=sid, text="审核结论：同意。", comment="精简"
        )
        workflow.approve_review(session=s, actor=u["boss"], submission_id=sid)
    with session_scope(factory) as s:
        versions = s.scalars(select(ReviewVersion).order_by(ReviewVersion.version)).all()
        assert [(v.action, v.author.username, v.text == "审核结论：同意。") for v in versions] == [
            ("draft", "rev", False),
            ("edit", "rev", True),
            ("approve", "boss", True),
        ]
        audit = list_audit(s, submission_id=sid)
        assert [(e["actor"], e["action"]) for e in audit] == [
            ("unit1", "submission.create"),
            ("system", "precheck.done"),
            ("rev", "review.draft"),
            ("rev", "review.edit"),
            ("boss", "review.approve"),
        ]
        assert audit[-1]["details"]["status"] == "approved"
        with pytest.raises(Conflict):
            workflow.return_review(session=s, actor=u["rev"], submission_id=sid, comment="再改")


def test_roles_are_enforced_by_the_services_too(people, dev):
    factory, u = people
    with session_scope(factory) as s:
        sid = workflow.submit(session=s, submitter=u["unit1"], submission=dev["D07"]).id
    with session_scope(factory) as s:
        with pytest.raises(Forbidden):
            workflow.draft_review(session=s, actor=u["unit1"], submission_id=sid)
        workflow.draft_review(session=s, actor=u["rev"], submission_id=sid)
        with pytest.raises(Forbidden):
            workflow.approve_review(session=s, actor=u["root"], submission_id=sid)
        with pytest.raises(NotFound):
            workflow.get_submission(s, viewer=u["unit2"], submission_id=sid)
        with pytest.raises(NotFound):
            workflow.resubmit(session=s, submitter=u["unit2"], previous_id=sid, submission=dev["D07"])
        with pytest.raises(Forbidden, match="原提交单位"):
            workflow.resubmit(session=s, submitter=u["rev"], previous_id=sid, submission=dev["D07"])
        assert [r.id for r in workflow.list_submissions(s, viewer=u["unit2"])] == []
        assert [r.id for r in workflow.list_submissions(s, viewer=u["boss"])] == [sid]


def test_return_requires_a_comment_and_drafts_if_needed(people, dev):
    factory, u = people
    with session_scope(factory) as s:
        sid = workflow.submit(session=s, submitter=u["unit1"], submission=dev["D04"]).id
    with session_scope(factory) as s:
        with pytest.raises(UserError, match="退回意见"):
            workflow.return_review(session=s, actor=u["rev"], submission_id=sid, comment=" ")
        review = workflow.return_review(
            session=s, actor=u["rev"], submission_id=sid, comment="请补充成本指标"
        )
        assert [v.action for v in review.versions] == ["draft", "return"]
        assert review.versions[-1].comment == "请补充成本指标"


def test_resubmission_diff_matches_the_two_prechecks(people, dev):
    factory, u = people
    fixed = dev["D04"].model_copy(update={"annual_goal": dev["D02"].annual_goal})
    with session_scope(factory) as s:
        first = workflow.submit(session=s, submitter=u["unit1"], submission=dev["D04"])
        workflow.return_review(session=s, actor=u["rev"], submission_id=first.id, comment="请修改年度目标")
        second = workflow.resubmit(session=s, submitter=u["unit1"], previous_id=first.id, submission=fixed)
        old = workflow.latest_precheck(s, submission_id=first.id)
        new = workflow.latest_precheck(s, submission_id=second.id)
        assert first.superseded_by_id == second.id and second.previous_id == first.id and second.version == 2
        resolved = {f["code"] for f in second.diff["resolved"]}
        assert "GOAL_VAGUE" in resolved and "GOAL_VAGUE" not in {f.code for f in new.findings}
        assert second.diff["unchanged"] + len(second.diff["resolved"]) == len(old.findings)
        assert second.diff["unchanged"] + len(second.diff["added"]) == len(new.findings)
        with pytest.raises(Conflict, match="替代"):
            workflow.draft_review(session=s, actor=u["rev"], submission_id=first.id)
