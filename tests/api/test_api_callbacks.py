"""Precheck callbacks: refused unless the host is allowed; internal addresses refused after resolution and
the connection pinned to the checked address; a total deadline against servers that drip; sent from a
bounded queue with retries, never from the request; outcomes audited without ports.

Real servers on 127.0.0.1 (allowed explicitly by the test settings: callback_allowed_hosts and
callback_private_networks), the real app, real SQLite.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from support.review_env import build_env

CHINESE = re.compile(r"[\u4e00-\u9fff]")
LOCAL = {"callback_allowed_hosts": ["127.0.0.1"], "callback_private_networks": ["127.0.0.1/32"]}
FAST = {"callback_retry_delay_s": 0.05, "callback_timeout_s": 1.0}


@pytest.fixture(scope="module")
def project(data_dir_shared) -> dict:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["submissions"]}["D07"]


@pytest.fixture()
def make_env(tmp_path: Path):
    envs = []

    def make(**overrides):
        env = build_env(tmp_path / f"var{len(envs)}", None, **overrides)
        envs.append(env)
        return env

    yield make
    for env in envs:
        env.app.state.services.close()


class _Hook(BaseHTTPRequestHandler):
    """Records each POST; answers with the next status of `statuses` (then 204); `hold` blocks first."""

    received: ClassVar[list[dict]] = []
    hosts: ClassVar[list[str]] = []
    statuses: ClassVar[list[int]] = []
    hold: ClassVar[threading.Event | None] = None

    def do_POST(self):
        if type(self).hold is not None:
            type(self).hold.wait(10)
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        type(self).hosts.append(self.headers["Host"])
        status = type(self).statuses.pop(0) if type(self).statuses else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def hook() -> Iterator[tuple[type[_Hook], int]]:
    handler = type("Hook", (_Hook,), {"received": [], "hosts": [], "statuses": [], "hold": None})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, server.server_port
    if handler.hold is not None:
        handler.hold.set()
    server.shutdown()
    server.server_close()


def _submit(env, project, url, user="unit1"):
    return env.client.post(
        "/v1/submissions", json=project, params={"callback_url": url}, headers=env.headers(user)
    )


def _audit(env, submission_id):
    response = env.client.get(
        "/v1/audit", params={"submission_id": submission_id}, headers=env.headers("reviewer1")
    )
    return [e for e in response.json() if e["action"].startswith("callback.")]


def _error(response) -> dict:
    error = response.json()["error"]
    assert CHINESE.search(error["message"]), error
    return error


# --- refused at submit time --------------------------------------------------------------------------


def test_callbacks_are_refused_by_default_and_nothing_is_stored(make_env, project):
    env = make_env()
    response = _submit(env, project, "https://yth.example.gov.cn/hook")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "callback_not_allowed" and "JIXIAO_CALLBACK_ALLOWED_HOSTS" in error["message"]
    listed = env.client.get("/v1/submissions", headers=env.headers("unit1")).json()["items"]
    assert listed == []


def test_a_host_outside_the_allowlist_is_refused(make_env, project):
    env = make_env(callback_allowed_hosts=["yth.example.gov.cn", "*.czj.example.cn"])
    for url in ("http://evil.example.com/x", "http://example.gov.cn/x", "http://czj.example.cn/x"):
        response = _submit(env, project, url)
        assert response.status_code == 400 and _error(response)["code"] == "callback_host_not_allowed", url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/v1/users",  # the service itself
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://10.0.0.8/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_internal_address_literals_are_refused_even_when_listed(make_env, project, url):
    env = make_env(
        callback_allowed_hosts=[
            "127.0.0.1",
            "169.254.169.254",
            "10.0.0.8",
            "::1",
            "::ffff:127.0.0.1",
            "0.0.0.0",
        ]
    )
    response = _submit(env, project, url)
    assert response.status_code == 400 and _error(response)["code"] == "callback_address_refused"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x/y",
        "http://user:pw@127.0.0.1/x",
        "http://127.0.0.1:99999/x",
        "http://127.0.0.1/\x00x",
        "http:///x",
    ],
)
def test_malformed_urls_are_refused(make_env, project, url):
    env = make_env(**LOCAL)
    response = _submit(env, project, url)
    assert response.status_code in (400, 422) and CHINESE.search(response.json()["error"]["message"])


# --- delivered ----------------------------------------------------------------------------------------


def test_an_allowed_local_server_receives_the_callback_audited_without_port(make_env, project, hook):
    handler, port = hook
    env = make_env(**LOCAL, **FAST)
    response = _submit(env, project, f"http://127.0.0.1:{port}/hook?token=secret")
    assert response.status_code == 201, response.text
    item = response.json()["items"][0]
    assert env.app.state.services.callbacks.wait_idle(5)
    payload = handler.received[-1]
    assert payload["event"] == "precheck.done" and payload["submission_id"] == item["id"]
    assert payload["grade"] == item["grade"] and len(payload["findings"]) == item["findings_count"]
    (entry,) = _audit(env, item["id"])
    assert entry["action"] == "callback.sent" and entry["details"]["status_code"] == 204
    assert entry["details"]["target"] == "http://127.0.0.1/hook"  # no port, no query (it may hold a secret)
    assert str(port) not in json.dumps(entry, ensure_ascii=False) and "secret" not in json.dumps(entry)


def test_the_request_does_not_wait_for_the_callback(make_env, project, hook):
    handler, port = hook
    handler.hold = threading.Event()  # the receiver takes its time
    env = make_env(**LOCAL, callback_timeout_s=8.0)
    started = time.monotonic()
    response = _submit(env, project, f"http://127.0.0.1:{port}/hook")
    elapsed = time.monotonic() - started
    assert response.status_code == 201
    assert elapsed < 2.0  # answered while the receiver still holds the callback
    assert handler.received == []
    sender = [t.name for t in threading.enumerate() if t.name.startswith("jixiao-callback-")]
    assert sender  # the queue's own threads send, not the request's
    handler.hold.set()
    assert env.app.state.services.callbacks.wait_idle(10)
    assert len(handler.received) == 1


def test_server_errors_are_retried_until_delivered(make_env, project, hook):
    handler, port = hook
    handler.statuses.extend([503, 500])
    env = make_env(**LOCAL, **FAST)
    item = _submit(env, project, f"http://127.0.0.1:{port}/hook").json()["items"][0]
    assert env.app.state.services.callbacks.wait_idle(10)
    assert len(handler.received) == 3
    (entry,) = _audit(env, item["id"])
    assert entry["action"] == "callback.sent" and entry["details"]["attempts"] == 3


def test_a_client_error_is_not_retried(make_env, project, hook):
    handler, port = hook
    handler.statuses.append(404)
    env = make_env(**LOCAL, **FAST)
    item = _submit(env, project, f"http://127.0.0.1:{port}/hook").json()["items"][0]
    assert env.app.state.services.callbacks.wait_idle(10)
    (entry,) = _audit(env, item["id"])
    assert entry["action"] == "callback.failed" and entry["details"]["attempts"] == 1
    assert "HTTP 404" in entry["details"]["error"] and len(handler.received) == 1


def test_a_closed_port_fails_after_the_retries_without_naming_the_port(make_env, project):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]  # closed once the block ends
    env = make_env(**LOCAL, **FAST, callback_max_attempts=2)
    response = _submit(env, project, f"http://127.0.0.1:{dead_port}/hook")
    assert response.status_code == 201
    item = response.json()["items"][0]
    assert env.app.state.services.callbacks.wait_idle(10)
    (entry,) = _audit(env, item["id"])
    assert entry["action"] == "callback.failed" and entry["details"]["attempts"] == 2
    text = json.dumps(entry, ensure_ascii=False)
    assert "回调未送达" in entry["details"]["error"]
    assert str(dead_port) not in text and "Errno" not in text and "refused" not in text.lower()


# --- a server that drips ------------------------------------------------------------------------------


@pytest.fixture()
def dripping_server() -> Iterator[int]:
    """Accepts, then sends an HTTP response one byte every 0.1 s for a minute."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 600:
                    if stop.wait(0.1):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


def test_a_dripping_server_is_cut_off_at_the_total_deadline(make_env, project, dripping_server):
    env = make_env(**LOCAL, callback_timeout_s=1.0, callback_max_attempts=1, callback_workers=2)
    ids = []
    started = time.monotonic()
    for _ in range(6):  # more callbacks than sender threads
        response = _submit(env, project, f"http://127.0.0.1:{dripping_server}/hook")
        assert response.status_code == 201
        ids.append(response.json()["items"][0]["id"])
    probe_started = time.monotonic()
    assert env.client.get("/v1/me", headers=env.headers("unit1")).status_code == 200
    assert time.monotonic() - probe_started < 1.0  # the service stays responsive meanwhile
    assert env.app.state.services.callbacks.wait_idle(15)
    elapsed = time.monotonic() - started
    # 6 callbacks, 2 threads, 1 s each: about 3 s (without the total deadline: 60 s per callback)
    assert elapsed < 8.0, elapsed
    for sid in ids:
        (entry,) = _audit(env, sid)
        assert entry["action"] == "callback.failed" and "1 秒内" in entry["details"]["error"]


# --- resolution and pinning ---------------------------------------------------------------------------


def test_a_name_resolving_to_loopback_is_refused_when_sent(make_env, project, hook):
    handler, port = hook
    env = make_env(callback_allowed_hosts=["localhost"], **FAST)  # loopback is not an allowed network
    response = _submit(env, project, f"http://localhost:{port}/hook")
    assert response.status_code == 201  # a name is checked when it is resolved, at send time
    item = response.json()["items"][0]
    assert env.app.state.services.callbacks.wait_idle(5)
    (entry,) = _audit(env, item["id"])
    assert entry["action"] == "callback.failed" and entry["details"]["attempts"] == 1  # not retried
    assert "解析到本机、内网或链路本地地址" in entry["details"]["error"]
    assert handler.received == []


def test_the_connection_goes_to_the_checked_address(make_env, project, hook, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and the socket connects to that very address.
    `rebind.invalid` cannot resolve at all, so a second lookup by the HTTP client would fail."""
    import api.callbacks as callbacks
    from assistant.netpolicy import parse_ip

    handler, port = hook
    lookups = []

    def resolve_once(host, port_):
        lookups.append(host)
        return [parse_ip("127.0.0.1")]

    monkeypatch.setattr(callbacks, "resolve", resolve_once)
    env = make_env(
        callback_allowed_hosts=["rebind.invalid"], callback_private_networks=["127.0.0.1/32"], **FAST
    )
    item = _submit(env, project, f"http://rebind.invalid:{port}/hook").json()["items"][0]
    assert env.app.state.services.callbacks.wait_idle(5)
    assert lookups == ["rebind.invalid"]
    assert handler.hosts == [f"rebind.invalid:{port}"]  # the Host header keeps the name
    assert _audit(env, item["id"])[0]["action"] == "callback.sent"


def test_a_name_that_also_resolves_to_metadata_is_refused(make_env, project, monkeypatch):
    import api.callbacks as callbacks
    from assistant.netpolicy import parse_ip

    monkeypatch.setattr(
        callbacks, "resolve", lambda host, port: [parse_ip("93.184.216.34"), parse_ip("169.254.169.254")]
    )
    env = make_env(callback_allowed_hosts=["hook.example.cn"], **FAST)
    item = _submit(env, project, "http://hook.example.cn/hook").json()["items"][0]
    assert env.app.state.services.callbacks.wait_idle(5)
    (entry,) = _audit(env, item["id"])
    assert entry["action"] == "callback.failed" and "防止服务器端请求伪造" in entry["details"]["error"]


# --- the queue is bounded -----------------------------------------------------------------------------


def test_the_queue_is_bounded(make_env, hook):
    handler, port = hook
    handler.hold = threading.Event()
    env = make_env(**LOCAL, callback_queue_size=2, callback_workers=1, callback_timeout_s=8.0)
    dispatcher = env.app.state.services.callbacks
    accepted = [
        dispatcher.enqueue(url=f"http://127.0.0.1:{port}/hook", submission_id=i, precheck={})
        for i in range(5)
    ]
    assert accepted == [True, True, False, False, False]
    assert dispatcher.stats.dropped == 3 and dispatcher.depth == 2
    handler.hold.set()
    assert dispatcher.wait_idle(10) and dispatcher.stats.sent == 2


# --- address policy -----------------------------------------------------------------------------------


def test_host_patterns_and_address_classes():
    from assistant.netpolicy import host_matches, is_internal, parse_ip

    assert host_matches("a.czj.example.cn", ["*.czj.example.cn"])
    assert not host_matches("czj.example.cn", ["*.czj.example.cn"])
    assert not host_matches("evilczj.example.cn", ["*.czj.example.cn"])
    assert host_matches("YTH.Example.CN.", ["yth.example.cn"])
    assert host_matches("10.2.3.4", ["10.0.0.0/8"]) and not host_matches("11.2.3.4", ["10.0.0.0/8"])
    for text in (
        "127.0.0.1",
        "10.1.1.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ):
        assert is_internal(parse_ip(text)), text
    for text in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"):
        assert not is_internal(parse_ip(text)), text
