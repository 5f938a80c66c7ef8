"""Benchmark: parse + store of the real list and of generated lists of 10,000 and 100,000
entries. Prints time and peak memory (each size in a fresh process, so peaks don't mix).

    .venv/bin/python -m tests.benchmarks.parse_store
"""

from __future__ import annotations

import asyncio
import json
import resource
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
    start = time.perf_counter()
    catalogue = parse_catalogue(text, name, table)
    parsed = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        async with await Store.open(Path(tmp) / "bench.db") as store:
            await store.replace_catalogue(catalogue, now=NOW)
    stored = time.perf_counter()
    return {
        "list": name,
        "entries": catalogue.entries,
        "papers": len(catalogue.papers),
        "parse_s": round(parsed - start, 3),
        "store_s": round(stored - parsed, 3),
        "total_s": round(stored - start, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(asyncio.run(_measure(sys.argv[1]))))
        return
    print(
        f"{'list':>8} {'entries':>8} {'papers':>8} {'parse s':>8} {'store s':>8} {'total s':>8} {'peak MB':>8}"
    )
    for name in ("full", "10000", "100000"):
        out = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.parse_store", name],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        print(
            f"{r['list']:>8} {r['entries']:>8} {r['papers']:>8} {r['parse_s']:>8} "
            f"{r['store_s']:>8} {r['total_s']:>8} {r['peak_rss_mb']:>8}"
        )


if __name__ == "__main__":
    main()
