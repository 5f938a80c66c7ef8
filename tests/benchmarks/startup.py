"""Benchmark: start-up and reload at scale (issue 14), on the real list and generated lists.

For each size, in fresh processes (so memory peaks don't mix):
- *changed list*: the list is new to the database: read, parse, index and store it
  (`load_catalogue`, what `load`, `/reload` and a start-up on a new list do), with the
  index build on its own;
- *start-up*: the database already holds the list: from starting the process to the first
  `/paper` answer (open the store, see the list is unchanged, read the catalogue and its
  index back, answer), and the process's peak memory and the index's memory.

    .venv/bin/python -m tests.benchmarks.startup           # the real list and 10,000
    .venv/bin/python -m tests.benchmarks.startup --large   # and 100,000
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FULL = (
    Path(__file__).resolve().parents[2].parent
    / "shared/catalogues/foundations-of-llms-paper-list.md"
)
RUNS = 3
# The tests' clock (tests.conftest.NOW), not imported from there: that imports pytest, a
# third of a second that is no part of the bot's start-up.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _settings(source: Path, db: Path) -> object:
    from bot.config import Settings

    return Settings.from_mapping({"READINGLIST_CATALOGUE": str(source), "READINGLIST_DB": str(db)})


async def _load(source: Path, db: Path) -> dict[str, float]:
    """The changed list: parse + index + store, and the index build alone."""
    import bot.loader
    from bot.loader import load_catalogue
    from bot.store import Store

    built: list[float] = []
    original = bot.loader._indexed

    def indexed(*args: object) -> object:
        start, cpu = time.perf_counter(), time.thread_time()  # it runs in a worker thread
        try:
            return original(*args)  # type: ignore[arg-type]
        finally:
            built.extend([time.perf_counter() - start, time.thread_time() - cpu])

    bot.loader._indexed = indexed  # type: ignore[assignment]
    start, cpu = time.perf_counter(), time.process_time()
    async with await Store.open(db) as store:
        report = await load_catalogue(store, _settings(source, db), now=NOW)  # type: ignore[arg-type]
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "papers": len(report.catalogue.papers),
        "load_s": total,
        "load_cpu_s": total_cpu,
        "index_s": built[0],
        "index_cpu_s": built[1],
    }


async def _load_unindexed(source: Path, db: Path) -> dict[str, float]:
    """The same for code that indexed after storing (before issue 14), for comparison."""
    from bot.loader import build_library, load_catalogue
    from bot.store import Store

    settings = _settings(source, db)
    start = time.perf_counter()
    async with await Store.open(db) as store:
        report = await load_catalogue(store, settings, now=NOW)  # type: ignore[arg-type]
    stored = time.perf_counter()
    await build_library(report.catalogue, settings, NOW)  # type: ignore[arg-type]
    end = time.perf_counter()
    return {"papers": len(report.catalogue.papers), "load_s": end - start, "index_s": end - stored}


async def _start(source: Path, db: Path, query: str) -> dict[str, float]:
    """Start-up on a database holding the list, to the first answer; then the index's
    memory (read back again under tracemalloc)."""
    from bot import replies
    from bot.loader import open_library
    from bot.store import Store

    settings = _settings(source, db)
    async with await Store.open(db) as store:
        library = await open_library(store, settings, now=NOW)  # type: ignore[arg-type]
        reply = replies.paper_reply(library, query, "en")
        first = time.perf_counter()
        assert reply.embeds, "no answer"
        print("answered", flush=True)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        rss = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime  # all threads: less moved by a loaded machine
        tracemalloc.start()
        index = await _index_again(store, library, settings)
        gc.collect()  # what reading it left in cycles (the row read) is no part of the index
        memory = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        assert index.search(query).hits
    return {"answered_at": first, "cpu_s": cpu, "peak_rss_mb": rss, "index_mb": memory}


async def _index_again(store: object, library: Any, settings: object) -> Any:
    import bot.loader

    if hasattr(bot.loader, "stored_index"):
        return await bot.loader.stored_index(store, library.catalogue, settings)  # type: ignore[arg-type]
    from bot.library import Library  # before issue 14: built at every start

    return Library.build(library.catalogue, settings.aliases_table).index  # type: ignore[attr-defined]


def _child(argv: list[str]) -> None:
    kind, source, db = argv[0], Path(argv[1]), Path(argv[2])
    if kind == "load":
        import bot.loader

        load = _load if hasattr(bot.loader, "_indexed") else _load_unindexed
        print(json.dumps(asyncio.run(load(source, db))), flush=True)
    else:
        print(json.dumps(asyncio.run(_start(source, db, argv[3]))), flush=True)


def _run(*args: str) -> tuple[float, dict[str, float]]:
    """Run a child; the wall time from starting it to its "answered" line (or its end)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.startup", "--child", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    answered = None
    result: dict[str, float] = {}
    for line in child.stdout:
        if line.strip() == "answered":
            answered = time.perf_counter() - start
        elif line.startswith("{"):
            result = json.loads(line)
    if child.wait() != 0:
        raise SystemExit(f"child failed: {args}")
    return (answered if answered is not None else time.perf_counter() - start), result


def measure(name: str, text: str, query: str) -> dict[str, float]:
    loads, indexes, starts, cpus, rss, memory = [], [], [], [], [], []
    load_cpus, index_cpus = [], []
    papers = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "list.md"
        source.write_text(text, encoding="utf-8")
        for run in range(RUNS):
            db = Path(tmp) / f"run{run}.db"
            _, loaded = _run("load", str(source), str(db))
            papers = loaded["papers"]
            loads.append(loaded["load_s"])
            indexes.append(loaded["index_s"])
            load_cpus.append(loaded.get("load_cpu_s", 0.0))
            index_cpus.append(loaded.get("index_cpu_s", 0.0))
            wall, started = _run("start", str(source), str(db), query)
            starts.append(wall)
            cpus.append(started.get("cpu_s", 0.0))
            rss.append(started["peak_rss_mb"])
            memory.append(started["index_mb"])
    return {
        "papers": papers,
        "load_s": statistics.median(loads),
        "index_s": statistics.median(indexes),
        "load_cpu_s": statistics.median(load_cpus),
        "index_cpu_s": statistics.median(index_cpus),
        "start_s": statistics.median(starts),
        "start_cpu_s": statistics.median(cpus),
        "peak_rss_mb": statistics.median(rss),
        "index_mb": statistics.median(memory),
    }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        _child(argv[1:])
        return
    from tests.benchmarks.generate import generate_list

    sizes = [10_000, 100_000] if "--large" in argv else [10_000]
    print(
        f"{'list':>8} {'papers':>8} {'changed: total s':>17} {'(cpu s)':>8} {'index s':>8} "
        f"{'(cpu s)':>8} {'start-up s':>11} {'(cpu s)':>8} {'peak RSS MB':>12} {'index MB':>9}"
        f"   (median of {RUNS}; cpu: the process's, of a machine others share)"
    )
    cases = [("full", FULL.read_text(encoding="utf-8"), "rwkv")]
    cases += [(f"{n:,}", generate_list(n), "Tri Dao") for n in sizes]
    for name, text, query in cases:
        r = measure(name, text, query)
        print(
            f"{name:>8} {r['papers']:>8.0f} {r['load_s']:>17.2f} {r['load_cpu_s']:>8.2f} "
            f"{r['index_s']:>8.2f} {r['index_cpu_s']:>8.2f} {r['start_s']:>11.2f} "
            f"{r['start_cpu_s']:>8.2f} {r['peak_rss_mb']:>12.0f} {r['index_mb']:>9.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
