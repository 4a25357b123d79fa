"""The optional precheck callback: POST {event: "precheck.done", …} to the submitter's URL, safely.

- Only to hosts the bureau allowed (`callback_allowed_hosts`; none by default, so callbacks are refused
  at submit time with a Chinese message) — checked when the URL is submitted and again when it is sent.
- The host is resolved when sending; every address must be public, or inside `callback_private_networks`
  (loopback, private and link-local addresses are refused otherwise), and the connection goes to the
  address that was checked (pinned: a second DNS answer cannot point it elsewhere). TLS still verifies
  the host name. Redirects are not followed.
- One total deadline (`callback_timeout_s`) from connect to the status line: a server that drips one byte
  at a time is cut off when it expires, whatever the per-read timeouts.
- Sent from a bounded queue by a few background threads (never from a request thread), retried with a
  growing delay on network errors, HTTP 429 and 5xx; the final outcome goes to the audit log.
- Errors are coarse and name no address or port (the audit log must not become a port scanner).
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore
from sqlalchemy.orm import Session, sessionmaker

from assistant.netpolicy import (
    IPAddress,
    ResolutionError,
    host_matches,
    in_networks,
    is_internal,
    networks,
    parse_ip,
    resolve,
)
from assistant.records import record_audit, transaction
from core.errors import UserError
from core.settings import Settings

log = logging.getLogger("jixiao.callbacks")

URL_MAX = 1024  # the column that stores it
USER_AGENT = b"jixiao-callback/1"
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


def precheck_payload(submission_id: int, precheck: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": "precheck.done",
        "submission_id": submission_id,
        "grade": precheck.get("grade"),
        "findings": precheck.get("findings", []),
    }


# --- the URL, when it is submitted ----------------------------------------------------------------------


def _bad_url(url: str, why: str) -> UserError:
    shown = url if len(url) <= 200 else url[:200] + "…"
    return UserError(f"回调地址“{shown}”无效：{why}", code="bad_callback_url")


def check_callback_url(url: str | None, settings: Settings) -> str | None:
    """The URL as it will be stored, or None; raises UserError (400, Chinese) when it is malformed or its
    host is not allowed. Resolution and the address check happen again when the callback is sent."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if len(url) > URL_MAX:
        raise _bad_url(url, f"长度超过 {URL_MAX} 个字符。")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise _bad_url(url, "含有空白或控制字符。")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  a port out of range raises here
    except ValueError:
        raise _bad_url(url, "端口号不正确。") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad_url(url, "须为 http:// 或 https:// 开头的完整地址。")
    if parts.username is not None or parts.password is not None:
        raise _bad_url(url, "地址中不能包含用户名或密码。")
    host = parts.hostname
    if not settings.callback_allowed_hosts:
        raise UserError(
            "本服务未开放预审回调：管理员尚未配置允许的回调主机（JIXIAO_CALLBACK_ALLOWED_HOSTS）。"
            "请去掉 callback_url 后重新提交，预审结果可通过 GET /v1/submissions/{id} 查询。",
            code="callback_not_allowed",
        )
    if not host_matches(host, settings.callback_allowed_hosts):
        raise UserError(
            f"回调主机“{host}”不在本服务允许的回调主机之列（JIXIAO_CALLBACK_ALLOWED_HOSTS），"
            "请联系管理员登记后再使用回调。",
            code="callback_host_not_allowed",
            details={"host": host},
        )
    literal = parse_ip(host)
    if literal is not None and not _address_allowed(literal, settings):
        raise UserError(
            f"回调地址“{host}”是本机、内网或链路本地地址，不允许作为回调目标（防止服务器端请求伪造）。",
            code="callback_address_refused",
            details={"host": host},
        )
    return url


def _address_allowed(ip: IPAddress, settings: Settings) -> bool:
    return not is_internal(ip) or in_networks(ip, networks(settings.callback_private_networks))


def public_target(url: str) -> str:
    """The URL as the audit log and the server log show it: scheme, host and path (no port, no query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{parts.path or '/'}"


# --- one delivery ---------------------------------------------------------------------------------------


class Refused(Exception):
    """Not sent, and not worth retrying (the Chinese reason is in the message)."""


class Retryable(Exception):
    """Not delivered this time; another attempt may succeed (the Chinese reason is in the message)."""


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write waits at most until the one total deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream, self._deadline = stream, deadline

    def _bounded(self, timeout: float | None) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("total deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._bounded(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, self._bounded(timeout))
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the checked address whatever host name the request carries (Host header and TLS SNI
    keep the name)."""

    def __init__(self, address: IPAddress, deadline: float):
        self._address, self._deadline = address, deadline
        self._plain = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ConnectTimeout("total deadline passed")
        stream = self._plain.connect_tcp(
            str(self._address),
            port,
            timeout=remaining if timeout is None else min(timeout, remaining),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for callbacks")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def checked_address(url: str, settings: Settings) -> IPAddress:
    """The address to connect to: the host must still be allowed and every address it resolves to must
    be public or inside callback_private_networks."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host_matches(host, settings.callback_allowed_hosts):
        raise Refused(f"回调主机“{host}”已不在允许的回调主机之列，未发送。")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except ResolutionError as exc:
        raise Retryable(f"{exc}，回调未送达。") from None
    if not all(_address_allowed(ip, settings) for ip in addresses):
        raise Refused(f"回调主机“{host}”解析到本机、内网或链路本地地址，已拒绝发送（防止服务器端请求伪造）。")
    return addresses[0]


def deliver(url: str, payload: dict[str, Any], settings: Settings) -> int:
    """POST `payload` once; the HTTP status on a 2xx. Raises Refused or Retryable (Chinese reasons)."""
    address = checked_address(url, settings)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    total = settings.callback_timeout_s
    deadline = time.monotonic() + total
    timeouts = {"connect": total, "read": total, "write": total, "pool": total}
    headers = [
        (b"Content-Type", b"application/json; charset=utf-8"),
        (b"User-Agent", USER_AGENT),
        (b"Content-Length", str(len(body)).encode()),
    ]
    pool = httpcore.ConnectionPool(
        ssl_context=ssl.create_default_context(),
        max_connections=1,
        network_backend=_PinnedBackend(address, deadline),
    )
    try:
        with (
            pool,
            pool.stream("POST", url, headers=headers, content=body, extensions={"timeout": timeouts}) as r,
        ):
            status = r.status  # the body is not read: only the status line and headers matter
    except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, OSError):
        raise Retryable(f"回调未送达：无法连接回调地址，或其未在 {total:g} 秒内完成应答。") from None
    except httpcore.UnsupportedProtocol:
        raise Refused("回调地址的协议不受支持，未发送。") from None
    if 200 <= status < 300:
        return status
    if status in _RETRY_STATUS:
        raise Retryable(f"回调地址返回 HTTP {status}。")
    raise Refused(f"回调地址返回 HTTP {status}，不再重试。")


# --- the queue ------------------------------------------------------------------------------------------


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    url: str = field(compare=False)
    submission_id: int = field(compare=False)
    payload: dict[str, Any] = field(compare=False)
    attempt: int = field(default=0, compare=False)
    request_id: str | None = field(default=None, compare=False)


@dataclass
class CallbackStats:
    sent: int = 0
    failed: int = 0
    refused: int = 0
    dropped: int = 0
    retried: int = 0


class CallbackDispatcher:
    """A bounded queue of callbacks and the few threads that send them (started on first use)."""

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        *,
        send: Callable[[str, dict[str, Any], Settings], int] = deliver,
        request_id: Callable[[], str | None] = lambda: None,
        bind_request_id: Callable[[str | None], Any] = lambda _rid: None,
    ):
        self.settings = settings
        self._session_factory = session_factory
        self._send = send
        self._request_id, self._bind_request_id = request_id, bind_request_id
        self._heap: list[_Job] = []
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._busy = 0
        self._closed = False
        self._seq = itertools.count()
        self.stats = CallbackStats()

    @property
    def depth(self) -> int:
        with self._cond:
            return len(self._heap) + self._busy

    def enqueue(self, *, url: str, submission_id: int, precheck: dict[str, Any]) -> bool:
        """Queue one callback; False (logged, counted) when the queue is full or closed. Never blocks."""
        job = _Job(
            due=time.monotonic(),
            seq=next(self._seq),
            url=url,
            submission_id=submission_id,
            payload=precheck_payload(submission_id, precheck),
            request_id=self._request_id(),
        )
        with self._cond:
            if self._closed or len(self._heap) + self._busy >= self.settings.callback_queue_size:
                self.stats.dropped += 1
                log.warning(
                    "callback queue full or closed; callback for submission %s dropped (%s)",
                    submission_id,
                    public_target(url),
                )
                return False
            self._start_workers()
            heapq.heappush(self._heap, job)
            self._cond.notify()
        return True

    def _start_workers(self) -> None:
        if self._threads:
            return
        for i in range(self.settings.callback_workers):
            thread = threading.Thread(target=self._work, name=f"jixiao-callback-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _next_job(self) -> _Job | None:
        with self._cond:
            while True:
                if self._closed:
                    return None
                now = time.monotonic()
                if self._heap and self._heap[0].due <= now:
                    self._busy += 1
                    return heapq.heappop(self._heap)
                self._cond.wait(timeout=(self._heap[0].due - now) if self._heap else None)

    def _work(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                self._bind_request_id(job.request_id)
                self._attempt(job)
            except Exception:  # a bug here must not kill the worker
                log.exception("callback worker failed on submission %s", job.submission_id)
            finally:
                self._bind_request_id(None)
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _attempt(self, job: _Job) -> None:
        job.attempt += 1
        target = public_target(job.url)
        try:
            status = self._send(job.url, job.payload, self.settings)
        except Refused as exc:
            self.stats.refused += 1
            log.warning("callback for submission %s refused: %s", job.submission_id, exc)
            self._audit(job, "callback.failed", {"error": str(exc)})
            return
        except Retryable as exc:
            if job.attempt < self.settings.callback_max_attempts:
                delay = self.settings.callback_retry_delay_s * 2 ** (job.attempt - 1)
                self.stats.retried += 1
                log.info(
                    "callback for submission %s to %s: attempt %d failed (%s); retry in %.1f s",
                    job.submission_id,
                    target,
                    job.attempt,
                    exc,
                    delay,
                )
                with self._cond:
                    job.due = time.monotonic() + delay
                    heapq.heappush(self._heap, job)
                    self._cond.notify()
                return
            self.stats.failed += 1
            log.warning("callback for submission %s to %s failed: %s", job.submission_id, target, exc)
            self._audit(job, "callback.failed", {"error": f"{exc}（已尝试 {job.attempt} 次）"})
            return
        self.stats.sent += 1
        log.info("callback for submission %s sent to %s (HTTP %s)", job.submission_id, target, status)
        self._audit(job, "callback.sent", {"status_code": status})

    def _audit(self, job: _Job, action: str, outcome: dict[str, Any]) -> None:
        details = {"target": public_target(job.url), "attempts": job.attempt, **outcome}
        try:
            transaction(
                self._session_factory,
                lambda session: record_audit(
                    session, actor="system", action=action, submission_id=job.submission_id, details=details
                ),
            )
        except Exception:
            log.exception("could not record callback outcome for submission %s", job.submission_id)

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is queued or being sent (tests and shutdown)."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._busy:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(timeout=min(remaining, 0.05))
        return True

    def close(self, timeout: float = 2.0) -> None:
        """Stop the workers; callbacks still queued are dropped (logged)."""
        with self._cond:
            self._closed = True
            pending = len(self._heap)
            self._heap.clear()
            self._cond.notify_all()
        if pending:
            log.warning("%d queued callbacks dropped at shutdown", pending)
        for thread in self._threads:
            thread.join(timeout=timeout)
