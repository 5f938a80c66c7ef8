"""The curated table of nicknames readers use for papers (`t5`, `gpt-3`, `lstm`)."""

from __future__ import annotations

import tomllib
from pathlib import Path


def read_aliases(path: Path) -> dict[str, tuple[str, ...]]:
    """Paper id -> its nicknames, from a TOML file with one [aliases] table."""
    if not path.exists():
        return {}
    with path.open("rb") as f:
        table = tomllib.load(f).get("aliases", {})
    return {str(pid): tuple(str(a) for a in names) for pid, names in table.items()}
