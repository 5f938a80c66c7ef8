"""Search quality: top-1, top-5 and mean reciprocal rank per kind of query, for the bot's
search and two baselines, on the evaluation set and on the held-out set.

    .venv/bin/python -m tests.search_eval.evaluate
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.catalogue import SectionTable, parse_catalogue
from bot.catalogue.aliases import read_aliases
from bot.config import PACKAGE_DATA
from bot.models import Catalogue
from bot.search import SearchIndex
from tests.search_eval.baselines import FTS5Baseline, WRatioBaseline

HERE = Path(__file__).resolve().parent
FULL_LIST = HERE.parents[1].parent / "shared" / "catalogues" / "foundations-of-llms-paper-list.md"
SETS = {"evaluation": HERE / "queries.toml", "held-out": HERE / "holdout.toml"}

Ranker = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Query:
    """One query of an evaluation set and the paper it should find."""

    q: str
    kind: str
    expect: str


@dataclass(frozen=True)
class Score:
    """Accuracy over a group of queries."""

    n: int
    top1: float
    top5: float
    mrr: float


def read_queries(path: Path) -> list[Query]:
    """The queries of an evaluation set file."""
    with path.open("rb") as f:
        return [Query(**row) for row in tomllib.load(f)["query"]]


def full_catalogue() -> Catalogue:
    """The real-world list, read from ../shared."""
    table = SectionTable.from_toml(PACKAGE_DATA / "sections.toml")
    return parse_catalogue(FULL_LIST.read_text(encoding="utf-8"), str(FULL_LIST), table)


def rankers(catalogue: Catalogue) -> dict[str, Ranker]:
    """The bot's search and the two baselines, each as query, limit -> paper ids."""
    index = SearchIndex(catalogue, read_aliases(PACKAGE_DATA / "aliases.toml"))
    wratio, fts5 = WRatioBaseline(catalogue), FTS5Baseline(catalogue)
    return {
        "bot": lambda q, n: [h.paper.id for h in index.search(q, n).hits],
        "wratio": wratio.search,
        "fts5": fts5.search,
    }


def evaluate(rank: Ranker, queries: Sequence[Query]) -> dict[str, Score]:
    """Scores per kind of query, and over all of them under "all"."""
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for query in queries:
        found = rank(query.q, 5)
        position = found.index(query.expect) + 1 if query.expect in found else None
        ranks[query.kind].append(position)
    ranks["all"] = [r for rs in list(ranks.values()) for r in rs]
    return {
        kind: Score(
            n=len(rs),
            top1=sum(r == 1 for r in rs) / len(rs),
            top5=sum(r is not None for r in rs) / len(rs),
            mrr=sum(1 / r for r in rs if r is not None) / len(rs),
        )
        for kind, rs in ranks.items()
    }


def main() -> None:
    catalogue = full_catalogue()
    ranked = rankers(catalogue)
    for set_name, path in SETS.items():
        queries = read_queries(path)
        results = {name: evaluate(rank, queries) for name, rank in ranked.items()}
        print(f"\n{set_name} set: {len(queries)} queries (top-1 / top-5 / MRR)")
        print(f"| kind | n | {' | '.join(results)} |")
        print(f"| --- | ---: | {' | '.join('---' for _ in results)} |")
        for kind in results["bot"]:
            cells = [
                f"{r[kind].top1:.0%} / {r[kind].top5:.0%} / {r[kind].mrr:.2f}"
                for r in results.values()
            ]
            print(f"| {kind} | {results['bot'][kind].n} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
