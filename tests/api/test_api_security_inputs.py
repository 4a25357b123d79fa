"""The bad-input list of issue 13, each case against the real app: a 4xx with a Chinese message (never a
500), or, for control characters, cleaned at the edge so that the record still exports to Word."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from support.review_env import build_env

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BIG = 10**23


@pytest.fixture(scope="module")
def project(data_dir_shared) -> dict:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["submissions"]}["D07"]


@pytest.fixture()
def env(tmp_path: Path, starter_index: Path):
    env = build_env(tmp_path / "var", starter_index)  # drafting retrieves: a copy of the indexed starter pack
    yield env
    env.app.state.services.close()


def _refused(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    error = response.json()["error"]
    assert CHINESE.search(error["message"]), error
    assert "Traceback" not in response.text
    return error


def _json(client, method, url, raw: str | bytes, headers):
    body = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    return client.request(method, url, content=body, headers={**headers, "content-type": "application/json"})


def _submit(env, base, **changes) -> int:
    response = env.client.post("/v1/submissions", json={**base, **changes}, headers=env.headers("unit1"))
    assert response.status_code == 201, response.text
    return response.json()["items"][0]["id"]


def _draft(env, sid: int) -> dict:
    response = env.client.post(f"/v1/reviews/{sid}/draft", json={}, headers=env.headers("reviewer1"))
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_lone_surrogates_are_refused_naming_the_field(env, project):
    unit, reviewer = env.headers("unit1"), env.headers("reviewer1")
    raw = json.dumps({**project, "project": "村组\ud800干部报酬"})  # ensure_ascii: sent as \ud800
    error = _refused(_json(env.client, "POST", "/v1/submissions", raw, unit), 400)
    assert error["code"] == "invalid_unicode" and "project" in error["message"]
    _refused(_json(env.client, "POST", "/v1/prechecks", raw, unit), 400)
    sid = _submit(env, project)
    _draft(env, sid)
    edit = json.dumps({"text": "审核意见\udfff正文"})
    error = _refused(_json(env.client, "PUT", f"/v1/reviews/{sid}", edit, reviewer), 400)
    assert "text" in error["message"]
    chat = json.dumps({"question": "什么是绩效目标\ud83d"})
    _refused(_json(env.client, "POST", "/v1/chat", chat, unit), 400)


@pytest.mark.parametrize("url", ["/v1/submissions", "/v1/prechecks", "/v1/chat", "/v1/reviews/1/draft"])
def test_deeply_nested_json_is_refused_before_parsing(env, url):
    nested = "[" * 100_000 + "]" * 100_000
    user = "reviewer1" if "reviews" in url else "unit1"
    error = _refused(_json(env.client, "POST", url, nested, env.headers(user)), 400)
    assert error["code"] == "json_too_deep" and "64" in error["message"]
    wrapped = '{"question": ' + "[" * 200 + "]" * 200 + "}"
    _refused(_json(env.client, "POST", "/v1/chat", wrapped, env.headers("unit1")), 400)


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/submissions/{BIG}",
        f"/v1/submissions/-{BIG}",
        f"/v1/submissions/{BIG}/precheck",
        f"/v1/reviews/{BIG}",
        f"/v1/reviews/{BIG}/export.docx",
        f"/v1/clauses/{BIG}",
        f"/v1/audit?submission_id={BIG}",
    ],
)
def test_ids_beyond_64_bits_are_4xx(env, path):
    error = _refused(env.client.get(path, headers=env.headers("reviewer1")), 404, 422)
    assert error["code"] in ("id_out_of_range", "number_out_of_range")


def test_numbers_beyond_64_bits_in_a_body_are_refused(env, project):
    sid = _submit(env, project)
    _draft(env, sid)
    body = '{"text": "修改后的意见", "version": ' + str(BIG) + "}"
    error = _refused(_json(env.client, "PUT", f"/v1/reviews/{sid}", body, env.headers("reviewer1")), 400)
    assert "version" in error["message"]


def test_a_100k_character_project_name_downloads_with_a_bounded_header(env, project):
    sid = _submit(env, project, project="农村公路养护" * 20_000)
    _draft(env, sid)
    response = env.client.get(f"/v1/reviews/{sid}/export.docx", headers=env.headers("reviewer1"))
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert len(disposition) < 2_000
    disposition.encode("latin-1")  # a header must be latin-1: the Chinese name travels as RFC 5987
    assert "filename*=UTF-8''" in disposition
    fallback = re.search(r'filename="([^"]*)"', disposition).group(1)
    assert fallback.isascii() and 0 < len(fallback) <= 100


def test_review_text_is_bounded(env, project):
    sid = _submit(env, project)
    _draft(env, sid)
    from api.schemas import TEXT_MAX

    huge = "审" * (TEXT_MAX + 1)
    response = env.client.put(f"/v1/reviews/{sid}", json={"text": huge}, headers=env.headers("reviewer1"))
    error = _refused(response, 413, 422)
    assert f"text 超过长度上限 {TEXT_MAX} 字" in error["message"]
    comment = env.client.post(
        f"/v1/reviews/{sid}/return", json={"comment": "退" * 100_000}, headers=env.headers("reviewer1")
    )
    _refused(comment, 413, 422)


def test_control_characters_are_cleaned_at_the_edge_and_the_export_works(env, project):
    from docx import Document

    dirty = {
        **project,
        "project": "农村\x00公路\x07养护\u200b项目",
        "unit": "常宁市\x1b交通运输局",
        "annual_goal": project.get("annual_goal", "") + "\x0b\x0c",
    }
    sid = _submit(env, project, **{k: v for k, v in dirty.items() if k in ("project", "unit", "annual_goal")})
    detail = env.client.get(f"/v1/submissions/{sid}", headers=env.headers("unit1")).json()
    assert detail["project"] == "农村公路养护项目"
    draft = _draft(env, sid)
    text = draft["text"] + "\n补充意见：\x00请核实\x1f数据\x08。"
    edited = env.client.put(
        f"/v1/reviews/{sid}",
        json={"text": text, "comment": "修改\x00说明", "version": draft["version"]},
        headers=env.headers("reviewer1"),
    )
    assert edited.status_code == 200, edited.text
    assert "补充意见：请核实数据。" in edited.json()["text"]
    export = env.client.get(f"/v1/reviews/{sid}/export.docx", headers=env.headers("reviewer1"))
    assert export.status_code == 200
    words = "\n".join(p.text for p in Document(io.BytesIO(export.content)).paragraphs)
    assert "请核实数据" in words


def test_a_stored_control_character_cannot_break_the_export(env, project):
    """Rows written before the edge cleaning (or by another door) still export."""
    from docx import Document
    from sqlalchemy import text as sql

    sid = _submit(env, project)
    _draft(env, sid)
    with env.app.state.services.session_factory() as session:
        session.execute(
            sql("UPDATE reviews SET text = text || :bad WHERE submission_id = :sid"),
            {
                "bad": "\n旧数据\x00中的\x01控制字符",
                "sid": sid,
            },
        )
        session.commit()
    export = env.client.get(f"/v1/reviews/{sid}/export.docx", headers=env.headers("reviewer1"))
    assert export.status_code == 200, export.text
    words = "\n".join(p.text for p in Document(io.BytesIO(export.content)).paragraphs)
    assert "旧数据中的控制字符" in words


def test_markdown_export_escapes_html(env, project):
    sid = _submit(env, project, project="<script>alert(1)</script>道路养护 & 管理")
    report = env.client.get(
        f"/v1/submissions/{sid}/precheck", params={"format": "markdown"}, headers=env.headers("unit1")
    )
    assert report.status_code == 200
    assert "<script" not in report.text.lower() and "&lt;script>alert(1)&lt;/script>" in report.text
    assert "&amp; 管理" in report.text
    assert report.headers["x-content-type-options"] == "nosniff"
