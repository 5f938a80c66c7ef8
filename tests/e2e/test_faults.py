"""Faults through the fake Discord and the database: the bot keeps answering, or says
clearly why it can't, and never corrupts its data."""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalogue import parse_catalogue
from bot.config import Settings
from bot.health import check
from bot.library import Library
from bot.store import StoreError
from tests.benchmarks.generate import generate_list
from tests.conftest import NOW, ROOT
from tests.e2e.conftest import TestBot, bot_running
from tests.fake_discord import FakeDiscord

MANAGER = str(1 << 5)


async def test_survives_an_invalid_session(fake: FakeDiscord, bot: TestBot) -> None:
    await fake.invalidate_session(resumable=False)
    await fake.wait_until(lambda: len(fake.identify_payloads) == 2)
    answer = await (await fake.slash("paper", {"query": "rwkv"})).wait()
    assert answer.message is not None and answer.message.embeds[0]["title"].startswith("RWKV")


async def test_a_slow_database_defers_instead_of_missing_the_window(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        FakeDiscord(response_window=0.5) as fake,
        bot_running(tmp_path / "db", library) as bot,
    ):
        original = bot.store.weekly_state

        async def slow(guild_id: int):  # type: ignore[no-untyped-def]
            await asyncio.sleep(1.0)  # twice the window
            return await original(guild_id)

        monkeypatch.setattr(bot.store, "weekly_state", slow)
        answer = await (await fake.slash("weekly show", permissions=MANAGER)).wait(edited=True)
        assert answer.callback_type == 5  # deferred at once
        assert answer.message is not None and "off here" in answer.message.content
        assert fake.problems() == []


async def test_a_read_only_database_is_a_clear_answer_and_no_corruption(
    fake: FakeDiscord, bot: TestBot
) -> None:
    await bot.store._db.execute("PRAGMA query_only = ON")  # as a read-only mount behaves
    answer = await (
        await fake.slash(
            "weekly set", {"channel": "papers", "day": "mon", "time": "9"}, permissions=MANAGER
        )
    ).wait(edited=True)
    assert answer.message is not None and answer.message.ephemeral
    assert "database can't be written" in answer.message.content
    await bot.store._db.execute("PRAGMA query_only = OFF")
    assert await bot.store.weekly_state(fake.guilds[0].id) is None
    assert await bot.store.integrity_check() == "ok"
    card = await (await fake.slash("paper", {"query": "mamba"})).wait()  # reading still works
    assert card.message is not None and card.message.embeds


async def test_a_full_disk_keeps_the_catalogue(fake: FakeDiscord, bot: TestBot) -> None:
    bigger = parse_catalogue(generate_list(3000), "generated")
    db = bot.store._db
    async with db.execute("PRAGMA page_count") as cur:
        (pages,) = await cur.fetchone()  # type: ignore[misc]
    await db.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow: "disk is full"
    with pytest.raises(StoreError, match="full"):
        await bot.store.replace_catalogue(bigger, now=NOW)
    assert await bot.store.load_catalogue() == bot.library.catalogue
    assert await bot.store.integrity_check() == "ok"


async def test_health_passes_against_a_running_bot(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    # The health command runs beside the bot and reads the wall clock, so this bot does too.
    settings = Settings.from_mapping({"READINGLIST_INSTANCE": "bot-7"})
    wall = functools.partial(datetime.now, UTC)
    async with bot_running(tmp_path / "db", library, settings=settings, clock=wall) as bot:
        db = bot.store.path
        ok, reason = check(db, "bot-7", wall())
        assert not ok and "no heartbeat" in reason
        await bot.heartbeat()  # one beat of the loop that runs every 30 s
        ok, reason = check(db, "bot-7", wall())
        assert ok, reason
        other = check(db, "bot-8", wall())  # another container: not healthy from bot-7's beat
        assert not other[0] and "no heartbeat yet from 'bot-8'" in other[1]
        later = check(db, "bot-7", wall() + timedelta(minutes=10))
        assert later == (False, later[1]) and "last gateway heartbeat" in later[1]
        out = subprocess.run(
            [sys.executable, "-m", "bot", "health", "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            env={**os.environ, "READINGLIST_INSTANCE": "bot-7"},
        )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("healthy: gateway heartbeat")


def test_health_fails_with_a_reason_without_a_database(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "health", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 1
    assert out.stderr.strip() == f"unhealthy: no database at {tmp_path / 'none.db'}"
