"""One meaning per label (issue 16): 已核实 / 要点（转述） / 条款号待核对 read the same in the API's labels,
the citation dialog, chat, the drafted opinion and its Word file — one Python source (assistant.citations).

Over the real app (rules-only, real SQLite and Chroma) whose knowledge base holds the starter cards and the
partial official 财预〔2020〕10号 text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from support.review_env import parse_sse, review_env, starter_index  # noqa: F401

from assistant.citations import TRUST_LABELS, Trust

pytestmark = pytest.mark.slow

VERIFIED, PARAPHRASE, UNCHECKED = (
    TRUST_LABELS[t] for t in (Trust.VERIFIED, Trust.PARAPHRASE, Trust.UNCHECKED)
)
# no goal and no cost indicator: the rules cite 88号 by memory (条款号待核对), 中发〔2018〕34号 第（五）项
# as a paraphrase (要点（转述）) and 10号 第二条, which the partial official text carries (已核实)
SUBMISSION = {
    "id": "S-TRUST",
    "project": "村级道路保洁",
    "unit": "某镇人民政府",
    "budget_yuan": 500000,
    "annual_goal": "",
    "indicators": [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "保洁道路长度",
            "op": "≥",
            "value": "20",
            "unit": "公里",
            "weight": 50,
        },
        {
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "name": "群众满意度",
            "op": "≥",
            "value": "90",
            "unit": "%",
            "weight": 50,
        },
    ],
}


@pytest.fixture()
def env(review_env, corpus_dir: Path):  # noqa: F811
    kb = review_env.app.state.services.knowledge_base()
    assert not kb.ingest_paths([corpus_dir / "partial"]).failed
    return review_env


def test_the_three_states_read_the_same_everywhere(env) -> None:
    client, reviewer = env.client, env.headers("reviewer1")
    labels = client.get("/v1/labels").json()
    assert {state: t["label"] for state, t in labels["trust"].items()} == {
        t.value: TRUST_LABELS[t] for t in Trust
    }
    assert (
        labels["confidence_trust"]["记忆"] == "unchecked"
        and labels["confidence_trust"]["二手✔"] == "paraphrase"
    )

    sid = client.post("/v1/submissions", json=SUBMISSION, headers=env.headers("unit1")).json()["items"][0][
        "id"
    ]
    review = client.post(f"/v1/reviews/{sid}/draft", headers=reviewer).json()
    refs = [
        r for section in review["opinion"]["sections"] for f in section["findings"] for r in f["citations"]
    ]
    by_state = {r["trust"]: r for r in refs if r["article"]}
    assert {r["trust_label"] for r in refs} == {VERIFIED, PARAPHRASE, UNCHECKED}
    assert all(r["trust_label"] == TRUST_LABELS[Trust(r["trust"])] for r in refs)
    verified, paraphrase, unchecked = by_state["verified"], by_state["paraphrase"], by_state["unchecked"]
    assert verified["article"] == "第二条" and "财预〔2020〕10号" in verified["doc"]

    # the dialog: the resolve endpoint words each citation as the opinion does
    for ref in (verified, paraphrase, unchecked):
        query = {
            "doc": ref["doc"],
            "article": ref["article"],
            "quote": ref["summary"],
            "confidence": ref["confidence"],
        }
        resolved = client.get("/v1/citations/resolve", params=query, headers=reviewer)
        if resolved.status_code == 200:
            assert resolved.json()["trust_label"] == ref["trust_label"]
        else:  # nothing to open (no card for that item, say): the message names the state
            assert resolved.status_code == 404 and ref["trust_label"] in resolved.json()["error"]["message"]
    clause = client.get(f"/v1/clauses/{verified['clause_id']}", headers=reviewer).json()
    assert clause["trust_label"] == VERIFIED and verified["quote"] in clause["text"]

    # the document and its Word file: the verified quote in 「」, the paraphrase marked, no memory number
    text = review["text"]
    shown = verified["quote"].rstrip("。")  # the 依据 line ends with its own full stop
    assert f"：「{shown}」" in text
    assert f"{PARAPHRASE}：" in text and "待核对" not in text and "凭记忆" not in text
    assert unchecked["article"] not in text  # 约第九条 / 约第二十四条 are never printed
    assert any(UNCHECKED in c for c in review["opinion"]["caveats"])  # …but the reviewer is told
    from docx import Document

    docx = client.get(f"/v1/reviews/{sid}/export.docx", headers=reviewer)
    assert docx.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"「{shown}」" in body and PARAPHRASE in body
    for internal in ("待核对", "凭记忆", "可信度", "审核时的用法", "出处说明", "未配置大模型"):
        assert internal not in body

    # chat: a verified official sentence and our cards, each chip with its state
    events = parse_sse(
        client.post("/v1/chat", json={"message": "绩效评价分为哪几种方式？"}, headers=reviewer).text
    )
    done = next(data for name, data in events if name == "done")
    chips = {c["trust"]: c for c in done["citations"]}
    assert chips["verified"]["trust_label"] == VERIFIED and chips["verified"]["verified"] is True
    assert chips["verified"]["doc"].startswith("项目支出绩效评价管理办法（财预〔2020〕10号")
    assert all(c["trust_label"] == TRUST_LABELS[Trust(c["trust"])] for c in done["citations"])
    assert all(c["verified"] is (c["trust"] == "verified") for c in done["citations"])


def test_verify_citations_endpoint_is_for_document_admins(env) -> None:
    client = env.client
    assert client.get("/v1/citations/verify", headers=env.headers("reviewer1")).status_code == 403
    report = client.get("/v1/citations/verify", headers=env.headers("admin1")).json()
    verified = [c for c in report["checks"] if c["status"] == "已核实"]
    assert {c["article"] for c in verified} >= {"第二条", "第四条"}
    assert report["counts"]["已核实"] == len(verified)
