"""The UI's helper endpoint /v1/citations/resolve: how a finding's citation is matched to a clause."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.routers.ui_support import article_label, doc_candidates


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            "中央部门预算绩效目标管理办法（财预〔2015〕88号）",
            [
                "中央部门预算绩效目标管理办法（财预〔2015〕88号）",
                "中央部门预算绩效目标管理办法",
                "财预〔2015〕88号",
            ],
        ),
        ("《预算法》", ["预算法"]),
        ("财预〔2020〕10号", ["财预〔2020〕10号"]),
    ],
)
def test_a_cited_document_is_tried_by_title_and_by_doc_number(doc: str, expected: list[str]) -> None:
    assert doc_candidates(doc) == expected


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ("约第十三条（二）", "第十三条"),
        ("第二十五条", "第二十五条"),
        ("第32条第二款", "第32条"),
        ("（五）", "（五）"),
        (None, None),
        ("", None),
    ],
)
def test_article_labels_drop_approximations_and_items(article: str | None, expected: str | None) -> None:
    assert article_label(article) == expected


@pytest.fixture()
def client(tmp_data_dir) -> TestClient:
    from api.app import create_app
    from assistant.records import create_user, issue_token, session_scope
    from core.settings import get_settings

    app = create_app(get_settings())
    with session_scope(app.state.services.session_factory) as session:
        create_user(session, username="reader", role="submitter")
        token = issue_token(session, username="reader")
    test_client = TestClient(app)
    test_client.headers["Authorization"] = f"Bearer {token}"
    return test_client


def test_resolve_needs_a_token_and_an_article(client: TestClient) -> None:
    anonymous = TestClient(client.app)
    assert (
        anonymous.get("/v1/citations/resolve", params={"doc": "预算法", "article": "第一条"}).status_code
        == 401
    )
    missing = client.get("/v1/citations/resolve", params={"doc": "预算法"})
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "article_required"
    assert "条款号" in missing.json()["error"]["message"]


def test_the_ui_is_mounted_by_the_app_factory(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "绩效目标审核助手" in page.text
    assert client.get("/static/js/app.js").status_code == 200
    assert "/v1/citations/resolve" in client.app.openapi()["paths"]  # /openapi.json itself: login only
