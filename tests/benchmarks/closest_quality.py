"""Benchmark: how close the "did you mean" titles of a large list (`SearchIndex.closest`,
which scores a shortlist) come to the exact answer, a WRatio scan of every title, and what
they cost. Three kinds of query at 10,000 and 100,000 generated titles: nonsense (what
matches nothing), misspelt titles (one to three slips of the keyboard) and partial titles
(a run of words, or the first characters). For each: how often the top 3 are the whole
scan's top 3 (same titles, same order; no title at all counts when both have none), how
often the whole scan's best title is among them (of the queries the whole scan answers: it
is then first, as both rank by WRatio), and the p50 / p99 time (wall and CPU) of one query.

    .venv/bin/python -m tests.benchmarks.closest_quality            # 10,000 titles
    .venv/bin/python -m tests.benchmarks.closest_quality --large    # and 100,000

The whole scan costs ~0.45 s a query at 100,000 titles; its answers are kept in
/tmp/closest_truth/ (keyed by the titles and queries) so a second run only times the
shortlist.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.search import _NEAREST, _NearestTitles, bounded, normalise
from tests.benchmarks.generate import generate_titles, nonsense_query

CACHE = Path("/tmp/closest_truth")
_NEIGHBOURS = "qwertyuiop asdfghjkl zxcvbnm"


def misspelt(rng: random.Random, title: str) -> str:
    """A title as typed in a hurry: one to three slips (a letter dropped, doubled, swapped
    with the next, or replaced by a neighbouring key)."""
    chars = list(title)
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(chars))
        slip = rng.randrange(4)
        if slip == 0 and len(chars) > 3:
            del chars[k]
        elif slip == 1:
            chars.insert(k, chars[k])
        elif slip == 2 and k + 1 < len(chars):
            chars[k], chars[k + 1] = chars[k + 1], chars[k]
        else:
            row = next((r for r in _NEIGHBOURS.split() if chars[k].lower() in r), None)
            if row:
                j = row.index(chars[k].lower())
                chars[k] = row[max(0, min(len(row) - 1, j + rng.choice((-1, 1))))]
            else:
                chars[k] = rng.choice(string.ascii_lowercase)
    return "".join(chars)


def partial(rng: random.Random, title: str) -> str:
    """Part of a title: a run of one to four of its words, or its first 8-25 characters."""
    if rng.random() < 0.5:
        return title[: rng.randint(8, 25)]
    ws = title.split()
    n = rng.randint(1, min(4, len(ws)))
    k = rng.randrange(len(ws) - n + 1)
    return " ".join(ws[k : k + n])


def queries(kind: str, titles: list[str], count: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    make: Callable[[], str]
    if kind == "nonsense":
        make = lambda: nonsense_query(rng)  # noqa: E731
    elif kind == "misspelt":
        make = lambda: misspelt(rng, rng.choice(titles))  # noqa: E731
    else:
        make = lambda: partial(rng, rng.choice(titles))  # noqa: E731
    out = [bounded(make()) for _ in range(count)]
    return [q for q in out if q.strip()]


def whole_scan(titles: list[str], texts: list[str]) -> list[list[int]]:
    """The exact answers: WRatio over every title (ties in list order), cached on disk."""
    key = hashlib.sha256("\n".join([*titles, "\0", *texts]).encode()).hexdigest()[:16]
    path = CACHE / f"{len(titles)}-{key}.json"
    if path.exists():
        return [list(a) for a in json.loads(path.read_text())]
    answers = []
    for text in texts:
        found = process.extract(text, titles, scorer=fuzz.WRatio, limit=3)
        answers.append([i for _, score, i in found if score >= _NEAREST])
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(answers))
    return answers


def _p99(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.99) - 1)]


def measure(size: int, kind: str, nearest: _NearestTitles, titles: list[str], count: int) -> str:
    texts = queries(kind, titles, count)
    exact = whole_scan(titles, texts)
    walls, cpus, found = [], [], []
    for text in texts:
        w0, c0 = time.perf_counter(), time.thread_time()
        found.append(nearest.nearest(text[:150], 3))
        cpus.append((time.thread_time() - c0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    n = len(texts)
    same = sum(f == e for f, e in zip(found, exact, strict=True))
    best = [(f, e) for f, e in zip(found, exact, strict=True) if e]
    recall = sum(e[0] in f for f, e in best)
    return (
        f"{size:>8,} {kind:>9} {n:>5} {len(best):>7} {100 * same / n:>8.1f} "
        f"{100 * recall / max(1, len(best)):>9.1f} {statistics.median(walls):>8.2f} {_p99(walls):>8.2f} "
        f"{statistics.median(cpus):>8.2f} {_p99(cpus):>8.2f}"
    )


def main(argv: list[str]) -> None:
    print(
        f"{'titles':>8} {'kind':>9} {'n':>5} {'answered':>7} {'top3 = %':>8} {'top1 in %':>9} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'p50 cpu':>8} {'p99 cpu':>8}"
    )
    sizes = [(10_000, 400), (100_000, 200)] if "--large" in argv else [(10_000, 400)]
    for size, count in sizes:
        titles = [normalise(t) for t in generate_titles(size)]
        start = time.perf_counter()
        nearest = _NearestTitles(titles)
        built = time.perf_counter() - start
        for kind in ("nonsense", "misspelt", "partial"):
            print(measure(size, kind, nearest, titles, count), flush=True)
        print(f"{size:>8,} built in {built:.2f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
