"""The document registry beside the vector store: one SQLite file under `settings.index_dir`.

It is the source of truth for what is indexed: documents (content hash, source, ingested_at) and their
clauses (the full Clause as JSON plus the BM25 tokens). Chroma holds the vectors; a vector whose clause
is not in the manifest is ignored, so a crash between the two stores never surfaces a stale clause.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from core.models import Clause, ParsedDocument
from vectorstore.models import DocumentInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    short_title TEXT NOT NULL,
    doc_no TEXT,
    date TEXT,
    issuer TEXT,
    kind TEXT NOT NULL,
    region TEXT,
    source TEXT NOT NULL,
    source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    clauses INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clauses (
    clause_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    clause_json TEXT NOT NULL,
    tokens_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS clauses_by_doc ON clauses(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
"""


class StoredClause(BaseModel):
    clause: Clause
    tokens: list[str]


class Manifest:
    """SQLite registry of documents and clauses. Each public method is one transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # one connection shared by the API's threads: a lock keeps a reader out of a writer's open transaction
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _rows(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: tuple | list = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    # --- meta ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        """Bumped on every change; readers rebuild their in-memory BM25 when it moves."""
        return int(self.get_meta("generation") or 0)

    # --- documents ----------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        rows = self._rows("SELECT * FROM documents ORDER BY ingested_at, title")
        return [_doc_info(r) for r in rows]

    def document(self, doc_id: str) -> DocumentInfo | None:
        row = self._one("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return _doc_info(row) if row else None

    def predecessors(self, doc: ParsedDocument) -> list[DocumentInfo]:
        """Earlier versions of this document: same source path, or same short title and file name."""
        rows = self._rows(
            "SELECT * FROM documents WHERE doc_id != ? "
            "AND (source = ? OR (short_title = ? AND source_name = ?))",
            (doc.doc_id, doc.source, doc.short_title, Path(doc.source).name),
        )
        return [_doc_info(r) for r in rows]

    def replace_documents(self, doc: ParsedDocument, tokens: list[list[str]], old_doc_ids: list[str]) -> None:
        """Insert `doc` and its clauses and drop `old_doc_ids`, atomically."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as conn:
            for old in old_doc_ids:
                conn.execute("DELETE FROM documents WHERE doc_id = ?", (old,))
            conn.execute(
                "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    doc.title,
                    doc.short_title,
                    doc.doc_no,
                    doc.date,
                    doc.issuer,
                    doc.kind,
                    doc.region,
                    doc.source,
                    Path(doc.source).name,
                    doc.sha256,
                    len(doc.clauses),
                    now,
                ),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO clauses VALUES (?,?,?,?,?)",
                [
                    (c.id, doc.doc_id, i, c.model_dump_json(), json.dumps(t, ensure_ascii=False))
                    for i, (c, t) in enumerate(zip(doc.clauses, tokens, strict=True))
                ],
            )
            _bump_generation(conn)

    def remove_document(self, doc_id: str) -> list[str]:
        """Delete a document; returns the ids of the clauses it had."""
        with self._transaction() as conn:
            ids = [
                r["clause_id"]
                for r in conn.execute("SELECT clause_id FROM clauses WHERE doc_id = ?", (doc_id,))
            ]
            conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            _bump_generation(conn)
        return ids

    # --- embedding cache: passage text (+ embedder) -> vector, so unchanged 款 are never embedded twice ---
    def cached_vectors(self, keys: list[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._rows(
                f"SELECT key, vector FROM embeddings WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((r["key"], np.frombuffer(r["vector"], dtype=np.float32).tolist()) for r in rows)
        return found

    def cache_vectors(self, vectors: dict[str, list[float]]) -> None:
        with self._transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings(key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
            )

    def vector_keys(self) -> set[str]:
        return {r["key"] for r in self._rows("SELECT key FROM embeddings")}

    def prune_vectors(self, keep: set[str]) -> int:
        """Drop cached vectors whose key is not in `keep`; returns how many were dropped."""
        stale = [(k,) for k in self.vector_keys() - keep]
        if stale:
            with self._transaction() as conn:
                conn.executemany("DELETE FROM embeddings WHERE key = ?", stale)
        return len(stale)

    # --- clauses ------------------------------------------------------------------------------
    def clause_ids(self, doc_id: str) -> list[str]:
        rows = self._rows("SELECT clause_id FROM clauses WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        return [r["clause_id"] for r in rows]

    def clause(self, clause_id: str) -> Clause | None:
        row = self._one("SELECT clause_json FROM clauses WHERE clause_id = ?", (clause_id,))
        return Clause.model_validate_json(row["clause_json"]) if row else None

    def all_clauses(self) -> list[StoredClause]:
        rows = self._rows(
            "SELECT c.clause_json, c.tokens_json FROM clauses c JOIN documents d USING (doc_id) "
            "ORDER BY d.ingested_at, d.doc_id, c.ordinal"
        )
        return [
            StoredClause(
                clause=Clause.model_validate_json(r["clause_json"]), tokens=json.loads(r["tokens_json"])
            )
            for r in rows
        ]

    def counts(self) -> tuple[int, int]:
        return self._count("SELECT COUNT(*) FROM documents"), self._count("SELECT COUNT(*) FROM clauses")

    def _count(self, sql: str) -> int:
        row = self._one(sql)
        return int(row[0]) if row is not None else 0


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('generation', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def _doc_info(row: sqlite3.Row) -> DocumentInfo:
    return DocumentInfo(
        doc_id=row["doc_id"],
        title=row["title"],
        short_title=row["short_title"],
        doc_no=row["doc_no"],
        date=row["date"],
        kind=row["kind"],
        region=row["region"],
        source=row["source"],
        sha256=row["sha256"],
        clauses=row["clauses"],
        ingested_at=row["ingested_at"],
    )
