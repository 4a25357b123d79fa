"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: scripted replies, recorded requests.

Serves POST /v1/chat/completions with and without `stream: true` (SSE chunks ending in `[DONE]`),
text or tool-call replies, delays (to trigger client timeouts) and HTTP errors.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class StubReply:
    text: str = ""
    tool_args: dict[str, Any] | None = None  # answer with a tool call to the request's first tool
    delay_s: float = 0.0  # sleep before answering (client timeouts)
    status: int = 200  # non-200: an OpenAI-style error body
    chunk_size: int = 3  # characters per streamed chunk


Responder = Callable[[dict[str, Any]], "StubReply | str"]


@dataclass
class OpenAIStub:
    replies: deque = field(default_factory=deque)
    responder: Responder | None = None  # used when no scripted reply is left
    requests: list[dict[str, Any]] = field(default_factory=list)
    model: str = "stub-model"

    def __post_init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._stopping = threading.Event()

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Self:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "stub not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, *replies: StubReply | str) -> None:
        for reply in replies:
            self.replies.append(StubReply(text=reply) if isinstance(reply, str) else reply)

    # -- request handling ----------------------------------------------------------------------
    def next_reply(self, body: dict[str, Any]) -> StubReply:
        self.requests.append(body)
        if self.replies:
            return self.replies.popleft()
        if self.responder:
            reply = self.responder(body)
            return StubReply(text=reply) if isinstance(reply, str) else reply
        return StubReply(status=500, text="no scripted reply left")

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self._stopping.is_set():
            time.sleep(0.02)


def _completion_id() -> str:
    return f"chatcmpl-stub-{time.monotonic_ns()}"


def _tool_call(body: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    tools = body.get("tools") or [{"function": {"name": "answer"}}]
    return {
        "id": "call_stub_1",
        "type": "function",
        "function": {"name": tools[0]["function"]["name"], "arguments": json.dumps(args, ensure_ascii=False)},
    }


def _full_response(stub: OpenAIStub, body: dict[str, Any], reply: StubReply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    finish = "stop"
    if reply.tool_args is not None and body.get("tools"):
        message["tool_calls"] = [_tool_call(body, reply.tool_args)]
        message["content"] = None
        finish = "tool_calls"
    return {
        "id": _completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", stub.model),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _stream_chunks(stub: OpenAIStub, body: dict[str, Any], reply: StubReply):
    base = {
        "id": _completion_id(),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", stub.model),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    if reply.tool_args is not None and body.get("tools"):
        call = _tool_call(body, reply.tool_args)
        args = call["function"]["arguments"]
        yield chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": call["function"]["name"], "arguments": ""},
                    }
                ]
            }
        )
        for i in range(0, len(args), 16):
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + 16]}}]})
        yield chunk({}, "tool_calls")
        return
    text = reply.text
    for i in range(0, len(text), max(reply.chunk_size, 1)):
        yield chunk({"content": text[i : i + reply.chunk_size]})
    yield chunk({}, "stop")


def _make_handler(stub: OpenAIStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send_json(200, {"object": "list", "data": [{"id": stub.model, "object": "model"}]})
            else:
                self._send_json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, {"error": {"message": "not found"}})
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = stub.next_reply(body)
            if reply.delay_s:
                stub.sleep(reply.delay_s)
            try:
                if reply.status != 200:
                    self._send_json(
                        reply.status,
                        {
                            "error": {
                                "message": reply.text or "stub error",
                                "type": "stub_error",
                                "code": reply.status,
                            }
                        },
                    )
                elif body.get("stream"):
                    self._stream(body, reply)
                else:
                    self._send_json(200, _full_response(stub, body, reply))
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _stream(self, body: dict[str, Any], reply: StubReply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for piece in _stream_chunks(stub, body, reply):
                self.wfile.write(f"data: {json.dumps(piece, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler
