"""Decisions that cannot contradict, against a live uvicorn on 127.0.0.1 (real app, real SQLite file).

Each race fires two requests released together by a barrier, repeated over fresh submissions: of
approve vs return, two resubmits, resubmit vs approve and two first drafts exactly one succeeds, the
other gets 409 with a Chinese message, never a 500; the audit log, the version history and the final
state agree. Idempotency keys and a burst of mixed writers are checked on the same server.

With JIXIAO_TEST_DATABASE_URL set (an empty PostgreSQL database, e.g.
postgresql+psycopg://jx@127.0.0.1:5432/jixiao_test) the same races run against PostgreSQL.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from support.review_env import USERS, rules_only_settings, seed_starter_index

PAIRS = 8  # per race; each pair uses a fresh submission
EXTRA_USERS = {"reviewer2": ("reviewer", "赵审核"), "approver2": ("approver", "钱审批")}


@dataclass
class Live:
    base_url: str
    tokens: dict[str, str]
    app: object

    def client(self, username: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=60, headers={"Authorization": f"Bearer {self.tokens[username]}"}
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, starter_index: Path) -> Iterator[Live]:
    import uvicorn

    from api.app import create_app
    from assistant.records import create_user, issue_token, session_scope

    data_dir = tmp_path_factory.mktemp("race-var")
    seed_starter_index(starter_index, data_dir)
    app = create_app(rules_only_settings(data_dir, database_url=os.environ.get("JIXIAO_TEST_DATABASE_URL")))
    tokens = {}
    with session_scope(app.state.services.session_factory) as session:
        for username, (role, display) in {**USERS, **EXTRA_USERS}.items():
            create_user(session, username=username, role=role, display_name=display, actor="tests")
            tokens[username] = issue_token(session, username=username, actor="tests")
    app.state.services.knowledge_base()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield Live(base_url=f"http://127.0.0.1:{port}", tokens=tokens, app=app)
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def d07(data_dir_shared) -> dict:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return next(s for s in data["submissions"] if s["id"] == "D07")


def _race(first: Callable[[], httpx.Response], second: Callable[[], httpx.Response]) -> list[httpx.Response]:
    barrier = threading.Barrier(2)

    def fire(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [f.result() for f in [pool.submit(fire, first), pool.submit(fire, second)]]


def _one_wins(responses: list[httpx.Response]) -> int:
    """Index of the one success; the other must be a 409 with a Chinese message."""
    codes = sorted(r.status_code for r in responses)
    assert all(c < 500 for c in codes), [r.text for r in responses]
    assert codes in ([200, 409], [201, 409]), [(r.status_code, r.text[:200]) for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    message = loser.json()["error"]["message"]
    assert any("\u4e00" <= c <= "\u9fff" for c in message), message
    return next(i for i, r in enumerate(responses) if r.status_code in (200, 201))


def _submit(live: Live, body: dict) -> int:
    with live.client("unit1") as c:
        response = c.post("/v1/submissions", json=body)
        assert response.status_code == 201, response.text
        return response.json()["items"][0]["id"]


def _drafted(live: Live, body: dict) -> int:
    sid = _submit(live, body)
    with live.client("reviewer1") as c:
        assert c.post(f"/v1/reviews/{sid}/draft").status_code == 200
    return sid


def _returned(live: Live, body: dict) -> int:
    sid = _drafted(live, body)
    with live.client("reviewer1") as c:
        assert c.post(f"/v1/reviews/{sid}/return", json={"comment": "请修改"}).status_code == 200
    return sid


def _audit(live: Live, sid: int) -> list[str]:
    with live.client("reviewer1") as c:
        return [e["action"] for e in c.get("/v1/audit", params={"submission_id": sid}).json()]


def test_approve_vs_return_one_decision(live, d07):
    winners = Counter()
    for _ in range(PAIRS):
        sid = _drafted(live, d07)
        with live.client("approver1") as a, live.client("reviewer2") as r:
            responses = _race(
                lambda sid=sid: a.post(f"/v1/reviews/{sid}/approve", json={"comment": "同意"}),
                lambda sid=sid: r.post(f"/v1/reviews/{sid}/return", json={"comment": "请补充成本指标"}),
            )
        winner = ["approve", "return"][_one_wins(responses)]
        winners[winner] += 1
        with live.client("reviewer1") as c:
            review = c.get(f"/v1/reviews/{sid}").json()
        assert review["status"] == {"approve": "approved", "return": "returned"}[winner]
        assert [v["action"] for v in review["versions"]] == ["draft", winner]
        assert _audit(live, sid)[-2:] == ["review.draft", f"review.{winner}"]
    assert sum(winners.values()) == PAIRS


def test_double_resubmit_one_successor(live, d07):
    for _ in range(PAIRS):
        sid = _returned(live, d07)
        with live.client("unit1") as c1, live.client("unit1") as c2:
            responses = _race(
                lambda sid=sid: c1.post(f"/v1/submissions/{sid}/resubmit", json=d07),
                lambda sid=sid: c2.post(f"/v1/submissions/{sid}/resubmit", json=d07),
            )
        winner = responses[_one_wins(responses)].json()
        with live.client("unit1") as c:
            previous = c.get(f"/v1/submissions/{sid}").json()
            live_ids = [i["id"] for i in c.get("/v1/submissions").json()["items"]]
        assert previous["superseded_by_id"] == winner["id"] and winner["previous_id"] == sid
        successors = [i for i in live_ids if i > sid]
        assert sid not in live_ids and winner["id"] in live_ids
        assert _audit(live, winner["id"]).count("submission.resubmit") == 1
        assert len([i for i in successors if i == winner["id"]]) == 1


def test_resubmit_vs_approve_never_hides_a_decision(live, d07):
    for n in range(PAIRS):
        # a pending, drafted record: approve may win; a returned one: resubmit may win
        sid = _drafted(live, d07) if n % 2 == 0 else _returned(live, d07)
        with live.client("unit1") as u, live.client("approver1") as a:
            responses = _race(
                lambda sid=sid: u.post(f"/v1/submissions/{sid}/resubmit", json=d07),
                lambda sid=sid: a.post(f"/v1/reviews/{sid}/approve", json={}),
            )
        winner = ["resubmit", "approve"][_one_wins(responses)]
        with live.client("unit1") as c:
            record = c.get(f"/v1/submissions/{sid}").json()
        if winner == "approve":
            assert record["status"] == "approved" and record["superseded_by_id"] is None
        else:
            assert record["status"] == "returned" and record["superseded_by_id"] is not None


def test_double_first_draft_one_opinion(live, d07):
    for _ in range(PAIRS):
        sid = _submit(live, d07)
        with live.client("reviewer1") as r1, live.client("reviewer2") as r2:
            responses = _race(
                lambda sid=sid: r1.post(f"/v1/reviews/{sid}/draft"),
                lambda sid=sid: r2.post(f"/v1/reviews/{sid}/draft"),
            )
        _one_wins(responses)
        loser = next(r for r in responses if r.status_code == 409).json()["error"]
        assert loser["code"] == "review_exists"
        with live.client("reviewer1") as c:
            review = c.get(f"/v1/reviews/{sid}").json()
        assert [v["action"] for v in review["versions"]] == ["draft"]
        assert _audit(live, sid).count("review.draft") == 1


def test_same_idempotency_key_gives_one_record(live, d07):
    key = f"race-{time.monotonic_ns()}"
    with live.client("unit2") as c:
        before = len(c.get("/v1/submissions").json()["items"])
    with live.client("unit2") as c1, live.client("unit2") as c2:
        responses = _race(
            lambda: c1.post("/v1/submissions", json=d07, headers={"Idempotency-Key": key}),
            lambda: c2.post("/v1/submissions", json=d07, headers={"Idempotency-Key": key}),
        )
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.headers.get("idempotent-replayed", "") for r in responses) == ["", "true"]
    with live.client("unit2") as c:
        assert len(c.get("/v1/submissions").json()["items"]) == before + 1
        other = dict(d07, project="另一个项目")
        reused = c.post("/v1/submissions", json=other, headers={"Idempotency-Key": key})
        assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"
        fresh = c.post("/v1/submissions", json=d07, headers={"Idempotency-Key": key + "-b"})
        assert (
            fresh.status_code == 201
            and fresh.json()["items"][0]["id"] != responses[0].json()["items"][0]["id"]
        )
    with live.client("unit1") as c:  # keys are per user: unit1 may use the same one
        assert c.post("/v1/submissions", json=d07, headers={"Idempotency-Key": key}).status_code == 201


@pytest.mark.slow
def test_twenty_clients_writing_at_once_get_no_server_error(live, d07):
    """20 clients for a few seconds: submissions, drafts, edits, reads, chat-free; 0 × 5xx."""
    stop = time.monotonic() + 6
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def client_loop(n: int) -> None:
        user = "unit1" if n % 2 else "unit2"
        with live.client(user) as unit, live.client("reviewer1") as reviewer:
            while time.monotonic() < stop:
                created = unit.post("/v1/submissions", json=d07)
                codes = [created.status_code]
                if created.status_code == 201:
                    sid = created.json()["items"][0]["id"]
                    drafted = reviewer.post(f"/v1/reviews/{sid}/draft")
                    codes.append(drafted.status_code)
                    if drafted.status_code == 200:
                        text = drafted.json()["text"]
                        codes.append(
                            reviewer.put(f"/v1/reviews/{sid}", json={"text": text + "\n补充。"}).status_code
                        )
                    codes.append(unit.get(f"/v1/submissions/{sid}").status_code)
                codes.append(reviewer.get("/v1/submissions", params={"status": "pending"}).status_code)
                with lock:
                    statuses.update(codes)

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(client_loop, range(20)))
    assert statuses and all(code < 400 for code in statuses), statuses
    from assistant.records import read_scope, verify_audit_chain

    with read_scope(live.app.state.services.session_factory) as session:
        assert verify_audit_chain(session).ok
