"""One writer at a time, all or nothing: the store under concurrent tasks and processes,
against real SQLite files."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.models import Catalogue
from bot.store import MIGRATIONS, Store, StoreError
from bot.weekly import plan
from tests.conftest import NOW

GUILD = 4242
MONDAY_0900_UTC = NOW.replace(day=30, hour=9)  # NOW is Monday 2026-11-23 12:00 UTC


async def pause_the_swap(store: Store, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Make the next catalogue swap stop inside its transaction (papers written, sections not
    yet) until the returned event is set; `store.swap_paused` is set once it is there."""
    release = asyncio.Event()
    paused = asyncio.Event()
    original = store._insert_sections

    async def insert_sections(*args: Any) -> None:
        paused.set()
        await release.wait()
        await original(*args)

    monkeypatch.setattr(store, "_insert_sections", insert_sections)
    store.swap_paused = paused  # type: ignore[attr-defined]
    return release


async def test_writes_during_a_swap_wait_their_turn_and_all_land(
    tmp_path: Path, chapter: Catalogue, full: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(chapter, now=NOW)
        await store.set_weekly(GUILD, 1, 0, "09:00", "UTC", now=NOW)
        release = await pause_the_swap(store, monkeypatch)
        swap = asyncio.create_task(store.replace_catalogue(full, now=NOW, meta={"k": "v"}))
        await store.swap_paused.wait()  # type: ignore[attr-defined]

        # Inside the swap: a heartbeat, a /weekly set, and a weekly post's claim.
        ids = [p.id for p in full.papers]
        writers = [
            asyncio.create_task(store.heartbeat("bot-1", NOW)),
            asyncio.create_task(store.set_weekly(GUILD + 1, 2, 3, "18:00", "UTC", now=NOW)),
            asyncio.create_task(
                store.update_weekly(
                    GUILD,
                    lambda s: plan.claim(
                        s, MONDAY_0900_UTC, timedelta(hours=1), ids, random.Random(1)
                    ),
                    now=MONDAY_0900_UTC,
                )
            ),
        ]
        await asyncio.sleep(0.05)
        assert not any(w.done() for w in writers)  # they wait for the swap's transaction
        # A reader sees the catalogue wholly old while the swap is under way.
        assert await store.load_catalogue() == chapter
        release.set()
        assert await swap is True
        results = await asyncio.gather(*writers)

        assert await store.load_catalogue() == full  # wholly new, digest matching the rows
        info = await store.catalogue_info()
        assert info is not None and info.digest == full.digest
        assert await store.get_meta("k") == "v"
        assert results[2] is not None
        state = await store.weekly_state(GUILD)
        assert state is not None and state.pending_key == "2026-W49"
        other = await store.weekly_state(GUILD + 1)
        assert other is not None and (other.weekday, other.at) == (3, "18:00")
        assert await store.integrity_check() == "ok"


async def test_a_failing_transaction_rolls_back_only_itself(
    tmp_path: Path, chapter: Catalogue, full: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(chapter, now=NOW)
        release = await pause_the_swap(store, monkeypatch)
        swap = asyncio.create_task(store.replace_catalogue(full, now=NOW))
        await store.swap_paused.wait()  # type: ignore[attr-defined]

        async def broken() -> None:
            async with store.transaction() as db:
                await db.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
                await db.execute("INSERT INTO no_such_table VALUES (1)")

        failing = asyncio.create_task(broken())
        await asyncio.sleep(0.02)
        release.set()
        assert await swap is True
        with pytest.raises(StoreError, match="no_such_table"):
            await failing
        assert await store.load_catalogue() == full
        assert await store.get_meta("x") is None


async def test_many_concurrent_writers_all_land(tmp_path: Path, chapter: Catalogue) -> None:
    gone = chapter.papers[-1].id
    shorter = replace(
        chapter,
        papers=chapter.papers[:-1],
        sections=tuple(
            replace(s, paper_ids=tuple(p for p in s.paper_ids if p != gone))
            for s in chapter.sections
        ),
        digest="shorter",
    )
    catalogues = [chapter, shorter]
    async with await Store.open(tmp_path / "db.sqlite") as store:

        async def writer(n: int) -> None:
            for k in range(10):
                match (n + k) % 4:
                    case 0:
                        await store.heartbeat(f"bot-{n}", NOW + timedelta(seconds=k))
                    case 1:
                        await store.set_weekly(n, n, k % 7, "09:00", "UTC", now=NOW)
                    case 2:
                        await store.set_meta({f"writer-{n}": str(k)})
                    case 3:
                        await store.replace_catalogue(catalogues[k % 2], now=NOW)

        await asyncio.gather(*(writer(n) for n in range(40)))
        assert {g: await store.get_meta(f"writer-{g}") for g in range(40)} == {
            g: str(max(k for k in range(10) if (g + k) % 4 == 2)) for g in range(40)
        }
        states = await store.weekly_states()
        assert len(states) == 40
        loaded = await store.load_catalogue()
        assert loaded in catalogues
        info = await store.catalogue_info()
        assert info is not None and loaded is not None and info.digest == loaded.digest
        assert await store.integrity_check() == "ok"


async def test_two_stores_on_one_file_serialise_their_writes(
    tmp_path: Path, chapter: Catalogue
) -> None:
    # Two processes on one database: SQLite's own lock (BEGIN IMMEDIATE, a busy timeout)
    # serialises them as the asyncio lock serialises tasks.
    path = tmp_path / "db.sqlite"
    async with await Store.open(path) as one, await Store.open(path) as two:

        async def writes(store: Store, name: str) -> None:
            for k in range(25):
                await store.set_meta({f"{name}-{k}": str(k)})
                await store.heartbeat(name, NOW + timedelta(seconds=k))

        await asyncio.gather(writes(one, "one"), writes(two, "two"))
        for name in ("one", "two"):
            assert [await one.get_meta(f"{name}-{k}") for k in range(25)] == [
                str(k) for k in range(25)
            ]
        assert await two.integrity_check() == "ok"


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with await Store.open(path):
        pass
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer than this readinglist-bot knows") as caught:
        await Store.open(path)
    assert "\n" not in str(caught.value)


async def test_migrations_run_whole_scripts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A `;` inside a string literal or a trigger body is no statement boundary.
    extra = """
    CREATE TABLE notes (text TEXT NOT NULL DEFAULT 'a;b');
    CREATE TRIGGER stamp AFTER INSERT ON notes BEGIN
        UPDATE notes SET text = text || ';!' WHERE rowid = new.rowid;
    END;
    INSERT INTO notes DEFAULT VALUES;
    """
    monkeypatch.setattr("bot.store.MIGRATIONS", (*MIGRATIONS, extra))
    path = tmp_path / "db.sqlite"
    async with await Store.open(path) as store:
        assert await store.schema_version() == len(MIGRATIONS) + 1
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT text FROM notes").fetchall() == [("a;b;!",)]


async def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.sqlite"
    async with await Store.open(path):
        pass
    broken = "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);"
    monkeypatch.setattr("bot.store.MIGRATIONS", (*MIGRATIONS, broken))
    with pytest.raises(StoreError):
        await Store.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        assert "half" not in tables
