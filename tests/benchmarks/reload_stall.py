"""Benchmark: the event loop during a /reload of a large list.

The fake Discord and the real bot run in this one process on one event loop. The bot
serves the full foundations-of-llms list; a manager then runs /reload on a generated list
of N entries read from a file (parsed, diffed, stored and indexed: the work that must not
stall the loop). Meanwhile a probe task wakes every 5 ms and records how late it woke (the
loop's stalls), and /paper is sent every 100 ms and timed from dispatch to the bot's initial
callback. Speed is reported, never asserted.

    .venv/bin/python -m tests.benchmarks.reload_stall [--entries 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

from bot.catalogue import SectionTable, parse_catalogue
from bot.config import Settings
from bot.library import Library
from tests.benchmarks.generate import generate_list
from tests.conftest import DATA, FULL_LIST
from tests.e2e.conftest import bot_running
from tests.fake_discord import FakeDiscord

MANAGER = str(1 << 5)
PROBE_EVERY = 0.005
STALL_TARGET_MS = 100.0


async def measure(entries: int) -> dict[str, float]:
    table = SectionTable.from_toml(DATA / "sections.toml")
    full = parse_catalogue(FULL_LIST.read_text(encoding="utf-8"), str(FULL_LIST), table)
    library = Library.build(full, DATA / "aliases.toml")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "large.md"
        source.write_text(generate_list(entries), encoding="utf-8")
        db = Path(folder) / "bot.db"
        settings = Settings.from_mapping(
            {"READINGLIST_CATALOGUE": str(source), "READINGLIST_DB": str(db)}
        )
        async with (
            FakeDiscord() as fake,
            bot_running(db, library, settings=settings) as bot,
        ):
            stalls: list[float] = []
            latencies: list[float] = []
            done = asyncio.Event()

            async def probe() -> None:
                while not done.is_set():
                    before = time.perf_counter()
                    await asyncio.sleep(PROBE_EVERY)
                    stalls.append(time.perf_counter() - before - PROBE_EVERY)

            async def papers() -> None:
                while not done.is_set():
                    sent = time.perf_counter()
                    await (await fake.slash("paper", {"query": "attention"})).wait(30)
                    latencies.append(time.perf_counter() - sent)
                    await asyncio.sleep(0.1)

            started = time.perf_counter()
            tasks = [asyncio.create_task(probe()), asyncio.create_task(papers())]
            answer = await (await fake.slash("reload", {"force": True}, permissions=MANAGER)).wait(
                300, edited=True
            )
            took = time.perf_counter() - started
            done.set()
            await asyncio.gather(*tasks)
            assert answer.message is not None
            assert len(bot.library.catalogue.papers) >= entries * 0.9
            expired = sum(i.expired for i in fake.interactions)
    latencies.sort()
    return {
        "reload_s": took,
        "max_stall_ms": max(stalls) * 1000,
        "p99_stall_ms": sorted(stalls)[int(len(stalls) * 0.99)] * 1000,
        "paper_count": len(latencies),
        "paper_p50_ms": latencies[len(latencies) // 2] * 1000,
        "paper_max_ms": latencies[-1] * 1000,
        "expired": expired,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    figures = asyncio.run(measure(args.entries))
    print(f"reload of {args.entries:,} entries: {figures['reload_s']:.1f} s")
    print(
        f"event-loop stalls: max {figures['max_stall_ms']:.0f} ms, "
        f"p99 {figures['p99_stall_ms']:.0f} ms (target: max < {STALL_TARGET_MS:.0f} ms)"
    )
    print(
        f"/paper every 100 ms meanwhile: {figures['paper_count']} answered, "
        f"p50 {figures['paper_p50_ms']:.0f} ms, max {figures['paper_max_ms']:.0f} ms, "
        f"{figures['expired']} expired"
    )


if __name__ == "__main__":
    main()
