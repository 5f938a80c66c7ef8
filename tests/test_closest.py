"""The "did you mean" titles of a query that matched nothing: WRatio's answer, in bounded time."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

import pytest
from rapidfuzz import fuzz, process

from bot import search
from bot.catalogue.aliases import read_aliases
from bot.models import Catalogue
from bot.search import SearchIndex, bounded, normalise
from tests.benchmarks import closest_quality
from tests.benchmarks.generate import generate_titles, nonsense_query
from tests.conftest import DATA
from tests.search_eval.evaluate import SETS, read_queries


def whole_scan(titles: list[str], text: str, limit: int = 3) -> list[int]:
    """What closest() answered before it was bounded: WRatio over every title."""
    found = process.extract(text, titles, scorer=fuzz.WRatio, limit=limit)
    return [i for _, score, i in found if score >= 60]


@pytest.fixture(scope="module")
def titles(full: Catalogue) -> list[str]:
    return [normalise(p.title) for p in full.papers]


def queries(count: int) -> list[str]:
    rng = random.Random(11)
    evaluation = [q.q for path in SETS.values() for q in read_queries(path)]
    return [bounded(q) for q in evaluation + [nonsense_query(rng) for _ in range(count)]]


def test_the_real_list_is_scanned_whole(full: Catalogue, titles: list[str]) -> None:
    index = SearchIndex(full, read_aliases(DATA / "aliases.toml"))
    differ = [
        q
        for q in queries(100)
        if [p.id for p in index.closest(q)] != [full.papers[i].id for i in whole_scan(titles, q)]
    ]
    assert differ == []


def test_the_shortlist_gives_the_whole_scans_answer_on_the_real_list(
    titles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "_FULL_SCAN", 0)  # the path of lists over 1,000 titles
    nearest = search._NearestTitles(titles)
    differ = [q for q in queries(100) if nearest.nearest(q, 3) != whole_scan(titles, q)]
    assert differ == []


def timed(run: Callable[[str], list[int]], texts: list[str]) -> tuple[float, list[list[int]]]:
    """The median time of `run` over `texts` in ms, and its answers."""
    times, answers = [], []
    for text in texts:
        start = time.perf_counter()
        answers.append(run(text))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, answers


def test_at_10000_titles_it_costs_a_fraction_of_a_whole_scan_and_finds_as_good() -> None:
    titles = [normalise(t) for t in generate_titles(10_000)]
    nearest = search._NearestTitles(titles)
    rng = random.Random(5)
    texts = [bounded(nonsense_query(rng)) for _ in range(30)]
    # Compared with a whole scan timed alongside it, so a busy machine slows both alike.
    shortlist, found = timed(lambda q: nearest.nearest(q, 3), texts)
    whole, expected = timed(lambda q: whole_scan(titles, q), texts)
    assert shortlist / whole < 0.4, (shortlist, whole)

    def best(answer: list[int], text: str) -> float:
        return fuzz.WRatio(text, titles[answer[0]]) if answer else 0.0

    worse = [q for q, a, e in zip(texts, found, expected, strict=True) if best(a, q) < best(e, q)]
    assert len(worse) <= len(texts) // 10, worse


def test_titles_scoring_alike_come_in_list_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # 3,000 titles sharing a word with the text score alike (85.5): a whole scan answers
    # the first three, and so must the shortlist, wherever the closer spellings sit.
    rng = random.Random(2)
    titles = [f"{rng.choice(['deep', 'wide', 'fast'])} {i:05d} networks" for i in range(3000)]
    titles[2500] = "networks of networks"
    nearest = search._NearestTitles(titles)
    for text in ("networks", "sparse networks everywhere today", "deep", "0251 networ"):
        assert nearest.nearest(text, 3) == whole_scan(titles, text), text


@pytest.mark.parametrize("kind", ["misspelt", "partial", "nonsense"])
def test_at_10000_titles_the_shortlist_finds_what_a_whole_scan_finds(kind: str) -> None:
    titles = [normalise(t) for t in generate_titles(10_000)]
    nearest = search._NearestTitles(titles)
    texts = closest_quality.queries(kind, titles, 30, seed=21)
    found = [nearest.nearest(text, 3) for text in texts]
    expected = [whole_scan(titles, text) for text in texts]
    same = sum(f == e for f, e in zip(found, expected, strict=True))
    missed = [t for t, f, e in zip(texts, found, expected, strict=True) if e and e[0] not in f]
    assert same >= 0.9 * len(texts), (same, len(texts))
    assert len(missed) <= len(texts) // 10, missed
