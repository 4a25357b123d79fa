from vectorstore.fusion import weighted_rrf


def test_item_in_both_lists_wins():
    fused = weighted_rrf({"dense": ["a", "b", "c"], "lexical": ["b", "d"]}, {"dense": 1, "lexical": 1})
    assert fused[0].id == "b"
    assert fused[0].ranks == {"dense": 2, "lexical": 1}
    assert {f.id for f in fused} == {"a", "b", "c", "d"}


def test_weights_shift_the_order():
    lists = {"dense": ["a", "x"], "lexical": ["b", "y"]}
    assert weighted_rrf(lists, {"dense": 2, "lexical": 1})[0].id == "a"
    assert weighted_rrf(lists, {"dense": 1, "lexical": 2})[0].id == "b"


def test_smaller_k_favours_top_ranks():
    lists = {"dense": ["a", "b", "c"], "lexical": ["c", "x", "b"]}
    # b: ranks 2 and 3; c: ranks 3 and 1. With small k the first place of c dominates.
    assert weighted_rrf(lists, {"dense": 1, "lexical": 1}, rrf_k=1)[0].id == "c"
    scores = {f.id: f.score for f in weighted_rrf(lists, {"dense": 1, "lexical": 1}, rrf_k=60)}
    assert abs(scores["b"] - (1 / 62 + 1 / 63)) < 1e-12


def test_duplicates_count_once_and_empty_lists():
    fused = weighted_rrf({"dense": ["a", "a"], "lexical": []}, {"dense": 1, "lexical": 1}, rrf_k=10)
    assert len(fused) == 1 and abs(fused[0].score - 1 / 11) < 1e-12
    assert weighted_rrf({}, {}) == []
