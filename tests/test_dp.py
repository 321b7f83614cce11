"""The DP on tiny integer cases: fill, backtrace, insertions, bands, coarse-to-fine, and the bead costs."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment import costs, dp, gale_church

TYPES3 = ((1, 1), (1, 0), (0, 1))


def table_from(
    cells: dict[tuple[int, int, int], float],
    n: int,
    m: int,
    types: Sequence[dp.BeadType] = TYPES3,
    default: float = -100.0,
) -> np.ndarray:
    """A full-band score table: cells[(t, i, j)] = score of bead type t ending at node (i, j)."""
    scores = np.full((len(types), n + 1, m + 1), default)
    for (t, i, j), v in cells.items():
        scores[t, i, j] = v
    return scores


def naive_best(scores: np.ndarray, n: int, m: int, types: Sequence[dp.BeadType]) -> float:
    """Reference DP over a dict, no band, no prefix scan."""
    best = {(0, 0): 0.0}
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) == (0, 0):
                continue
            cands = [
                best[(i - a, j - b)] + scores[t, i, j]
                for t, (a, b) in enumerate(types)
                if i >= a and j >= b and (i - a, j - b) in best
            ]
            if cands:
                best[(i, j)] = max(cands)
    return best[(n, m)]


def covers(beads: Sequence[dp.BeadRange], n: int, m: int) -> bool:
    i = j = 0
    for (a0, a1), (b0, b1) in beads:
        if (a0, b0) != (i, j) or a1 < a0 or b1 < b0 or (a1, b1) == (a0, b0):
            return False
        i, j = a1, b1
    return (i, j) == (n, m)


# --- fill and backtrace -----------------------------------------------------------------------------


def test_diagonal_wins_when_it_scores() -> None:
    scores = table_from({(0, 1, 1): 5, (0, 2, 2): 5}, 2, 2)
    assert dp.backtrace(dp.fill(scores, dp.full_band(2, 2), TYPES3)) == [((0, 1), (0, 1)), ((1, 2), (1, 2))]


def test_skips_when_pairs_are_bad() -> None:
    # No 1-1 bead is worth anything, a deletion and an insertion cost -1 each.
    scores = table_from({}, 1, 1)
    scores[1] = -1
    scores[2] = -1
    beads = dp.backtrace(dp.fill(scores, dp.full_band(1, 1), TYPES3))
    assert sorted(beads) == [((0, 0), (0, 1)), ((0, 1), (1, 1))] or sorted(beads) == [
        ((0, 1), (0, 0)),
        ((1, 1), (0, 1)),
    ]


def test_many_to_one_bead() -> None:
    types = ((1, 1), (1, 0), (0, 1), (2, 1))
    scores = table_from({(3, 2, 1): 10, (0, 1, 1): 1, (0, 2, 1): 1}, 2, 1, types)
    assert dp.backtrace(dp.fill(scores, dp.full_band(2, 1), types)) == [((0, 2), (0, 1))]


def test_insertion_prefix_scan_runs_of_insertions() -> None:
    # Row 0 only: reaching (0, 3) needs three 0-1 beads in a row.
    scores = table_from({(2, 0, 1): -1, (2, 0, 2): -2, (2, 0, 3): -3}, 0, 3)
    table = dp.fill(scores, dp.full_band(0, 3), TYPES3)
    assert table.scores[0].tolist() == [0, -1, -3, -6]
    assert dp.backtrace(table) == [((0, 0), (0, 1)), ((0, 0), (1, 2)), ((0, 0), (2, 3))]


def test_band_shift_between_rows() -> None:
    # Row i searches columns i .. i+1 only; the diagonal must still be found through the shifted rows.
    n = m = 4
    band = dp.Band(lo=np.array([0, 0, 1, 2, 3]), width=2, m=m)
    scores = np.full((3, n + 1, 2), -5.0)
    scores[0, 1:, :] = np.where(band.columns()[1:] == np.arange(1, n + 1)[:, None], 3.0, -5.0)
    assert dp.backtrace(dp.fill(scores, band, TYPES3)) == [((k, k + 1), (k, k + 1)) for k in range(4)]


def test_unreachable_end_is_an_error() -> None:
    band = dp.Band(lo=np.array([0, 0]), width=1, m=3)
    with pytest.raises(ValueError, match="no path"):
        dp.backtrace(dp.fill(np.zeros((3, 2, 1)), band, TYPES3))


def test_bad_bead_types_are_refused() -> None:
    with pytest.raises(ValueError):
        dp.check_bead_types([(0, 2)])
    with pytest.raises(ValueError):
        dp.check_bead_types([(0, 0)])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 6), m=st.integers(0, 6), seed=st.integers(0, 2**31))
def test_fill_matches_naive_dp(n: int, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    types = dp.BEAD_TYPES
    scores = rng.integers(-9, 10, size=(len(types), n + 1, m + 1)).astype(float)
    table = dp.fill(scores, dp.full_band(n, m), types)
    assert table.scores[n, m] == naive_best(scores, n, m, types)
    beads = dp.backtrace(table)
    assert covers(beads, n, m)
    # The path's own score is the optimum.
    total, i, j = 0.0, 0, 0
    for (a0, a1), (b0, b1) in beads:
        t = types.index((a1 - a0, b1 - b0))
        i, j = a1, b1
        total += scores[t, i, j]
    assert total == table.scores[n, m]


# --- bands and the coarse-to-fine search ------------------------------------------------------------


def test_band_from_path_contains_path_and_is_monotone() -> None:
    path = [((0, 1), (0, 1)), ((1, 3), (1, 2)), ((3, 4), (2, 4))]
    band = dp.band_from_path(path, 8, 8, factor=2, margin=1)
    assert band.lo[0] == 0 and band.lo[-1] + band.width - 1 >= 8
    assert (np.diff(band.lo) >= 0).all()
    cols = band.columns()
    for (a0, a1), (b0, b1) in path:
        for i, j in itertools.product(range(2 * a0, min(2 * a1, 8) + 1), range(2 * b0, min(2 * b1, 8) + 1)):
            assert cols[i, 0] <= j <= cols[i, -1]


def _length_problem(ja: list[int], en: list[int]) -> dp.Problem:
    sides = []
    for lens in (ja, en):
        sides.append(costs.make_side(lens, np.zeros((len(lens), 1), np.float32)))
    scorer = costs.Scorer(sides[0], sides[1], costs.DEFAULT_WEIGHTS, 1.0)
    return costs.make_problem(scorer)


@settings(max_examples=25, deadline=None)
@given(lens=st.lists(st.integers(1, 120), min_size=0, max_size=80), seed=st.integers(0, 2**31))
def test_every_alignment_covers_each_segment_once_in_order(lens: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    # EN: the same lengths, with random merges and drops, so the search has real n:m work to do.
    en: list[int] = []
    k = 0
    while k < len(lens):
        r = rng.random()
        if r < 0.1 and k + 1 < len(lens):
            en.append(lens[k] + lens[k + 1])
            k += 2
            continue
        if r > 0.95:
            k += 1
            continue
        en.append(lens[k])
        k += 1
    # A tiny full-DP limit forces the banded coarse-to-fine path even on short inputs.
    beads = dp.search(_length_problem(lens, en), max_full_cells=30)
    assert covers(beads, len(lens), len(en))


def test_coarse_to_fine_finds_the_same_diagonal_as_full_dp() -> None:
    rng = np.random.default_rng(3)
    lens = rng.integers(5, 200, size=300).tolist()
    problem = _length_problem(lens, lens)
    banded = dp.search(problem, max_full_cells=200)
    full = dp.search(problem, max_full_cells=10**9)
    assert banded == full == [((k, k + 1), (k, k + 1)) for k in range(300)]


# --- costs -------------------------------------------------------------------------------------------


def _scorer(
    ja_lens: Sequence[int],
    en_lens: Sequence[int],
    ja_anchors: Sequence[Sequence[float]] | None = None,
    en_anchors: Sequence[Sequence[float]] | None = None,
    ja_vecs: Sequence[np.ndarray] | None = None,
    en_vecs: Sequence[np.ndarray] | None = None,
    **weights: Any,
) -> costs.Scorer:
    ja_a = (
        np.zeros((len(ja_lens), 1), np.float32) if ja_anchors is None else np.asarray(ja_anchors, np.float32)
    )
    en_a = (
        np.zeros((len(en_lens), 1), np.float32) if en_anchors is None else np.asarray(en_anchors, np.float32)
    )
    ja = costs.make_side(ja_lens, ja_a, ja_vecs)
    en = costs.make_side(en_lens, en_a, en_vecs)
    w = costs.Weights(**weights) if weights else costs.DEFAULT_WEIGHTS
    return costs.Scorer(ja, en, w, costs.length_ratio(ja, en))


def one(scorer: costs.Scorer, a: int, b: int, i: int, j: int) -> float:
    return float(scorer(a, b, np.array([i]), np.array([[j]]))[0, 0])


def test_length_term_is_zero_at_the_pairs_ratio_and_negative_elsewhere() -> None:
    s = _scorer([10, 20, 10], [30, 60, 30])  # ratio 3
    assert s.ratio == 3
    terms = s.length_term(1, 1, np.array([1]), np.array([[0, 1, 2]]))[0]
    assert terms[1] == 0
    assert terms[0] < 0 and terms[2] < 0
    # Merging the two short JA sentences against one EN of their combined length is also exact.
    s2 = _scorer([10, 10], [60])
    assert s2.length_term(2, 1, np.array([0]), np.array([[0]]))[0, 0] == 0


def test_skip_beads_cost_the_skip_constant() -> None:
    s = _scorer([10], [10], skip=-0.25, no_embedding_skip=-0.5)
    assert one(s, 1, 0, 0, 0) == one(s, 0, 1, 0, 0) == -0.5  # no embeddings: the length-only skip
    vec = [np.ones((1, 2), np.float32) / np.sqrt(2)]
    s = _scorer([10], [10], ja_vecs=vec, en_vecs=vec, skip=-0.25, no_embedding_skip=-0.5)
    assert one(s, 1, 0, 0, 0) == one(s, 0, 1, 0, 0) == -0.25


def test_anchor_term_rewards_shared_tokens_and_penalises_unmatched_ones() -> None:
    s = _scorer([10, 10], [10, 10], ja_anchors=[[1, 0], [0, 1]], en_anchors=[[1, 0], [0, 1]])
    same = s.anchor_term(1, 1, np.array([0]), np.array([[0]]))[0, 0]
    crossed = s.anchor_term(1, 1, np.array([0]), np.array([[1]]))[0, 0]
    assert same > 0 > crossed


def test_similarity_term_prefers_the_matching_vectors() -> None:
    eye = np.eye(3, dtype=np.float32)
    pairs2 = np.stack([eye[0] + eye[1], eye[1] + eye[2]]) / np.sqrt(2)
    pairs3 = ((eye[0] + eye[1] + eye[2]) / np.sqrt(3))[None, :]
    vecs = [eye, pairs2.astype(np.float32), pairs3.astype(np.float32)]
    s = _scorer([5, 5, 5], [5, 5, 5], ja_vecs=vecs, en_vecs=vecs)
    row = s.similarity_term(1, 1, np.array([1]), np.array([[0, 1, 2]]))[0]
    assert row.argmax() == 1


def test_band_scorer_matches_the_direct_scorer_on_every_cell() -> None:
    """The prepared scorer (cosines computed once over the band, looked up with a NaN border) scores every
    band cell as the scorer that multiplies vectors per call, also next to both ends of the documents."""
    rng = np.random.default_rng(3)
    n, m = 23, 27
    sides = []
    for count in (n, m):
        single = rng.standard_normal((count, 8)).astype(np.float32)
        single /= np.linalg.norm(single, axis=1, keepdims=True)
        sides.append([single, costs.make_side([1] * count, np.zeros((count, 1)), [single]).range_vectors])
    ja_vecs = [sides[0][1](k, np.arange(n - k + 1)) for k in (1, 2, 3)]
    en_vecs = [sides[1][1](k, np.arange(m - k + 1)) for k in (1, 2, 3)]
    direct = _scorer(
        rng.integers(5, 40, n).tolist(), rng.integers(5, 40, m).tolist(), ja_vecs=ja_vecs, en_vecs=en_vecs
    )
    band = dp.band_from_path([((0, n), (0, m))], n, m, factor=1, margin=2)
    prepared = direct.prepare(band)
    i0 = np.arange(n + 1)
    j0 = band.columns()  # start columns around the band, some past either end of the documents
    for a, b in dp.SENTENCE_TYPES:
        starts = np.clip(j0 - b, -3, m)
        np.testing.assert_allclose(prepared(a, b, i0 - a, starts), direct(a, b, i0 - a, starts), atol=1e-6)


def test_dot_rows_is_one_product_in_pieces() -> None:
    from alignment.simband import dot_rows

    rng = np.random.default_rng(0)
    x, y = (
        rng.standard_normal((37, 512)).astype(np.float32),
        rng.standard_normal((300, 512)).astype(np.float32),
    )
    np.testing.assert_allclose(dot_rows(x, y), x @ y.T, rtol=1e-5, atol=1e-4)
    assert dot_rows(x, y).shape == (37, 300)


def test_gale_church_prefers_matching_lengths() -> None:
    gc = gale_church.GaleChurch.from_lengths([10, 20], [20, 40])
    assert gc.ratio == 2
    row = gc(1, 1, np.array([0, 1]), np.array([[0, 1], [0, 1]]))
    assert row[0, 0] > row[0, 1] and row[1, 1] > row[1, 0]
    assert row[0, 0] == pytest.approx(np.log(0.89))


def test_gale_church_alignment_of_length_lists() -> None:
    """The NLTK doctest, on our DP: align_blocks([10, 5, 5], [12, 20]) -> 0-0, 1-1, 2-1 style."""
    gc = gale_church.GaleChurch.from_lengths([10, 5, 5], [10, 10])
    beads = dp.search(dp.Problem(3, 2, gc), dp.GALE_CHURCH_TYPES)
    assert beads == [((0, 1), (0, 1)), ((1, 3), (1, 2))]


@pytest.mark.parametrize("module", ["dp", "costs", "aligner", "anchors", "evaluate", "export"])
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"alignment.{module}"))
    assert result.failed == 0 and result.attempted > 0
