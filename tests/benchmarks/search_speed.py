"""Benchmark: /paper search latency (p50/p99) on the real list and on generated lists of
10,000 and 100,000 papers, with the index build time and memory. The queries are the
evaluation sets' (names, questions, Chinese, citations, links, negatives), generated title
words, authors, typos and prefixes, and queries that match nothing (the no-match path);
and the latency of the "closest titles" offered when a query matches nothing
(`SearchIndex.closest`).

    .venv/bin/python -m tests.benchmarks.search_speed          # 217 and 10,000 papers
    .venv/bin/python -m tests.benchmarks.search_speed --large  # and 100,000
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import tomllib
import tracemalloc
from pathlib import Path

from bot.catalogue import SectionTable, parse_catalogue
from bot.catalogue.aliases import read_aliases
from bot.chinese import read_glossary
from bot.config import PACKAGE_DATA
from bot.models import Catalogue
from bot.search import SearchIndex
from tests.benchmarks.generate import generate_list, nonsense_query

HERE = Path(__file__).resolve().parent
FULL = HERE.parents[1].parent / "shared/catalogues/foundations-of-llms-paper-list.md"
EVAL = (HERE.parent / "search_eval/queries.toml", HERE.parent / "search_eval/questions.toml")


def _queries(catalogue: Catalogue, n: int, seed: int = 3) -> list[str]:
    """Reader-like queries: the evaluation set's, plus title words, authors, typos and
    prefixes of papers of this catalogue."""
    rng = random.Random(seed)
    out = []
    for path in EVAL:
        with path.open("rb") as f:
            out += [q["q"] for q in tomllib.load(f)["query"]]
    papers = catalogue.papers
    while len(out) < n:
        p = rng.choice(papers)
        title = p.title.split()
        kind = rng.randrange(6)
        if kind == 5:  # matches nothing
            out.append(" ".join("".join(rng.choice("qxzjvkw") for _ in range(7)) for _ in range(2)))
            continue
        if kind == 0:
            out.append(" ".join(rng.sample(title, min(3, len(title)))))
        elif kind == 1 and p.authors:
            out.append(rng.choice(p.authors))
        elif kind == 2:
            word = rng.choice(title)
            k = rng.randrange(len(word))
            out.append(word[:k] + word[k + 1 :] + " " + rng.choice(title))
        elif kind == 3:
            out.append(p.title[: rng.randint(3, 12)])
        else:
            out.append(f"{rng.choice(p.authors or ('x',)).split()[-1]} {rng.choice(title)}")
    return out[:n]


def _percentiles(times: list[float]) -> tuple[float, float, float]:
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.99) - 1], times[-1]


def _closest(index: SearchIndex, queries: int, seed: int = 5) -> tuple[list[float], list[float]]:
    """Times (ms, wall and CPU of this thread) of closest() for queries that match nothing,
    as /paper calls it: CPU time says what the call costs on a machine others load."""
    rng = random.Random(seed)
    walls, cpus = [], []
    while len(walls) < queries:
        q = nonsense_query(rng)
        result = index.search(q, 25)
        if result.best is not None or result.near:
            continue  # /paper would not ask for the closest titles
        t0, c0 = time.perf_counter(), time.thread_time()
        index.closest(q, 3)
        cpus.append((time.thread_time() - c0) * 1000)
        walls.append((time.perf_counter() - t0) * 1000)
    return walls, cpus


def _measure(label: str, catalogue: Catalogue, queries: int) -> str:
    aliases = read_aliases(PACKAGE_DATA / "aliases.toml")
    glossary = read_glossary(PACKAGE_DATA / "glossary.toml")
    glossary.segment("预热")  # the segmenter's dictionary is loaded once per process
    start = time.perf_counter()
    SearchIndex(catalogue, aliases, glossary)
    build = time.perf_counter() - start
    tracemalloc.start()
    index = SearchIndex(catalogue, aliases, glossary)
    memory = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    # What the bot does in a worker thread before it serves a new index (bot.client).
    start = time.perf_counter()
    index.prepare()
    prepare = time.perf_counter() - start
    qs = _queries(catalogue, queries)
    times = []
    for q in qs:
        t0 = time.perf_counter()
        index.search(q, 25)
        times.append((time.perf_counter() - t0) * 1000)
    p50, p99, top = _percentiles(times)
    closest, cpu = _closest(index, min(queries, 500))
    c50, c99, ctop = _percentiles(closest)
    _, cpu99, _ = _percentiles(cpu)
    return (
        f"{label:>10} {len(catalogue.papers):>8} {len(qs):>8} {p50:>8.2f} {p99:>8.2f} "
        f"{top:>8.2f} {build:>8.2f} {prepare:>10.2f} {memory:>9.1f}   {len(closest):>5} {c50:>8.2f} "
        f"{c99:>8.2f} {ctop:>8.2f} {cpu99:>8.2f}"
    )


def main(argv: list[str]) -> None:
    table = SectionTable.from_toml(PACKAGE_DATA / "sections.toml")
    print(
        f"{'list':>10} {'papers':>8} {'queries':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'build s':>8} {'prepare s':>10} {'index MB':>9}   closest: {'n':>5} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'cpu p99':>8}"
    )
    full = parse_catalogue(FULL.read_text(encoding="utf-8"), "full", table)
    print(_measure("full", full, 2000), flush=True)
    for n in (10_000, 100_000) if "--large" in argv else (10_000,):
        catalogue = parse_catalogue(generate_list(n), str(n), table)
        print(_measure(f"{n:,}", catalogue, 1000), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
