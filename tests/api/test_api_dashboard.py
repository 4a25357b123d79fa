"""The round dashboard over HTTP (real app, real SQLite): batch upload with re-uploads matched to earlier
versions, statistics and filters checked against the stored submissions one by one, 整改闭环, bulk approval,
the 汇总表 and the zip of opinions."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections import Counter

import pytest
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def dev(data_dir_shared) -> list[dict]:
    return json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]


def _json_file(name: str, data) -> tuple[str, tuple[str, bytes]]:
    return ("file", (name, json.dumps(data, ensure_ascii=False).encode("utf-8")))


def _upload(env, files, user="unit1", status=200) -> dict:
    response = env.client.post("/v1/dashboard/upload", files=files, headers=env.headers(user))
    assert response.status_code == status, response.text
    return response.json()


def _items(reply: dict) -> list[dict]:
    return [i for f in reply["files"] for i in f["items"]]


def _by_id(dev: list[dict], key: str) -> dict:
    return copy.deepcopy(next(s for s in dev if s["id"] == key))


def _get(env, path, user="reviewer1", **params):
    response = env.client.get(path, params=params, headers=env.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


# ---- upload ---------------------------------------------------------------------------------------------


def test_upload_reads_every_kind_of_file_and_names_the_ones_it_cannot(review_env, dev, data_dir_shared):
    env = review_env
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("第一批/D01.json", json.dumps(_by_id(dev, "D01"), ensure_ascii=False))
        zf.writestr("第一批/说明.txt", "请审核")
    files = [
        ("file", ("targets_form_D07.xlsx", (data_dir_shared / "targets_form_D07.xlsx").read_bytes())),
        ("file", ("round.zip", archive.getvalue())),
        ("file", ("notes.txt", b"not a table")),
    ]
    reply = _upload(env, files, user="reviewer1")
    names = [f["file"] for f in reply["files"]]
    assert names[0] == "targets_form_D07.xlsx" and "notes.txt" in names
    assert any(n.startswith("round.zip") and n.endswith("D01.json") for n in names)
    txt = next(f for f in reply["files"] if f["file"] == "notes.txt")
    assert txt["code"] == "unsupported_file_type" and "notes.txt" in txt["error"] and ".zip" in txt["error"]
    assert reply["counts"]["new"] == 2 and reply["unreadable"] >= 2  # the .txt and the .txt inside the zip
    only_txt = _upload(env, [("file", ("a.txt", b"x"))], user="reviewer1", status=415)
    assert only_txt["error"]["code"] == "unsupported_file_type" and "a.txt" in only_txt["error"]["message"]
    assert env.client.post("/v1/dashboard/upload", json={}, headers=env.headers("unit1")).status_code == 415


def test_reupload_is_matched_as_a_new_version_not_a_second_submission(review_env, dev):
    env = review_env
    d07 = _by_id(dev, "D07")
    first = _items(_upload(env, [_json_file("D07.json", d07)]))[0]
    assert first["outcome"] == "new" and first["version"] == 1
    same = _items(_upload(env, [_json_file("D07.json", d07)]))[0]
    assert (same["outcome"], same["id"]) == ("same", first["id"]) and "未重复保存" in same["message"]

    before = _get(env, f"/v1/submissions/{first['id']}/precheck", user="unit1")["findings"]
    assert before, "D07 has findings to fix"
    fixed_row = before[0]["location"]["indicator"]
    changed = copy.deepcopy(d07)
    changed.pop("id")  # matched by unit + project name alone
    if fixed_row is not None:
        del changed["indicators"][fixed_row]
    changed["annual_goal"] = d07["annual_goal"] + "年底前全部完成。"
    second = _items(_upload(env, [_json_file("D07-修改稿.json", changed)]))[0]
    assert second["outcome"] == "version" and second["previous_id"] == first["id"] and second["version"] == 2

    listed = [s["id"] for s in _get(env, "/v1/submissions", user="unit1")["items"]]
    assert second["id"] in listed and first["id"] not in listed  # one row per project
    old = _get(env, f"/v1/submissions/{first['id']}", user="unit1")
    assert old["superseded_by_id"] == second["id"]

    closure = _get(env, f"/v1/submissions/{second['id']}/closure", user="unit1")
    now = _get(env, f"/v1/submissions/{second['id']}/precheck", user="unit1")["findings"]
    key = lambda f: (f["code"], json.dumps(f["location"], sort_keys=True))  # noqa: E731
    before_keys, now_keys = {key(f) for f in before}, {key(f) for f in now}
    assert {key(f) for f in closure["fixed"]} == before_keys - now_keys
    assert {key(f) for f in closure["new"]} == now_keys - before_keys
    assert sorted(key(f) for f in closure["remaining"]) == sorted(
        key(f) for f in now if key(f) in before_keys
    )
    assert second["closure"] == {
        "fixed": len(closure["fixed"]),
        "remaining": len(closure["remaining"]),
        "new": len(closure["new"]),
    }
    assert [(v["id"], v["version"], v["current"]) for v in closure["chain"]] == [
        (first["id"], 1, False),
        (second["id"], 2, True),
    ]
    assert all("location_text" in f and "severity_zh" in f for f in closure["fixed"] + closure["remaining"])
    audit = _get(env, "/v1/audit", submission_id=second["id"])
    assert "submission.new_version" in [e["action"] for e in audit]

    other_year = copy.deepcopy(changed)
    other_year["year"] = 2031 if d07.get("year") != 2031 else 2032
    third = _items(_upload(env, [_json_file("D07-2031.json", other_year)]))
    assert third[0]["outcome"] == "new"  # another year is another submission


def test_reupload_under_review_or_approved_is_refused_and_returned_is_resubmitted(review_env, dev):
    env = review_env
    d01 = _by_id(dev, "D01")
    sid = _items(_upload(env, [_json_file("D01.json", d01)]))[0]["id"]
    assert env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1")).status_code == 200
    edited = copy.deepcopy(d01)
    edited["annual_goal"] = (d01.get("annual_goal") or "") + "（修改）"
    refused = _items(_upload(env, [_json_file("D01.json", edited)]))[0]
    assert refused["outcome"] == "refused" and refused["id"] is None
    assert f"#{sid}" in refused["message"] and "正在审核" in refused["message"]

    returned = env.client.post(
        f"/v1/reviews/{sid}/return", json={"comment": "请补充时效指标"}, headers=env.headers("reviewer1")
    )
    assert returned.status_code == 200, returned.text
    resubmitted = _items(_upload(env, [_json_file("D01.json", edited)]))[0]
    assert resubmitted["outcome"] == "resubmitted" and resubmitted["previous_id"] == sid
    assert "submission.resubmit" in [
        e["action"] for e in _get(env, "/v1/audit", submission_id=resubmitted["id"])
    ]

    new_id = resubmitted["id"]
    assert env.client.post(f"/v1/reviews/{new_id}/draft", headers=env.headers("reviewer1")).status_code == 200
    ok = env.client.post(f"/v1/reviews/{new_id}/approve", json={}, headers=env.headers("approver1"))
    assert ok.status_code == 200, ok.text
    again = copy.deepcopy(edited)
    again["annual_goal"] += "再改"
    late = _items(_upload(env, [_json_file("D01.json", again)]))[0]
    assert (
        late["outcome"] == "refused" and "已审核通过" in late["message"] and f"#{new_id}" in late["message"]
    )

    chain = _get(env, f"/v1/submissions/{new_id}/closure")["chain"]
    assert [v["id"] for v in chain] == [sid, new_id]


# ---- statistics and the table -----------------------------------------------------------------------------


@pytest.fixture()
def round_env(review_env, dev, data_dir_shared):
    """The dev set from unit1, D07's form workbook from unit2; two opinions drafted."""
    env = review_env
    _upload(env, [_json_file("round.json", {"submissions": dev})])
    form = ("file", ("targets_form_D07.xlsx", (data_dir_shared / "targets_form_D07.xlsx").read_bytes()))
    _upload(env, [form], user="unit2")
    items = _get(env, "/v1/submissions")["items"]
    for item in items[:2]:
        assert (
            env.client.post(f"/v1/reviews/{item['id']}/draft", headers=env.headers("reviewer1")).status_code
            == 200
        )
    return env


def _truth(env) -> list[dict]:
    """Each current submission as the plain endpoints report it."""
    out = []
    for item in _get(env, "/v1/submissions")["items"]:
        detail = _get(env, f"/v1/submissions/{item['id']}")
        codes = list(dict.fromkeys(f["code"] for f in detail["precheck"]["findings"]))
        budget = (detail["submission"] or {}).get("budget_yuan")
        out.append({**item, "codes": codes, "budget_wan": None if budget is None else budget / 10000})
    return out


def test_dashboard_statistics_agree_with_the_stored_submissions(round_env):
    env = round_env
    truth = _truth(env)
    data = _get(env, "/v1/dashboard")
    stats = data["stats"]
    assert stats["total"] == len(truth) == data["table"]["total"]
    grades = Counter(t["grade"] or "未评级" for t in truth)
    assert stats["by_grade"] == {g: grades.get(g, 0) for g in ("优", "良", "中", "差", "未评级")}
    assert stats["by_status"]["pending"] == len(truth)
    assert stats["by_review"]["draft"] == 2 and stats["approvable"] == 2
    codes = Counter(c for t in truth for c in t["codes"])
    top = {c["code"]: c["projects"] for c in stats["top_codes"]}
    assert top == {code: codes[code] for code in top} and len(top) == min(10, len(codes))
    counts = [c["projects"] for c in stats["top_codes"]]
    assert counts == sorted(counts, reverse=True)
    assert min(counts) >= max([n for code, n in codes.items() if code not in top], default=0)
    assert all(c["phrase"] and c["phrase"] != c["code"] for c in stats["top_codes"])
    for grade in ("优", "良", "中", "差"):
        expected = sum(t["budget_wan"] or 0 for t in truth if t["grade"] == grade)
        assert stats["budget_wan"]["by_grade"][grade] == pytest.approx(expected, abs=1e-3)
    shares = [u["fair_poor_share"] for u in stats["units"]]
    assert shares == sorted(shares, reverse=True)
    for u in stats["units"]:
        mine = [t for t in truth if (t["unit"] or "（未填单位）") == u["unit"]]
        graded = [t for t in mine if t["grade"]]
        fair_poor = sum(1 for t in graded if t["grade"] in ("中", "差"))
        assert (u["total"], u["fair_poor"]) == (len(mine), fair_poor)
        assert u["fair_poor_share"] == pytest.approx(fair_poor / len(graded) if graded else 0, abs=1e-4)
    assert data["facets"]["units"][0] == Counter(t["unit"] for t in truth).most_common(1)[0][0]
    assert 2024 in data["facets"]["years"]  # the form workbook states its year


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"grade": "中"}, lambda t: t["grade"] == "中"),
        ({"code": "VAGUE_VALUE"}, lambda t: "VAGUE_VALUE" in t["codes"]),
        ({"unit": "常宁市教育基建与装备管理中心"}, lambda t: t["unit"] == "常宁市教育基建与装备管理中心"),
        (
            {"min_wan": 100, "max_wan": 500},
            lambda t: t["budget_wan"] is not None and 100 <= t["budget_wan"] <= 500,
        ),
        ({"review": "approvable"}, lambda t: t["review_state"] == "draft"),
        ({"review": "none", "grade": "差"}, lambda t: t["review_state"] == "none" and t["grade"] == "差"),
        ({"q": "校舍"}, lambda t: "校舍" in (t["project"] or "")),
    ],
)
def test_filters_narrow_the_table_to_exactly_the_matching_projects(round_env, params, keep):
    env = round_env
    truth = _truth(env)
    for t in truth:
        t["review_state"] = _get(env, f"/v1/submissions/{t['id']}/review-state")["state"]
    expected = sorted(t["id"] for t in truth if keep(t))
    table = _get(env, "/v1/dashboard/projects", limit=500, **params)
    assert sorted(i["id"] for i in table["items"]) == expected and table["total"] == len(expected)
    assert 0 < len(expected) < len(truth), "each filter case must actually narrow this round"


def test_table_pages_sorts_and_refuses_bad_filters(round_env):
    env = round_env
    page1 = _get(env, "/v1/dashboard/projects", limit=10, sort="-budget")
    page2 = _get(env, "/v1/dashboard/projects", limit=10, offset=10, sort="-budget")
    budgets = [i["budget_wan"] for i in page1["items"] + page2["items"] if i["budget_wan"] is not None]
    assert budgets == sorted(budgets, reverse=True) and len(page1["items"]) == 10
    assert not {i["id"] for i in page1["items"]} & {i["id"] for i in page2["items"]}
    for params, code in (({"grade": "甲"}, "bad_grade"), ({"min_wan": 9, "max_wan": 1}, "bad_amount_range")):
        response = env.client.get("/v1/dashboard/projects", params=params, headers=env.headers("reviewer1"))
        assert response.status_code == 400 and response.json()["error"]["code"] == code
        assert (
            "无效" in response.json()["error"]["message"] or "不能大于" in response.json()["error"]["message"]
        )


def test_a_unit_sees_only_its_own_round(round_env):
    env = round_env
    mine = _get(env, "/v1/dashboard", user="unit2")
    assert mine["stats"]["total"] == 1 and mine["table"]["items"][0]["unit"] == "常宁市教育基建与装备管理中心"
    sid = _get(env, "/v1/dashboard/projects", user="unit1", limit=1)["items"][0]["id"]
    assert env.client.get(f"/v1/submissions/{sid}/closure", headers=env.headers("unit2")).status_code == 404


# ---- bulk approval ----------------------------------------------------------------------------------------


def test_bulk_approve_goes_through_the_workflow_one_by_one(round_env):
    env = round_env
    drafted = _get(env, "/v1/dashboard/projects", review="approvable")["approvable_ids"]
    undrafted = _get(env, "/v1/dashboard/projects", review="none", limit=1)["items"][0]["id"]
    assert len(drafted) == 2
    refused = env.client.post(
        "/v1/dashboard/approve", json={"ids": drafted}, headers=env.headers("reviewer1")
    )
    assert refused.status_code == 403  # 审核人员 do not approve

    body = {"ids": [drafted[0], undrafted, 999999, drafted[1]], "comment": "同意"}
    reply = env.client.post("/v1/dashboard/approve", json=body, headers=env.headers("approver1")).json()
    assert (reply["approved"], reply["failed"]) == (2, 2)
    by_id = {i["id"]: i for i in reply["items"]}
    assert by_id[undrafted]["code"] == "review_not_drafted" and "起草" in by_id[undrafted]["message"]
    assert by_id[999999]["code"] == "submission_not_found"
    for sid in drafted:
        assert _get(env, f"/v1/submissions/{sid}")["status"] == "approved"
        actions = [e["action"] for e in _get(env, "/v1/audit", submission_id=sid)]
        assert actions.count("review.approve") == 1
    again = env.client.post(
        "/v1/dashboard/approve", json={"ids": drafted}, headers=env.headers("approver1")
    ).json()
    assert again["approved"] == 0 and all("已通过" in i["message"] for i in again["items"])
    batch = [e for e in _get(env, "/v1/audit") if e["action"] == "review.approve_batch"]
    assert batch and sorted(batch[0]["details"]["approved"]) == sorted(drafted)


# ---- exports --------------------------------------------------------------------------------


def test_summary_workbook_has_one_row_per_filtered_project_with_its_grade(round_env):
    env = round_env
    table = _get(env, "/v1/dashboard/projects", limit=500, grade="中")
    response = env.client.get(
        "/v1/dashboard/export.xlsx", params={"grade": "中"}, headers=env.headers("reviewer1")
    )
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert len(rows) == table["total"] and {r[4] for r in rows} == {"中"}
    assert sorted(r[2] for r in rows) == sorted(i["project"] for i in table["items"])
    empty = env.client.get(
        "/v1/dashboard/export.xlsx", params={"q": "不存在的项目"}, headers=env.headers("reviewer1")
    )
    assert empty.status_code == 400 and "没有项目" in empty.json()["error"]["message"]


def test_opinions_zip_holds_one_docx_per_project_with_the_reviewers_text(round_env):
    env = round_env
    sid = _get(env, "/v1/dashboard/projects", review="approvable", limit=1)["items"][0]["id"]
    review = _get(env, f"/v1/reviews/{sid}")
    marker = "请于十个工作日内补充满意度指标后重新报送。"
    edited = env.client.put(
        f"/v1/reviews/{sid}", json={"text": review["text"] + "\n" + marker}, headers=env.headers("reviewer1")
    )
    assert edited.status_code == 200, edited.text
    unit = "常宁市教育基建与装备管理中心"
    for params in ({"unit": unit}, {}):
        response = env.client.get(
            "/v1/dashboard/opinions.zip", params=params, headers=env.headers("reviewer1")
        )
        assert response.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        graded = [i for i in _get(env, "/v1/dashboard/projects", limit=500, **params)["items"] if i["grade"]]
        assert len(names) == len(graded) and all(n.endswith(".docx") for n in names)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    texts = [zipfile.ZipFile(io.BytesIO(archive.read(n))).read("word/document.xml").decode() for n in names]
    assert sum(marker in t for t in texts) == 1
