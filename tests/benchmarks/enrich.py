"""Benchmark: `enrich` of the full list against the fake arXiv and Semantic Scholar on
127.0.0.1 (requests, time, memory), and paper-card rendering with metadata.

    .venv/bin/python -m tests.benchmarks.enrich

The politeness delays run at a small fraction of the real ones (DELAY_SCALE); the time with
the real delays (one arXiv request every 3 s, one Semantic Scholar request a second) is
computed from the requests made: (requests - 1) x interval for each source, in turn.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot import replies
from bot.catalogue import SectionTable, parse_catalogue
from bot.config import PACKAGE_DATA, Settings
from bot.library import Library
from bot.metadata.enrich import enrich, stored_metadata
from bot.metadata.http import open_clients
from bot.store import Store
from tests.fake_metadata import from_catalogue

HERE = Path(__file__).resolve().parent
FULL = HERE.parents[1].parent / "shared/catalogues/foundations-of-llms-paper-list.md"
DELAY_SCALE = 0.01  # 30 ms between arXiv requests instead of 3 s
NOW = datetime(2025, 3, 1, tzinfo=UTC)


async def bench_enrich() -> Library:
    catalogue = parse_catalogue(
        FULL.read_text(encoding="utf-8"),
        str(FULL),
        SectionTable.from_toml(PACKAGE_DATA / "sections.toml"),
    )
    async with from_catalogue(catalogue) as fake:
        settings = Settings.from_mapping(
            {"ARXIV_API_URL": fake.arxiv_url, "SEMANTIC_SCHOLAR_API_URL": fake.scholar_url}
        )
        settings = replace(
            settings,
            arxiv_interval=settings.arxiv_interval * DELAY_SCALE,
            scholar_interval=settings.scholar_interval * DELAY_SCALE,
        )
        with tempfile.TemporaryDirectory() as tmp:
            async with await Store.open(Path(tmp) / "db") as store:
                tracemalloc.start()
                start = time.perf_counter()
                async with open_clients(settings) as clients:
                    report = await enrich(
                        store, catalogue, clients, now=NOW, ttl=settings.metadata_ttl
                    )
                elapsed = time.perf_counter() - start
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                again = time.perf_counter()
                async with open_clients(settings) as clients:
                    second = await enrich(
                        store, catalogue, clients, now=NOW, ttl=settings.metadata_ttl
                    )
                second_time = time.perf_counter() - again
                metadata = await stored_metadata(store)
    waited = sum(report.waited.values())
    # With the real delays every gap between two requests to a source is at least its
    # interval (answers take less), and the sources are asked one after the other.
    real = sum(
        max(n - 1, 0) * interval
        for n, interval in (
            (report.requests["arxiv"], settings.arxiv_interval / DELAY_SCALE),
            (report.requests["semanticscholar"], settings.scholar_interval / DELAY_SCALE),
        )
    )
    print(f"enrich, full list ({report.papers} papers), against the fakes on 127.0.0.1:")
    print(
        f"  requests: arXiv {report.requests['arxiv']}, Semantic Scholar {report.requests['semanticscholar']}"
    )
    print(f"  time: {elapsed:.2f} s with {DELAY_SCALE:.0%} of the delays ({waited:.2f} s of them)")
    print(
        f"  time with the real delays (3 s / 1 s): at least {real:.0f} s plus the answers' own time"
    )
    print(
        f"  found: {report.abstracts} abstracts, {report.tldrs} TL;DRs, {report.citations} citation counts, {len(report.not_found)} not found"
    )
    print(f"  Python heap peak during the run: {peak / 2**20:.1f} MB; peak RSS {_rss_mb():.0f} MB")
    print(
        f"  a second run (nothing due): {sum(second.requests.values())} requests, {second_time * 1000:.0f} ms"
    )
    return Library.build(catalogue, PACKAGE_DATA / "aliases.toml", metadata=metadata)


def bench_cards(library: Library, rounds: int = 20) -> None:
    papers = library.catalogue.papers
    times: list[float] = []
    for _ in range(rounds):
        for paper in papers:
            start = time.perf_counter()
            replies.paper_card(library, paper, lang="en").payload()
            times.append(time.perf_counter() - start)
    times.sort()
    bare = library.with_metadata({})
    plain: list[float] = []
    for paper in papers:
        start = time.perf_counter()
        replies.paper_card(bare, paper, lang="en").payload()
        plain.append(time.perf_counter() - start)
    print(f"card rendering with metadata ({len(times)} cards, reply + Discord payload):")
    print(
        f"  p50 {statistics.median(times) * 1000:.3f} ms, p99 {times[int(len(times) * 0.99)] * 1000:.3f} ms,"
        f" max {times[-1] * 1000:.3f} ms; without metadata p50 {statistics.median(plain) * 1000:.3f} ms"
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    library = asyncio.run(bench_enrich())
    bench_cards(library)


if __name__ == "__main__":
    main()
