"""The starter knowledge pack: our own paraphrased rule cards (see README.md), one markdown file per
source."""

from __future__ import annotations

from pathlib import Path

_PACK_DIR = Path(__file__).resolve().parent / "pack"


def starter_pack_dir() -> Path:
    """Directory holding the starter-pack markdown files (only cards: every *.md in it is ingestible)."""
    return _PACK_DIR


def starter_pack_files() -> list[Path]:
    """The card files, sorted by name."""
    return sorted(_PACK_DIR.glob("*.md"))
