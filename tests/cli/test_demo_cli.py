"""The README's main job, minus the server: starter knowledge, demo accounts, prechecked samples."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from jixiao.cli.demo import BUNDLED_SAMPLES
from jixiao.cli.main import app


@pytest.mark.slow
def test_demo_prepares_everything_and_is_rerunnable(tmp_data_dir):
    from assistant.records import get_user, open_records, session_scope, user_for_token
    from assistant.workflow import list_submissions
    from core.settings import get_settings

    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--no-serve", "--no-corpus", str(BUNDLED_SAMPLES)])
    assert first.exit_code == 0, first.output
    assert "已导入并预审 demo_submissions.json：2 个项目" in first.output
    assert "并已起草审核意见" in first.output
    token = re.search(r"demo_reviewer\s+(jx_\S+)", first.output).group(1)

    second = runner.invoke(app, ["demo", "--no-serve", "--no-corpus", str(BUNDLED_SAMPLES)])
    assert second.exit_code == 0, second.output
    assert "跳过导入" in second.output

    with session_scope(open_records(get_settings())) as session:
        assert user_for_token(session, token).username == "demo_reviewer"
        records = list_submissions(session, viewer=get_user(session, "demo_reviewer"))
        assert sorted(r.grade for r in records) == ["中", "优"]
        assert all(r.status == "pending" for r in records)
        from assistant.workflow import get_review

        reviewer = get_user(session, "demo_reviewer")
        for r in records:
            review = get_review(session, viewer=reviewer, submission_id=r.id)
            assert f"审核结论：**{r.grade}**" in review.text
