"""Search quality: top-1, top-5 and mean reciprocal rank per kind of query, for the bot's
search and two baselines; and how the bot decides (a card, a list, or nothing matched).

    .venv/bin/python -m tests.search_eval.evaluate            # the sets tuned on
    .venv/bin/python -m tests.search_eval.evaluate --holdout  # also the held-out sets
    .venv/bin/python -m tests.search_eval.evaluate --metadata # with noisy abstracts, TL;DRs

Name sets (`queries.toml`, `holdout.toml`): one right paper a query. Question sets
(`questions.toml`, `questions_holdout.toml`, `questions_holdout2.toml`, issue 11): every
acceptable paper listed, and negatives (`expect = []`) whose answer must not be a card.
"""

from __future__ import annotations

import random
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.catalogue import SectionTable, parse_catalogue
from bot.catalogue.aliases import read_aliases
from bot.chinese import read_glossary
from bot.config import PACKAGE_DATA
from bot.metadata.models import Facts, PaperMetadata
from bot.models import Catalogue
from bot.search import SearchIndex, decide
from tests.fake_metadata import abstract_of
from tests.search_eval.baselines import FTS5Baseline, WRatioBaseline

HERE = Path(__file__).resolve().parent
FULL_LIST = HERE.parents[1].parent / "shared" / "catalogues" / "foundations-of-llms-paper-list.md"
SETS = {"evaluation": HERE / "queries.toml", "held-out": HERE / "holdout.toml"}
QUESTIONS = {
    "questions": HERE / "questions.toml",
    "questions held-out": HERE / "questions_holdout.toml",
    # Written after the first held-out set had been scored, before the name bound it judges.
    "questions held-out 2": HERE / "questions_holdout2.toml",
}
NEGATIVE = "negative"

Ranker = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Query:
    """One query of an evaluation set and the papers that answer it (none: a negative)."""

    q: str
    kind: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """Accuracy over a group of queries."""

    n: int
    top1: float
    top5: float
    mrr: float


@dataclass(frozen=True)
class Decisions:
    """How the bot's answers were shown: cards, and how many of them were right."""

    negatives: int
    negatives_carded: int
    negatives_none: int
    cards: int
    cards_right: int

    @property
    def negatives_without_card(self) -> float:
        return 1 - self.negatives_carded / self.negatives if self.negatives else 1.0

    @property
    def card_precision(self) -> float:
        return self.cards_right / self.cards if self.cards else 1.0


def read_queries(path: Path) -> list[Query]:
    """The queries of a set file (`expect` a paper id or a list of them)."""
    with path.open("rb") as f:
        rows = tomllib.load(f)["query"]
    return [
        Query(
            str(row["q"]),
            str(row["kind"]),
            (row["expect"],) if isinstance(row["expect"], str) else tuple(row["expect"]),
        )
        for row in rows
    ]


def full_catalogue() -> Catalogue:
    """The real-world list, read from ../shared."""
    table = SectionTable.from_toml(PACKAGE_DATA / "sections.toml")
    return parse_catalogue(FULL_LIST.read_text(encoding="utf-8"), str(FULL_LIST), table)


def bot_index(catalogue: Catalogue, *, metadata: bool = False) -> SearchIndex:
    """The bot's index with the shipped aliases and glossary; with `metadata`, also the
    noisy abstracts and TL;DRs of `noisy_metadata`."""
    return SearchIndex(
        catalogue,
        read_aliases(PACKAGE_DATA / "aliases.toml"),
        read_glossary(PACKAGE_DATA / "glossary.toml"),
        noisy_metadata(catalogue) if metadata else {},
    )


def noisy_metadata(catalogue: Catalogue, seed: int = 12) -> dict[str, PaperMetadata]:
    """Abstracts and TL;DRs as the fake services serve them (the title again, stock phrases
    and a word of the paper's own), each abstract also naming two other papers of the list
    as related work, as real abstracts do: the noise the abstract fields must stand."""
    rng = random.Random(seed)
    papers = catalogue.papers
    out: dict[str, PaperMetadata] = {}
    for n, p in enumerate(papers):
        related = " and ".join(rng.choice(papers).title.rstrip(".") for _ in range(2))
        abstract = f"{abstract_of(p.title, p.id)} Related work: {related}."
        tldr = "" if n % 5 == 4 else f"This paper introduces {p.title.rstrip('.')}."
        out[p.id] = PaperMetadata(p.id, Facts(abstract=abstract), Facts(tldr=tldr))
    return out


def rankers(catalogue: Catalogue, index: SearchIndex | None = None) -> dict[str, Ranker]:
    """The bot's search and the two baselines, each as query, limit -> paper ids."""
    index = index or bot_index(catalogue)
    wratio, fts5 = WRatioBaseline(catalogue), FTS5Baseline(catalogue)
    return {
        "bot": lambda q, n: [h.paper.id for h in index.search(q, n).hits],
        "wratio": wratio.search,
        "fts5": fts5.search,
    }


def evaluate(rank: Ranker, queries: Sequence[Query]) -> dict[str, Score]:
    """Scores per kind of query (negatives left out), and over all of them under "all"."""
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for query in queries:
        if not query.expect:
            continue
        found = rank(query.q, 5)
        position = next((k for k, pid in enumerate(found, 1) if pid in query.expect), None)
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


def decisions(index: SearchIndex, queries: Sequence[Query]) -> Decisions:
    """What `/paper` would show for each query: negatives answered with a card, and the
    precision of the cards shown."""
    negatives = carded = none = cards = right = 0
    for query in queries:
        result = index.search(query.q, 25)
        decision = decide(result)
        if not query.expect:
            negatives += 1
            carded += decision == "card"
            none += decision == "none"
        if decision == "card":
            cards += 1
            right += bool(result.hits) and result.hits[0].paper.id in query.expect
    return Decisions(negatives, carded, none, cards, right)


def misses(index: SearchIndex, queries: Sequence[Query]) -> list[str]:
    """The queries whose best hit is not acceptable, or whose decision is wrong, for tuning."""
    out = []
    for query in queries:
        result = index.search(query.q, 5)
        decision = decide(result)
        top = result.hits[0].paper.id if result.hits else None
        wrong_top = bool(query.expect) and top not in query.expect
        wrong_card = decision == "card" and top not in query.expect
        if wrong_top or wrong_card:
            title = result.hits[0].paper.title[:50] if result.hits else "-"
            out.append(
                f"{query.kind:12} {decision:5} {result.basis:8} {result.confidence:.2f} "
                f"{result.lead:.2f} {query.q[:60]!r} -> {title}"
            )
    return out


def _table(title: str, results: dict[str, dict[str, Score]]) -> None:
    print(f"\n{title} (top-1 / top-5 / MRR)")
    print(f"| kind | n | {' | '.join(results)} |")
    print(f"| --- | ---: | {' | '.join('---' for _ in results)} |")
    for kind in results["bot"]:
        cells = [
            f"{r[kind].top1:.0%} / {r[kind].top5:.0%} / {r[kind].mrr:.2f}" if kind in r else "-"
            for r in results.values()
        ]
        print(f"| {kind} | {results['bot'][kind].n} | {' | '.join(cells)} |")


def main(argv: Sequence[str] = ()) -> None:
    holdout = "--holdout" in argv
    catalogue = full_catalogue()
    index = bot_index(catalogue, metadata="--metadata" in argv)
    ranked = rankers(catalogue, index)
    chosen = {**SETS, **QUESTIONS}
    if not holdout:
        chosen = {k: v for k, v in chosen.items() if k in ("evaluation", "held-out", "questions")}
    every: list[Query] = []
    for set_name, path in chosen.items():
        queries = read_queries(path)
        every += queries
        results = {name: evaluate(rank, queries) for name, rank in ranked.items()}
        _table(f"{set_name} set: {len(queries)} queries", results)
        d = decisions(index, queries)
        if d.negatives:
            print(
                f"negatives without a card: {d.negatives_without_card:.0%} "
                f"({d.negatives - d.negatives_carded}/{d.negatives}; "
                f"'nothing matched' {d.negatives_none}/{d.negatives})"
            )
        print(f"cards shown: {d.cards}, right: {d.card_precision:.1%}")
        if "-v" in argv:
            print("\n".join(misses(index, queries)))
    d = decisions(index, every)
    print(f"\nall sets: {d.cards} cards shown, {d.card_precision:.1%} right")


if __name__ == "__main__":
    main(sys.argv[1:])
