"""Benchmark: how long each malformed reading list of the hostile corpus takes to parse, and
how many times slower per character than the real list (what tests/hostile guards).

    .venv/bin/python -m tests.benchmarks.hostile_parse
"""

from __future__ import annotations

from bot.catalogue import SectionTable
from tests.conftest import DATA
from tests.hostile.test_catalogues import (
    CASES,
    _parse_seconds,
    _real_list_rate,
    as_text,
    slowdown,
)


def main() -> None:
    table = SectionTable.from_toml(DATA / "sections.toml")
    rate = _real_list_rate()
    rows = []
    for label, raw in CASES:
        text = as_text(raw)
        seconds = min(_parse_seconds(text, table)[1] for _ in range(2))
        rows.append((seconds, label, len(text), slowdown(seconds, text, rate)))
    print(f"real list: {rate * 1e6:.2f} µs per character")
    print(f"{'list':<40} {'characters':>11} {'parse s':>8} {'x real list':>11}")
    for seconds, label, size, ratio in sorted(rows, reverse=True)[:15]:
        print(f"{label:<40} {size:>11,} {seconds:>8.2f} {ratio:>11.1f}")


if __name__ == "__main__":
    main()
