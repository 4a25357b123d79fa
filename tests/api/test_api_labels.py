"""GET /v1/labels: the UI's words come from the one Python source the opinion and the Word export use."""

from __future__ import annotations

import json

from assistant.labels import CELL_ZH, STATUS_ZH, labels_public
from assistant.models import Location
from assistant.opinion_render import location_text


def test_labels_are_public_and_complete(review_env):
    response = review_env.client.get("/v1/labels")  # no token: the login page may need them too
    assert response.status_code == 200
    labels = response.json()
    assert labels == labels_public()
    assert labels["severity"] == {"error": "错误", "warning": "警告", "info": "提示"}
    assert labels["severity_order"] == ["error", "warning", "info"]
    assert [d["name"] for d in labels["dimensions"]] == ["完整性", "相关性", "适当性", "可行性"]
    assert all(d["hint"] for d in labels["dimensions"])
    assert labels["grades"] == ["优", "良", "中", "差"]
    assert labels["status"] == STATUS_ZH
    assert set(labels["roles"]) == {"submitter", "reviewer", "approver", "admin"}
    assert set(labels["actions"]) == {"draft", "edit", "approve", "return"}
    assert labels["cells"]["name"] == "指标名称"
    assert labels["indicator_place"].format(n=3) == "第3项指标"


def test_me_and_labels_use_the_same_permission_words(review_env):
    me = review_env.client.get("/v1/me", headers=review_env.headers("reviewer1")).json()
    permissions = review_env.client.get("/v1/labels").json()["permissions"]
    assert me["permissions"] and all(permissions.get(p) for p in me["permissions"])
    roles = review_env.client.get("/v1/labels").json()["roles"]
    assert roles[me["role"]] == me["role_zh"]


def test_findings_carry_the_location_words_of_the_opinion(review_env, data_dir_shared):
    env = review_env
    d07 = next(
        s
        for s in json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]
        if s["id"] == "D07"
    )
    detail = env.client.post("/v1/submissions", json=d07, headers=env.headers("unit1")).json()["items"][0]
    findings = detail["precheck"]["findings"]
    on_rows = [f for f in findings if f["location"].get("indicator") is not None]
    assert on_rows, "D07 has findings on indicator rows"
    for finding in findings:
        assert finding["location_text"] == location_text(Location.model_validate(finding["location"]))
    for finding in on_rows:
        place = f"第{finding['location']['indicator'] + 1}项指标"
        assert finding["location_text"].startswith(place)
        if finding["location"].get("cell"):
            assert finding["location_text"].endswith(CELL_ZH[finding["location"]["cell"]])
    env.client.post(f"/v1/reviews/{detail['id']}/draft", headers=env.headers("reviewer1"))
    review = env.client.get(f"/v1/reviews/{detail['id']}", headers=env.headers("reviewer1")).json()
    in_opinion = [
        f
        for s in review["opinion"]["sections"]
        for f in s["findings"]
        if f["location"].get("indicator") is not None
    ]
    assert in_opinion
    for finding in in_opinion:  # the opinion adds the row's name and value after the same place words
        assert finding["location_text"].startswith(f"第{finding['location']['indicator'] + 1}项指标")
    stateless = env.client.post("/v1/prechecks", json=d07, headers=env.headers("unit1")).json()
    assert [f["location_text"] for f in stateless["submissions"][0]["findings"]] == [
        f["location_text"] for f in findings
    ]
