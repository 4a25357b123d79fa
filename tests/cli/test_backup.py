"""`jixiao backup DIR` / `jixiao restore DIR`: a live data dir (records, a policy file uploaded and indexed
through the API, the starter pack's vectors and lexical index) is backed up while the app is open,
restored into a fresh data dir, and searched and exported there."""

from __future__ import annotations

import io
import json
import stat
import time
from pathlib import Path

import pytest
from support import review_env
from support.review_env import build_env
from typer.testing import CliRunner

starter_index = review_env.starter_index  # the session's indexed starter pack, as a fixture

POLICY = """# 常宁市城乡环卫保洁项目绩效目标审核细则

第一条 为规范城乡环卫保洁项目绩效目标的审核，根据预算绩效管理有关规定，制定本细则。

第二条 环卫保洁项目的数量指标应当以实际保洁面积（平方米）和垃圾清运量（吨）表述，不得以“全面覆盖”代替。

第三条 本细则自印发之日起施行。
"""
QUESTION = "环卫保洁项目的数量指标应当以实际保洁面积和垃圾清运量表述"


def _cli(args: list[str], data_dir: Path, monkeypatch) -> object:
    from core.settings import get_settings
    from jixiao.cli.main import app

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(data_dir))
    for name in ("JIXIAO_DATABASE_URL", "JIXIAO_CHROMA_URL", "JIXIAO_LLM_BASE_URL", "JIXIAO_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args)
    finally:
        get_settings.cache_clear()


def _wait_job(env, job_id: str) -> dict:
    for _ in range(600):
        job = env.client.get(f"/v1/documents/jobs/{job_id}", headers=env.headers("admin1")).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("ingest job did not finish")


@pytest.fixture()
def live_source(tmp_path, starter_index, data_dir_shared):
    """A data dir in use: a submission with a drafted opinion, a policy file uploaded and indexed."""
    env = build_env(tmp_path / "source", starter_index)
    project = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"][0]
    created = env.client.post("/v1/submissions", json=project, headers=env.headers("unit1"))
    assert created.status_code == 201, created.text
    sid = created.json()["items"][0]["id"]
    drafted = env.client.post(f"/v1/reviews/{sid}/draft", json={}, headers=env.headers("reviewer1"))
    assert drafted.status_code in (200, 201), drafted.text
    upload = env.client.post(
        "/v1/documents",
        files=[("file", ("环卫保洁审核细则.md", POLICY.encode("utf-8"), "text/markdown"))],
        headers=env.headers("admin1"),
    )
    assert upload.status_code == 202, upload.text
    job = _wait_job(env, upload.json()["job_id"])
    assert job["status"] == "done" and job["added"] == 1, job
    uploaded = list((env.data_dir / "uploads").rglob("*.md"))
    assert uploaded and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in uploaded)  # owner only
    yield env, sid, project
    env.app.state.services.close()


def test_backup_then_restore_into_a_fresh_data_dir_searches_and_exports(live_source, tmp_path, monkeypatch):
    env, sid, project = live_source
    backup_dir = tmp_path / "backup-2025-01"
    result = _cli(["backup", str(backup_dir)], env.data_dir, monkeypatch)  # while the app is open
    assert result.exit_code == 0, result.output
    assert "已备份" in result.output and "数据库 1 个文件" in result.output
    manifest = json.loads((backup_dir / "jixiao-backup.json").read_text(encoding="utf-8"))
    assert manifest["database"]["kind"] == "sqlite"
    assert (
        manifest["parts"]["chroma"] > 0
        and manifest["parts"]["index"] > 0
        and manifest["parts"]["uploads"] == 1
    )
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((backup_dir / "database" / "jixiao.sqlite3").stat().st_mode) == 0o600

    fresh = tmp_path / "fresh"
    result = _cli(["restore", str(backup_dir)], fresh, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "已恢复" in result.output
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert stat.S_IMODE((fresh / "jixiao.sqlite3").stat().st_mode) == 0o600
    uploaded = list((fresh / "uploads").rglob("*.md"))
    assert [p.read_text(encoding="utf-8") for p in uploaded] == [POLICY]

    from fastapi.testclient import TestClient
    from support.review_env import rules_only_settings

    from api.app import create_app

    app = create_app(rules_only_settings(fresh))
    try:
        client = TestClient(app)
        headers = env.headers("reviewer1")  # tokens live in the database: the same token works
        listed = client.get("/v1/submissions", headers=headers).json()["items"]
        assert [(i["id"], i["external_id"]) for i in listed] == [(sid, project["id"])]
        hits = client.get("/v1/search", params={"q": QUESTION, "k": 3}, headers=headers).json()["hits"]
        assert hits and "环卫保洁" in hits[0]["doc"] and "第二条" in hits[0]["article"], hits[:1]
        restored, original = app.state.services.knowledge_base(), env.app.state.services.knowledge_base()
        assert restored.stats() == original.stats()  # every document and clause, vectors and lexical index
        exported = client.get(f"/v1/reviews/{sid}/export.docx", headers=headers)
        assert exported.status_code == 200
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(exported.content)).paragraphs)
        assert "审核意见" in text
    finally:
        app.state.services.close()


def test_restore_refuses_a_data_dir_in_use_and_a_damaged_backup(live_source, tmp_path, monkeypatch):
    env, _sid, _project = live_source
    backup_dir = tmp_path / "backup"
    assert _cli(["backup", str(backup_dir)], env.data_dir, monkeypatch).exit_code == 0

    again = _cli(["backup", str(backup_dir)], env.data_dir, monkeypatch)
    assert again.exit_code == 1 and "已存在且不为空" in again.output

    occupied = _cli(["restore", str(backup_dir)], env.data_dir, monkeypatch)
    assert occupied.exit_code == 1 and "--force" in occupied.output and "Traceback" not in occupied.output

    index_file = next(p for p in sorted((backup_dir / "index").rglob("*")) if p.is_file())
    with index_file.open("ab") as handle:
        handle.write(b"tampered")
    damaged = _cli(["restore", str(backup_dir)], tmp_path / "other", monkeypatch)
    assert damaged.exit_code == 1 and "校验和不符" in damaged.output
    assert not (tmp_path / "other" / "jixiao.sqlite3").exists()  # nothing written before the check

    not_a_backup = _cli(["restore", str(tmp_path / "nothing")], tmp_path / "other", monkeypatch)
    assert not_a_backup.exit_code == 1 and "不是 jixiao backup 生成的备份目录" in not_a_backup.output


def test_postgresql_without_pg_dump_is_a_chinese_message(tmp_path, monkeypatch):
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    monkeypatch.setenv("JIXIAO_DATABASE_URL", "postgresql://jixiao:secret@127.0.0.1:5432/jixiao")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no pg_dump anywhere
    from core.settings import get_settings
    from jixiao.cli.main import app

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["backup", str(tmp_path / "b")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "未找到 pg_dump" in result.output and "secret" not in result.output
