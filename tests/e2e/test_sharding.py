"""Sharding through the fake Discord: the real AutoShardedBot, one gateway session a shard,
each server's events on its shard's session (`(guild_id >> 22) % shard_count`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.health import check_process
from bot.library import Library
from tests.conftest import Clock
from tests.e2e.conftest import TestBot, TestShardedBot, bot_running
from tests.fake_discord import Channel, FakeDiscord, Guild

MANAGER = str(1 << 5)  # Manage Server
MONDAY_0900 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def guild_on(shard: int, count: int, n: int) -> Guild:
    """A server that Discord puts on `shard` of `count`, with its own #general and #papers."""
    moment = 300_000_000_000 + n * count + shard  # milliseconds since the Discord epoch
    guild_id = moment << 22
    channels = [Channel(guild_id + 1, f"general-{n}", 0), Channel(guild_id + 2, f"papers-{n}", 1)]
    return Guild(guild_id, f"Server {n}", channels)


def sharded(db: Path, instance: str, shards: str, ids: str = "") -> Settings:
    env = {"READINGLIST_DB": str(db), "READINGLIST_INSTANCE": instance, "DISCORD_SHARDS": shards}
    return Settings.from_mapping(env | ({"DISCORD_SHARD_IDS": ids} if ids else {}))


async def until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait for a state of the bot (not of the fake, which `fake.wait_until` watches)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def answers_paper(fake: FakeDiscord, guild: Guild) -> bool:
    reply = await (await fake.slash("paper", {"query": "rwkv"}, guild=guild)).wait()
    return reply.message is not None and reply.message.embeds[0]["title"].startswith("RWKV")


@asynccontextmanager
async def processes(
    db: Path, library: Library, clock: Clock, *ranges: str
) -> AsyncIterator[list[TestBot]]:
    """One bot a shard range, each with its own store on the one database file."""
    async with AsyncExitStack() as stack:
        bots = [
            await stack.enter_async_context(
                bot_running(db, library, settings=sharded(db, f"host-{i}", "2", ids), clock=clock)
            )
            for i, ids in enumerate(ranges)
        ]
        yield bots


GUILDS = [guild_on(0, 2, 0), guild_on(1, 2, 1), guild_on(0, 2, 2), guild_on(1, 2, 3)]


async def test_two_shards_in_one_process_answer_in_servers_of_both(
    tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "db"
    async with (
        FakeDiscord(guilds=GUILDS, shard_count=2) as fake,
        bot_running(db, library, settings=sharded(db, "host", "auto")) as bot,
    ):
        assert isinstance(bot, TestShardedBot) and bot.shard_count == 2  # from GET /gateway/bot
        assert any(r.path == "/gateway/bot" for r in fake.requests)
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        for guild in GUILDS:
            seen = bot.get_guild(guild.id)
            assert seen is not None and seen.shard_id == (guild.id >> 22) % 2
            assert await answers_paper(fake, guild)
        assert fake.problems() == []


async def test_without_shard_settings_the_bot_is_unsharded_as_before(
    fake: FakeDiscord, bot: TestBot
) -> None:
    assert not isinstance(bot, TestShardedBot)
    assert [p.get("shard") for p in fake.identify_payloads] == [None]
    assert not any(r.path == "/gateway/bot" for r in fake.requests)


async def test_an_identify_with_the_wrong_shard_count_is_refused(
    tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "db"
    async with FakeDiscord(guilds=GUILDS, shard_count=2) as fake:
        with pytest.raises(Exception, match="4010"):
            async with bot_running(db, library, settings=sharded(db, "host", "3")):
                pass
        assert fake.gateway.refused_identify and "of 2" in fake.gateway.refused_identify[0]
        fake.gateway.refused_identify.clear()


async def test_two_processes_with_disjoint_ranges_post_each_weekly_paper_once(
    tmp_path: Path, library: Library
) -> None:
    db, clock = tmp_path / "db", Clock(MONDAY_0900 - timedelta(days=1))
    async with (
        FakeDiscord(guilds=GUILDS, shard_count=2) as fake,
        processes(db, library, clock, "0", "1") as bots,
    ):
        for n, guild in enumerate(GUILDS):
            channel = guild.channels[1]
            answer = await (
                await fake.slash(
                    "weekly set",
                    {"channel": channel, "day": "monday", "time": "09:00", "timezone": "UTC"},
                    guild=guild,
                    permissions=MANAGER,
                )
            ).wait(edited=True)
            assert answer.message is not None and "Mondays at 09:00" in answer.message.content
            # only the process holding this server's shard saw it
            holders = [b for b in bots if b.get_guild(guild.id) is not None]
            assert [b.settings.shard_ids for b in holders] == [(n % 2,)]
        for moment in (MONDAY_0900, MONDAY_0900 + timedelta(seconds=30), MONDAY_0900):
            for bot in (*bots, *reversed(bots)):
                cog = bot.get_cog("Weekly")
                assert cog is not None
                await cog.tick(moment)  # type: ignore[attr-defined]
        for guild in GUILDS:
            posts = fake.channel_messages(guild.channels[1])
            assert len(posts) == 1 and posts[0].author.id == fake.bot.id
            assert posts[0].embeds[0]["author"]["name"].startswith("Paper of the week · ")
        assert fake.problems() == []


async def test_one_shard_dropping_does_not_stop_the_other_and_health_reports_each(
    tmp_path: Path, library: Library
) -> None:
    db, clock = tmp_path / "db", Clock()
    settings = sharded(db, "host", "2", "0-1")
    async with (
        FakeDiscord(guilds=GUILDS, shard_count=2) as fake,
        bot_running(db, library, settings=settings, clock=clock) as bot,
    ):

        def health() -> tuple[bool, str]:
            return check_process(db, "host", clock(), sharded=True, shard_ids=settings.shard_list)

        assert (
            health() == (False, health()[1]) and "shard 0: unhealthy: no heartbeat" in health()[1]
        )
        await bot.heartbeat()
        ok, reason = health()
        assert ok, reason
        assert reason.splitlines()[0].startswith("shard 0: healthy")
        assert reason.splitlines()[1].startswith("shard 1: healthy")

        await fake.drop_gateway(0, hold=True)  # shard 0's connection stays down
        await until(lambda: bot.shards[0].is_closed())
        assert await answers_paper(fake, GUILDS[1]) and await answers_paper(fake, GUILDS[3])
        assert not bot.shards[1].is_closed()

        clock.now += timedelta(minutes=4)  # shard 0 beats no more; shard 1 goes on
        await bot.heartbeat()
        ok, reason = health()
        assert not ok
        shard0, shard1 = reason.splitlines()
        assert shard0.startswith("shard 0: unhealthy: last gateway heartbeat 240 s ago")
        assert shard1.startswith("shard 1: healthy")

        # Back: discord.py identifies afresh after a failed reconnection (events sent to the
        # lost session meanwhile are gone, as on Discord), and the shard answers again.
        fake.release_gateway(0)
        await until(
            lambda: not bot.shards[0].is_closed() and bot.get_guild(GUILDS[0].id) is not None
        )
        assert await answers_paper(fake, GUILDS[0])
        await bot.heartbeat()
        assert health()[0]
        assert fake.problems() == []
