"""Embedders, the Chroma store, the lexical index, hybrid retrieval and idempotent indexing.

Knows nothing of targets."""
