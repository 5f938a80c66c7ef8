"""The query side's shortcuts at scale answer exactly what the plain loops they replace
answered: the near spellings filtered by letter masks, the top papers by a partition, a
posting restricted to the papers already found."""

from __future__ import annotations

import heapq
import random
from array import array

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search import (
    _WORD_WEIGHTS,
    _letter_mask,
    _Posting,
    _posting_arrays,
    _Spellings,
    _top,
)

LETTERS = "abcdeéfgrstu"
word = st.text(alphabet=LETTERS, min_size=1, max_size=12)


def _near_unfiltered(strings: list[str], query: str, limit: int = 10) -> dict[str, float]:
    """`_Spellings.near` as it was written before its pools were filtered."""
    buckets: dict[tuple[int, str], list[str]] = {}
    for text in strings:
        buckets.setdefault((len(text), text[0]), []).append(text)
    edits = 1 if len(query) < 5 else 2 if len(query) < 9 else 3
    found: dict[str, float] = {}
    for length in range(len(query) - edits, len(query) + edits + 1):
        for first in dict.fromkeys(query[:2]):
            pool = buckets.get((length, first))
            if not pool:
                continue
            for text, distance, _ in process.extract(
                query, pool, scorer=OSA.distance, score_cutoff=edits, limit=limit
            ):
                found[text] = 100.0 * (1 - distance / max(len(query), len(text)))
    return dict(sorted(found.items(), key=lambda kv: -kv[1])[:limit])


@settings(max_examples=300, deadline=None)
@given(word, word)
def test_a_letter_mask_never_says_two_strings_are_further_apart_than_they_are(
    a: str, b: str
) -> None:
    assert (_letter_mask(a) ^ _letter_mask(b)).bit_count() <= 2 * OSA.distance(a, b)


def test_near_spellings_through_masks_are_the_unfiltered_ones() -> None:
    rng = random.Random(4)
    # Buckets far past the size from which they are filtered, of similar strings.
    strings = list(
        dict.fromkeys(
            "".join(rng.choice("rtsaei") for _ in range(rng.randint(3, 11))) for _ in range(6000)
        )
    )
    spellings = _Spellings(strings)
    for query in [*rng.sample(strings, 150), "retrieval", "transformer", "rwkv", "rt", "zzzz"]:
        for limit in (3, 10):
            assert spellings.near(query, limit) == _near_unfiltered(strings, query, limit)
    spellings.prepare()  # made ahead of use, the same answers
    assert spellings.near("setters") == _near_unfiltered(strings, "setters")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5, 2.5, 7.0, 60.0]), max_size=200),
    st.integers(min_value=0, max_value=30),
)
def test_the_top_papers_are_those_a_heap_over_every_paper_gives(
    values: list[float], limit: int
) -> None:
    scores = np.array(values, dtype=np.float64)
    expected = heapq.nsmallest(
        limit, ((i, v) for i, v in enumerate(values) if v > 0), key=lambda kv: (-kv[1], kv[0])
    )
    assert _top(scores, limit) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.integers(min_value=0, max_value=3000), max_size=400),
    st.sets(st.integers(min_value=0, max_value=3000), min_size=1, max_size=400),
    st.randoms(),
)
def test_a_posting_among_some_papers_is_the_posting_filtered(
    held: set[int], among: set[int], rnd: random.Random
) -> None:
    codes = array("I", sorted(i << 2 | rnd.randrange(len(_WORD_WEIGHTS)) for i in held))
    posting = _Posting(codes)
    wanted = sorted((i, w) for i, w in posting.items() if i in among)
    for kind in (posting, dict(posting.items())):
        papers, weights = _posting_arrays(kind, np.array(sorted(among), dtype=np.intp))
        assert sorted(zip(papers.tolist(), weights.tolist(), strict=True)) == wanted
    papers, weights = _posting_arrays(posting, None)
    assert list(zip(papers.tolist(), weights.tolist(), strict=True)) == list(posting.items())
