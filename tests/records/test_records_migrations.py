"""Schema migrations (Alembic) on SQLite and PostgreSQL.

- a fresh database built by the revisions has exactly the schema of the models (and round_facts);
- a database with the schema of before the migrations (the baseline revision 0001, versioned or not, or
  this morning's create_all schema without a version) and real data written by the app is upgraded with its
  rows intact, its audit chain the same hashes, its tokens working, and the app serving it;
- several processes migrating one database at once migrate it once;
- downgrade to empty and upgrade again; `jixiao db current` / `jixiao db upgrade`.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, Integer, MetaData, select, text
from support.review_env import USERS, build_env, rules_only_settings, seed_starter_index
from typer.testing import CliRunner

from assistant.records import migrations
from assistant.records.db import init_db, make_engine, schema_state, writer
from assistant.records.models import Base, as_utc
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
# objects the database holds that no model declares: the audit chain's unique index (schema.py)
EXTRA_OBJECTS = {("remove_index", "ux_audit_log_prev_hash")}


def _engine(data_dir: Path, db_url: str | None) -> Engine:
    return make_engine(Settings(data_dir=data_dir, database_url=db_url, _env_file=None))


def _all_metadata() -> MetaData:
    """Every table the code declares: the models of each assistant.records module, and round_facts."""
    import assistant.records
    from assistant.rounds import FACTS

    for module in pkgutil.iter_modules(assistant.records.__path__):
        if module.name != "migrations":
            importlib.import_module(f"assistant.records.{module.name}")

    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    FACTS.to_metadata(metadata)
    return metadata


def _schema_differences(engine: Engine) -> list:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), _all_metadata())
    flat = []
    for diff in diffs:
        for item in diff if isinstance(diff, list) else [diff]:
            kind, obj = item[0], item[1]
            name = getattr(obj, "name", None)
            if (kind, name) not in EXTRA_OBJECTS:
                flat.append(item)
    return flat


def test_fresh_database_is_built_by_the_revisions_and_matches_the_models(tmp_data_dir, db_url):
    engine = _engine(tmp_data_dir, db_url)
    try:
        pending = schema_state(engine)
        assert pending.current is None and pending.pending[0] == "0001"
        with writer(engine).begin() as conn:  # the revisions alone, without init_db's safety net
            applied = migrations.upgrade(conn)
        assert applied == list(pending.pending) and applied[-1] == migrations.head()
        assert schema_state(engine).up_to_date
        assert _schema_differences(engine) == [], "a model changed without a migration revision"
        assert init_db(engine) == []  # already at head: nothing to do
    finally:
        engine.dispose()


def test_downgrade_to_empty_and_upgrade_again(tmp_data_dir, db_url):
    engine = _engine(tmp_data_dir, db_url)
    try:
        applied = init_db(engine)
        with writer(engine).begin() as conn:
            undone = migrations.downgrade(conn, "base")
        assert undone == list(reversed(applied))
        with engine.connect() as conn:
            left = set(conn.dialect.get_table_names(conn)) - {"alembic_version"}
        assert left == set()
        assert init_db(engine) == applied
        assert _schema_differences(engine) == []
    finally:
        engine.dispose()


# --- an existing database with data ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def donor(tmp_path_factory, starter_index, data_dir_shared) -> dict:
    """Real rows written by the app on SQLite: users and tokens, two submissions with prechecks, one
    opinion drafted, edited and approved, one drafted and pending, the audit log, an ingest job."""
    from assistant.records import session_scope
    from assistant.records.jobs import create_job

    data_dir = tmp_path_factory.mktemp("donor")
    env = build_env(data_dir, starter_index)
    dev = {
        s["id"]: s
        for s in json.loads((data_dir_shared / "targets_dev.json").read_text("utf-8"))["submissions"]
    }
    client = env.client
    sids = []
    for key in ("D07", "D01"):
        response = client.post("/v1/submissions", json=dev[key], headers=env.headers("unit1"))
        assert response.status_code == 201, response.text
        sids.append(response.json()["items"][0]["id"])
    approved, pending = sids
    for sid in sids:
        assert client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1")).status_code == 200
    text_now = client.get(f"/v1/reviews/{approved}", headers=env.headers("reviewer1")).json()["text"]
    edit = {"text": text_now + "\n补充：请于10个工作日内报送。\n", "comment": "补充时限"}
    assert (
        client.put(f"/v1/reviews/{approved}", json=edit, headers=env.headers("reviewer1")).status_code == 200
    )
    ok = client.post(
        f"/v1/reviews/{approved}/approve", json={"comment": "同意"}, headers=env.headers("approver1")
    )
    assert ok.status_code == 200, ok.text
    with session_scope(env.app.state.services.session_factory) as session:
        create_job(session, created_by="admin1", files=["旧任务.pdf"])
    engine = env.app.state.services.session_factory.kw["bind"]
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        rows = {
            name: [dict(r._mapping) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for name, table in metadata.tables.items()
            if name != "alembic_version"
        }
    env.app.state.services.close()
    return {"rows": rows, "tokens": env.tokens, "approved": approved, "pending": pending}


def _value(value):
    return as_utc(value) if isinstance(value, datetime) else value


def _load_old_database(engine: Engine, donor: dict, start: str, versioned: bool) -> dict[str, list[str]]:
    """The schema of revision `start` (built by the revisions up to it), filled with the donor's rows in the
    columns that schema has; without its alembic_version table when not `versioned` (a database made by
    create_all before the migrations existed). Returns the columns of each table at `start`."""
    with writer(engine).begin() as conn:
        migrations.upgrade(conn, target=start)
    old = MetaData()
    old.reflect(engine)
    columns: dict[str, list[str]] = {}
    with writer(engine).begin() as conn:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            columns[table.name] = [c.name for c in table.columns]
            rows = [
                {k: _value(row[k]) for k in columns[table.name]} for row in donor["rows"].get(table.name, [])
            ]
            if rows:
                conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql" and "id" in table.c and isinstance(table.c.id.type, Integer):
                # rows copied with their ids: move the id sequence past them, as the app's inserts had
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )
        if not versioned:
            conn.execute(text("DROP TABLE alembic_version"))
    return columns


@pytest.mark.parametrize(
    ("start", "versioned"),
    [("0001", True), ("0001", False), ("0003", False)],
    ids=["baseline-versioned", "before-migrations", "this-morning-unversioned"],
)
def test_existing_database_with_data_is_upgraded_and_served(
    tmp_data_dir, db_url, starter_index, donor, data_dir_shared, start, versioned
):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.records import read_scope, user_for_token, verify_audit_chain

    engine = _engine(tmp_data_dir, db_url)
    columns = _load_old_database(engine, donor, start, versioned)
    before = schema_state(engine)
    assert before.current == (start if versioned else None)

    applied = init_db(engine)
    assert applied[-1] == migrations.head()
    assert applied[0] == ("0001" if not versioned else f"{int(start) + 1:04d}")
    assert schema_state(engine).up_to_date and _schema_differences(engine) == []

    with engine.connect() as conn:  # every row as it was, in the columns it had
        for name, cols in columns.items():
            table = MetaData()
            table.reflect(conn, only=[name])
            t = table.tables[name]
            got = [
                {k: _value(r._mapping[k]) for k in cols}
                for r in conn.execute(select(t).order_by(*t.primary_key.columns))
            ]
            want = [{k: _value(r[k]) for k in cols} for r in donor["rows"].get(name, [])]
            assert got == want, name
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(bind=engine)
    with read_scope(factory) as session:
        chain = verify_audit_chain(session)
        assert chain.ok and chain.checked == len(donor["rows"]["audit_log"]), chain.problems
        hashes = list(session.execute(text("SELECT hash FROM audit_log ORDER BY id")).scalars())
        assert hashes == [r["hash"] for r in donor["rows"]["audit_log"]]  # the same chain, recomputed
        for username in USERS:
            user = user_for_token(session, donor["tokens"][username])
            assert user is not None and user.username == username
    engine.dispose()

    seed_starter_index(starter_index, tmp_data_dir)
    app = create_app(rules_only_settings(tmp_data_dir, database_url=db_url))
    try:
        client = TestClient(app, raise_server_exceptions=False)

        def headers(username: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {donor['tokens'][username]}"}

        old = client.get(f"/v1/reviews/{donor['approved']}", headers=headers("reviewer1"))
        assert old.status_code == 200 and [v["action"] for v in old.json()["versions"]] == [
            "draft",
            "edit",
            "approve",
        ]
        decided = client.post(
            f"/v1/reviews/{donor['pending']}/approve", json={"comment": "同意"}, headers=headers("approver1")
        )
        assert decided.status_code == 200 and decided.json()["status"] == "approved", decided.text
        dev = json.loads((data_dir_shared / "targets_dev.json").read_text("utf-8"))["submissions"]
        created = client.post("/v1/submissions", json=dev[0], headers=headers("unit1"))
        assert created.status_code == 201, created.text
        assert created.json()["items"][0]["id"] > max(r["id"] for r in donor["rows"]["submissions"])
        with read_scope(app.state.services.session_factory) as session:
            chain = verify_audit_chain(session)
        assert chain.ok and chain.checked > len(donor["rows"]["audit_log"]), chain.problems
    finally:
        app.state.services.close()


# --- several processes, the CLI --------------------------------------------------------------------------

_MIGRATE = """
import sys
from pathlib import Path
from assistant.records.db import init_db, make_engine
from core.settings import Settings
engine = make_engine(Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2] or None, _env_file=None))
print(",".join(init_db(engine)) or "-")
"""


def test_workers_starting_together_migrate_once(tmp_data_dir, db_url):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE, str(tmp_data_dir), db_url or ""],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    applied = sorted(out.strip() for out, _ in outputs)
    assert applied[:2] == ["-", "-"] and applied[2].startswith("0001,")  # one migrated, two found it done
    engine = _engine(tmp_data_dir, db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert schema_state(engine).up_to_date
    finally:
        engine.dispose()


def test_db_current_and_upgrade_commands(tmp_data_dir, db_url):
    from jixiao.cli.main import app

    runner = CliRunner()
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 1 and "尚未初始化" in before.output and "jixiao db upgrade" in before.output
    if db_url:
        assert "jixiao_test_pw" not in before.output  # the password never shown
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"升级到 {migrations.head()}" in upgraded.output
    after = runner.invoke(app, ["db", "current"])
    assert after.exit_code == 0 and f"结构版本 {migrations.head()}（最新）" in after.output
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0 and "已是最新" in again.output


def test_unreachable_database_is_a_chinese_message(tmp_path, monkeypatch):
    from core.settings import get_settings
    from jixiao.cli.main import app

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIXIAO_DATABASE_URL", "postgresql+psycopg://jx:secret@127.0.0.1:1/none")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "无法连接记录数据库" in result.output and "secret" not in result.output
    assert "Traceback" not in result.output


def test_serve_with_workers_stops_on_an_unreachable_database_with_one_message(tmp_path, monkeypatch):
    from core.settings import get_settings
    from jixiao.cli.main import app

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIXIAO_DATABASE_URL", "postgresql://jx:secret@127.0.0.1:1/none")  # driver added
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--workers", "2", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert (
        "无法连接记录数据库" in result.output
        and "postgresql+psycopg://jx:***@127.0.0.1:1/none" in result.output
    )


def test_a_database_from_a_newer_version_is_refused_in_chinese(tmp_data_dir, db_url):
    from jixiao.cli.main import app

    engine = _engine(tmp_data_dir, db_url)
    try:
        init_db(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(migrations.SchemaTooNew, match="更新版本"):
            init_db(engine)
    finally:
        engine.dispose()
    result = CliRunner().invoke(app, ["db", "current"])
    assert result.exit_code == 2 and "数据库结构版本为 9999" in result.output, result.output
