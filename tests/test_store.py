"""Storage against real SQLite files in tmp_path."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.catalogue import parse_catalogue
from bot.models import Catalogue
from bot.store import MIGRATIONS, Store, StoreError
from tests.conftest import NOW


async def test_catalogue_round_trips_exactly(tmp_path: Path, full: Catalogue) -> None:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        assert await store.replace_catalogue(full, now=NOW) is True
    async with await Store.open(tmp_path / "db.sqlite") as store:
        loaded = await store.load_catalogue()
    assert loaded == full
    assert loaded is not None
    assert loaded.paper("2305.13048") == full.paper("2305.13048")


async def test_loading_the_same_catalogue_twice_changes_nothing(
    tmp_path: Path, chapter: Catalogue
) -> None:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        assert await store.replace_catalogue(chapter, now=NOW) is True
        first = await store.catalogue_info()
        assert await store.replace_catalogue(chapter, now=NOW) is False
        assert await store.catalogue_info() == first


async def test_a_new_catalogue_replaces_the_old_one(
    tmp_path: Path, chapter: Catalogue, full: Catalogue
) -> None:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(full, now=NOW)
        await store.replace_catalogue(chapter, now=NOW)
        assert await store.load_catalogue() == chapter


async def test_failure_mid_load_keeps_the_previous_catalogue(
    tmp_path: Path, chapter: Catalogue, full: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(chapter, now=NOW)

        async def fail(*_: object) -> None:
            raise sqlite3.OperationalError("disk I/O error (injected)")

        # papers are written by now; the sections fail
        monkeypatch.setattr(store, "_insert_sections", fail)
        with pytest.raises(StoreError, match="injected"):
            await store.replace_catalogue(full, now=NOW)
        assert await store.load_catalogue() == chapter
        assert await store.integrity_check() == "ok"


async def test_duplicate_paper_ids_are_refused_whole(tmp_path: Path, chapter: Catalogue) -> None:
    broken = replace(chapter, papers=chapter.papers + chapter.papers[:1], digest="other")
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(chapter, now=NOW)
        with pytest.raises(StoreError):
            await store.replace_catalogue(broken, now=NOW)
        assert await store.load_catalogue() == chapter


async def test_schema_is_migrated_and_recorded(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "db.sqlite"
    async with await Store.open(path) as store:
        assert await store.schema_version() == len(MIGRATIONS)
        assert await store.load_catalogue() is None
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
    async with await Store.open(path) as store:  # reopening applies nothing twice
        assert await store.schema_version() == len(MIGRATIONS)


async def test_unusable_database_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open the database"):
        await Store.open(tmp_path / "file" / "db.sqlite")


async def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.sqlite"):
        await Store.open(path)


async def test_problems_are_stored(tmp_path: Path) -> None:
    catalogue = parse_catalogue("# C\n## S\n1. no title here\n", "list.md")
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(catalogue, now=NOW)
        loaded = await store.load_catalogue()
    assert loaded is not None
    assert [(p.source, p.line, p.message) for p in loaded.problems] == [
        ("list.md", 3, "no bold title")
    ]
