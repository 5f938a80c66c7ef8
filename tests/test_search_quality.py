"""The evaluation sets run in the suite with their accuracy floors."""

from __future__ import annotations

import pytest

from tests.search_eval.evaluate import SETS, evaluate, full_catalogue, rankers, read_queries

KINDS = {"name", "nickname", "arxiv", "typo", "words", "author", "author_title", "mixed"}


@pytest.fixture(scope="module")
def ranked() -> dict[str, object]:
    return rankers(full_catalogue())  # type: ignore[return-value]


@pytest.mark.parametrize("set_name", sorted(SETS))
def test_top1_at_least_95_percent_overall_and_per_kind(ranked: dict, set_name: str) -> None:
    queries = read_queries(SETS[set_name])
    scores = evaluate(ranked["bot"], queries)
    assert set(scores) == KINDS | {"all"}
    assert all(s.n >= 12 for s in scores.values())
    below = {kind: f"{s.top1:.0%}" for kind, s in scores.items() if s.top1 < 0.95}
    assert below == {}


@pytest.mark.parametrize("set_name", sorted(SETS))
def test_far_ahead_of_both_baselines(ranked: dict, set_name: str) -> None:
    queries = read_queries(SETS[set_name])
    bot = evaluate(ranked["bot"], queries)["all"].top1
    for baseline in ("wratio", "fts5"):
        assert bot - evaluate(ranked[baseline], queries)["all"].top1 >= 0.3, baseline


def test_evaluation_set_is_big_enough_and_well_formed() -> None:
    queries = read_queries(SETS["evaluation"])
    assert len(queries) >= 100
    catalogue = full_catalogue()
    assert [q.expect for q in queries if catalogue.paper(q.expect) is None] == []
    assert len({q.q for q in queries}) == len(queries)
