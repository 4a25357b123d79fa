"""`jixiao audit verify` on a real data dir: exit 0 and the chain head when intact, exit 1 naming the
first broken row when a row was changed behind the application's back, and an anchor that must stay."""

from __future__ import annotations

import sqlite3

from typer.testing import CliRunner

from jixiao.cli.main import app


def _log(n: int) -> str:
    from assistant.records import open_records, record_audit, session_scope
    from core.settings import get_settings

    settings = get_settings()
    factory = open_records(settings)
    with session_scope(factory) as session:
        for i in range(n):
            record_audit(session, actor="wang", action="review.edit", submission_id=i, details={"i": i})
    factory.kw["bind"].dispose()
    return settings.resolved_database_url.removeprefix("sqlite:///")


def test_verify_reports_an_intact_chain_and_its_head(tmp_data_dir):
    _log(3)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    summary, head = result.output.strip().splitlines()
    assert "审计日志完整：共 3 条" in summary and len(head) == 64
    again = CliRunner().invoke(app, ["audit", "verify", "--anchor", head])
    assert again.exit_code == 0, again.output


def test_verify_fails_on_a_changed_row_and_on_a_lost_anchor(tmp_data_dir):
    path = _log(4)
    head = CliRunner().invoke(app, ["audit", "verify"]).output.strip().splitlines()[-1]
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    connection.commit()
    connection.close()
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "审计日志已被篡改" in result.output and "第 2 条" in result.output
    assert "Traceback" not in result.output
    lost = CliRunner().invoke(app, ["audit", "verify", "--anchor", "0" * 64])
    assert lost.exit_code == 1 and "链头哈希" in lost.output
    assert head not in lost.output.splitlines()
