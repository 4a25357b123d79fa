"""Hybrid fusion of ranked lists: weighted reciprocal-rank fusion (pure functions).

RRF uses ranks only, so the dense cosine and the BM25 score never have to be put on one scale;
`weights` say how much each list counts, `rrf_k` how fast credit decays down a list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel


class FusedItem(BaseModel):
    id: str
    score: float
    ranks: dict[str, int]  # list name -> 1-based rank in that list


def weighted_rrf(
    ranked: Mapping[str, Sequence[str]], weights: Mapping[str, float], *, rrf_k: float = 60.0
) -> list[FusedItem]:
    """score(id) = Σ_lists weight / (rrf_k + rank); best first, ties broken by the best single rank."""
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for name, ids in ranked.items():
        weight = float(weights.get(name, 1.0))
        for rank, item_id in enumerate(ids, start=1):
            ranks.setdefault(item_id, {})
            if name in ranks[item_id]:
                continue  # a list repeating an id counts its best rank only
            ranks[item_id][name] = rank
            scores[item_id] = scores.get(item_id, 0.0) + weight / (rrf_k + rank)
    ordered = sorted(scores, key=lambda i: (-scores[i], min(ranks[i].values()), i))
    return [FusedItem(id=i, score=scores[i], ranks=ranks[i]) for i in ordered]


def boost_items(fused: Sequence[FusedItem], boosted: Callable[[str], bool], bonus: float) -> list[FusedItem]:
    """Add `bonus` to the items `boosted` accepts and re-sort (ties as in weighted_rrf)."""
    if not bonus:
        return list(fused)
    raised = [
        item.model_copy(update={"score": item.score + bonus}) if boosted(item.id) else item for item in fused
    ]
    return sorted(raised, key=lambda i: (-i.score, min(i.ranks.values()), i.id))
