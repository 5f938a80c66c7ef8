"""Benchmark: parse + store of the real list and of generated lists of 10,000 and 100,000
entries. Prints wall time, the parse's CPU time (the machine is shared: CPU time is what
another load disturbs least) and peak memory (each size in a fresh process, so peaks don't
mix). `--rounds N` runs each size N times and prints the median and the fastest.

    .venv/bin/python -m tests.benchmarks.parse_store [--rounds 3]
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.catalogue import SectionTable, parse_catalogue
from bot.config import PACKAGE_DATA
from bot.store import Store
from tests.benchmarks.generate import generate_list
from tests.conftest import NOW

FULL = (
    Path(__file__).resolve().parents[2].parent
    / "shared/catalogues/foundations-of-llms-paper-list.md"
)


async def _measure(name: str) -> dict[str, object]:
    text = FULL.read_text(encoding="utf-8") if name == "full" else generate_list(int(name))
    table = SectionTable.from_toml(PACKAGE_DATA / "sections.toml")
    start, cpu = time.perf_counter(), time.process_time()
    catalogue = parse_catalogue(text, name, table)
    parsed, parse_cpu = time.perf_counter(), time.process_time() - cpu
    with tempfile.TemporaryDirectory() as tmp:
        async with await Store.open(Path(tmp) / "bench.db") as store:
            await store.replace_catalogue(catalogue, now=NOW)
    stored = time.perf_counter()
    return {
        "list": name,
        "entries": catalogue.entries,
        "papers": len(catalogue.papers),
        "parse_s": round(parsed - start, 3),
        "parse_cpu_s": round(parse_cpu, 3),
        "store_s": round(stored - parsed, 3),
        "total_s": round(stored - start, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] != "--rounds":
        print(json.dumps(asyncio.run(_measure(args[0]))))
        return
    rounds = int(args[1]) if len(args) > 1 else 1
    columns = ("parse_s", "parse_cpu_s", "store_s", "total_s", "peak_rss_mb")
    print(
        f"{'list':>8} {'entries':>8} {'papers':>8} {'parse s':>8} {'cpu s':>8} {'store s':>8}"
        f" {'total s':>8} {'peak MB':>8}"
    )
    for name in ("full", "10000", "100000"):
        runs = []
        for _ in range(rounds):
            out = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.parse_store", name],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout))
        r = runs[0]
        for label, pick in (("median", statistics.median), ("fastest", min)):
            figures = " ".join(f"{pick(run[c] for run in runs):>8}" for c in columns)
            tag = f" ({label} of {rounds})" if rounds > 1 else ""
            print(f"{r['list']:>8} {r['entries']:>8} {r['papers']:>8} {figures}{tag}")
            if rounds == 1:
                break


if __name__ == "__main__":
    main()
