"""The audit log is tamper-evident: a database trigger refuses raw UPDATE/DELETE, and the hash chain over
its rows exposes any row changed, removed or slipped in behind the application's back."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from assistant.records import (
    list_audit,
    open_records,
    record_audit,
    session_scope,
    transaction,
    verify_audit_chain,
)
from assistant.records.schema import APPEND_ONLY
from core.settings import Settings


@pytest.fixture()
def settings(tmp_data_dir):
    return Settings(data_dir=tmp_data_dir, _env_file=None)


@pytest.fixture()
def factory(settings):
    return open_records(settings)


def _db_file(settings) -> str:
    return settings.resolved_database_url.removeprefix("sqlite:///")


def _append(factory, n: int, actor: str = "wang") -> None:
    with session_scope(factory) as session:
        for i in range(n):
            record_audit(
                session, actor=actor, action="review.edit", submission_id=i, details={"v": i, "文": "改"}
            )


def test_a_fresh_log_verifies_and_rows_chain_to_each_other(factory):
    _append(factory, 5)
    with session_scope(factory) as session:
        result = verify_audit_chain(session)
        rows = session.execute(text("SELECT prev_hash, hash FROM audit_log ORDER BY id")).all()
    assert result.ok and result.checked == 5 and "完整" in result.summary()
    assert rows[0][0] == "" and all(rows[i][0] == rows[i - 1][1] for i in range(1, 5))
    assert len({h for _, h in rows}) == 5


def test_raw_sql_cannot_update_or_delete_audit_rows(factory, settings):
    _append(factory, 2)
    connection = sqlite3.connect(_db_file(settings))  # not the app's engine: a plain client
    try:
        for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match=APPEND_ONLY):
                connection.execute(statement)
        connection.rollback()
    finally:
        connection.close()
    with session_scope(factory) as session, pytest.raises(DBAPIError, match=APPEND_ONLY):
        session.execute(text("DELETE FROM audit_log WHERE id = 1"))
    with session_scope(factory) as session:
        assert [e["actor"] for e in list_audit(session)] == ["wang", "wang"]


@pytest.mark.parametrize(
    ("tamper", "first_bad", "reason"),
    [
        ("UPDATE audit_log SET details = '{\"v\": 99}' WHERE id = 3", 3, "内容与其哈希不符"),
        ("DELETE FROM audit_log WHERE id = 2", 3, "前序哈希"),
        (
            "INSERT INTO audit_log (id, at, actor, action, details, prev_hash, hash) "
            "SELECT 9, at, 'mallory', 'review.approve', '{}', hash, hash FROM audit_log WHERE id = 4",
            9,  # appended after row 6 but claiming to follow row 4
            "前序哈希",
        ),
    ],
)
def test_tampering_behind_the_triggers_is_detected(factory, settings, tamper, first_bad, reason):
    _append(factory, 6)
    connection = sqlite3.connect(_db_file(settings))
    try:  # an attacker with file access drops the guards first
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("DROP TRIGGER audit_log_no_delete")
        connection.execute("DROP INDEX ux_audit_log_prev_hash")
        connection.execute(tamper)
        connection.commit()
    finally:
        connection.close()
    with session_scope(factory) as session:
        result = verify_audit_chain(session)
    assert not result.ok and result.first_bad_id == first_bad
    assert reason in result.problems[0] and "篡改" in result.summary()


def test_concurrent_appends_keep_one_chain(factory):
    errors = []

    def writer(name: str) -> None:
        try:
            for i in range(10):
                transaction(
                    factory,
                    lambda s, i=i: record_audit(s, actor=name, action="submission.create", details={"i": i}),
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"u{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(factory) as session:
        result = verify_audit_chain(session)
    assert result.ok and result.checked == 60


def test_rows_from_before_the_chain_are_chained_at_upgrade(settings):
    path = _db_file(settings)
    factory = open_records(settings)
    _append(factory, 3)
    factory.kw["bind"].dispose()
    connection = sqlite3.connect(path)  # make it look like a database from the previous version
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("DROP TRIGGER audit_log_no_delete")
    connection.execute("DROP INDEX ux_audit_log_prev_hash")
    connection.execute("UPDATE audit_log SET prev_hash = NULL, hash = NULL")
    connection.commit()
    connection.close()
    upgraded = open_records(settings)
    with session_scope(upgraded) as session:
        assert verify_audit_chain(session).ok
        record_audit(session, actor="li", action="token.issue")
    with session_scope(upgraded) as session:
        result = verify_audit_chain(session)
        assert result.ok and result.checked == 4
        with pytest.raises(DBAPIError, match=APPEND_ONLY):
            session.execute(text("UPDATE audit_log SET actor = 'x'"))
