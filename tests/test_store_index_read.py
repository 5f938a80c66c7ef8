"""The stored search index read back as a file, a piece at a time (issue 14)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from bot.models import Catalogue
from bot.store import Store
from tests.conftest import NOW


async def test_the_stored_index_reads_back_whole_and_only_under_its_fingerprint(
    tmp_path: Path, full: Catalogue
) -> None:
    data = os.urandom(3 * 2**20 + 12_345)  # past the reader's 1 MB pieces, not a multiple
    seen: list[int] = []

    def read(f: IO[bytes]) -> bytes:
        out = b""
        while piece := f.read(100_000):
            seen.append(len(piece))
            out += piece
        return out

    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(full, now=NOW, search_index=("fp", data))
        assert await store.read_search_index("fp", read) == data
        assert len(seen) > 1
        assert await store.read_search_index("another", read) is None
