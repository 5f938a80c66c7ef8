"""The paper of the week through the fake Discord: settings, posts, permissions, restarts.

The schedule itself is tested against a controllable clock: the loop's `tick(moment)` is
called with chosen moments, never by waiting.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.health import check
from bot.i18n import Message
from bot.library import Library
from tests.conftest import Clock
from tests.e2e.conftest import TestBot, bot_running
from tests.fake_discord import FakeDiscord

MANAGER = str(1 << 5)  # Manage Server
MONDAY_0900_BERLIN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 CET


def weekly(bot: TestBot):  # type: ignore[no-untyped-def]
    cog = bot.get_cog("Weekly")
    assert cog is not None
    return cog


def posts(fake: FakeDiscord) -> list:
    return [m for m in fake.channel_messages("papers") if m.author.id == fake.bot.id]


async def set_monday_berlin(fake: FakeDiscord) -> None:
    answer = await (
        await fake.slash(
            "weekly set",
            {"channel": "papers", "day": "monday", "time": "09:00", "timezone": "Europe/Berlin"},
            permissions=MANAGER,
        )
    ).wait(edited=True)
    assert answer.message is not None and answer.message.ephemeral
    assert "Mondays at 09:00 (Europe/Berlin)" in answer.message.content


async def test_set_and_now_post_to_the_chosen_channel(fake: FakeDiscord, bot: TestBot) -> None:
    await set_monday_berlin(fake)
    answer = await (await fake.slash("weekly now", permissions=MANAGER)).wait(edited=True)
    assert answer.message is not None and "Posted:" in (answer.message.content or "")
    [post] = posts(fake)
    assert post.embeds[0]["author"]["name"].startswith("Paper of the week · ")
    assert not fake.pinged(post)


async def test_a_non_manager_is_refused(fake: FakeDiscord, bot: TestBot) -> None:
    synced = {c["name"]: c for c in fake.synced_commands()}
    assert str(synced["weekly"]["default_member_permissions"]) == MANAGER  # hidden from others
    fake.opened_to_everyone.add("weekly")  # a server admin overrode that
    answer = await (
        await fake.slash("weekly set", {"channel": "papers", "day": "mon", "time": "9"})
    ).wait()
    assert answer.message is not None and answer.message.ephemeral
    assert "Manage Server" in answer.message.content
    assert await bot.store.weekly_state(fake.guilds[0].id) is None


async def test_bad_settings_are_explained(fake: FakeDiscord, bot: TestBot) -> None:
    answer = await (
        await fake.slash(
            "weekly set",
            {"channel": "papers", "day": "someday", "time": "9:00"},
            permissions=MANAGER,
        )
    ).wait()
    assert answer.message is not None and answer.message.ephemeral
    assert "day" in answer.message.content.lower()


async def test_posts_once_at_the_due_moment_even_across_a_restart(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "db"
    async with bot_running(db, library) as bot:
        await set_monday_berlin(fake)
        await weekly(bot).tick(MONDAY_0900_BERLIN - timedelta(minutes=1))
        assert posts(fake) == []
        await weekly(bot).tick(MONDAY_0900_BERLIN)
        assert len(posts(fake)) == 1
    async with bot_running(db, library) as bot:  # restarted at the posting minute
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(seconds=30))
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(hours=3))
        assert len(posts(fake)) == 1
        show = await (await fake.slash("weekly show", permissions=MANAGER)).wait(edited=True)
        assert show.message is not None and "posted 2026-W49" in show.message.content
        # the next week posts the next paper of the rotation, not the same one
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(days=7))
        first, second = posts(fake)
        assert first.embeds[0]["footer"] != second.embeds[0]["footer"]


async def test_catches_up_within_the_grace_window_only(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    async with bot_running(tmp_path / "db", library) as bot:
        await set_monday_berlin(fake)
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(hours=5))  # was down at 09:00
        assert len(posts(fake)) == 1
        # down over the next Monday's 09:00 and back 25 hours later: past the 24-hour grace
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(days=8, hours=1))
        assert len(posts(fake)) == 1


async def test_a_failed_send_is_retried_a_bounded_number_of_times_and_reported(
    fake: FakeDiscord, bot: TestBot
) -> None:
    await set_monday_berlin(fake)
    for n in range(5):
        fake.fail_next("POST", r"^/channels/\d+/messages$", 403, 50013, "Missing Permissions")
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(minutes=n))
    attempts = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(attempts) == 3
    assert len({r.json["nonce"] for r in attempts}) == 1  # a retry can't duplicate the post
    state = await bot.store.weekly_state(fake.guilds[0].id)
    assert state is not None and "gave up on 2026-W49: missing permission" in Message.from_json(
        state.last_status
    ).render("en")
    fake.rejections.clear()
    fake.unknown_routes.clear()


async def test_settings_survive_a_restart_and_off_turns_it_off(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    async with bot_running(tmp_path / "db", library):
        await set_monday_berlin(fake)
    async with bot_running(tmp_path / "db", library) as bot:
        show = await (await fake.slash("weekly show", permissions=MANAGER)).wait(edited=True)
        assert (
            show.message is not None and "Mondays at 09:00 (Europe/Berlin)" in show.message.content
        )
        off = await (await fake.slash("weekly off", permissions=MANAGER)).wait(edited=True)
        assert off.message is not None and off.message.content == "The paper of the week is off."
        await weekly(bot).tick(MONDAY_0900_BERLIN)
        assert posts(fake) == []


async def test_environment_defaults_set_up_a_single_server(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    channel = fake.channel("papers")
    settings = Settings.from_mapping(
        {
            "WEEKLY_CHANNEL_ID": str(channel.id),
            "WEEKLY_DAY": "tue",
            "WEEKLY_TIME": "18:30",
            "READINGLIST_METADATA": "off",
        }
    )
    async with bot_running(tmp_path / "db", library, settings=settings) as bot:
        await weekly(bot).apply_defaults()
        state = await bot.store.weekly_state(fake.guilds[0].id)
        assert state is not None and (state.weekday, state.at, state.tz) == (1, "18:30", "UTC")


async def test_day_autocomplete_speaks_the_readers_language(
    fake: FakeDiscord, bot: TestBot
) -> None:
    other = {"channel": "papers", "time": "9"}
    zh = await fake.autocomplete(
        "weekly set", "day", "", other, locale="zh-CN", permissions=MANAGER
    )
    en = await fake.autocomplete("weekly set", "day", "tu", other, permissions=MANAGER)
    assert zh[0] == {"name": "周一", "value": "monday"} and len(zh) == 7
    assert en == [{"name": "Tuesday", "value": "tuesday"}]


@pytest.mark.parametrize(
    "start",
    [
        MONDAY_0900_BERLIN - timedelta(days=6),  # Tuesday, the day after a slot
        MONDAY_0900_BERLIN + timedelta(hours=1),  # an hour after the slot, inside the grace
        MONDAY_0900_BERLIN,  # the very minute of the slot
        MONDAY_0900_BERLIN - timedelta(minutes=1),
    ],
    ids=["tuesday", "hour-after", "at-the-slot", "minute-before"],
)
async def test_the_first_post_is_the_one_the_reply_promised(
    fake: FakeDiscord, tmp_path: Path, library: Library, start: datetime
) -> None:
    clock = Clock(start)
    async with bot_running(tmp_path / "db", library, clock=clock) as bot:
        answer = await (
            await fake.slash(
                "weekly set",
                {
                    "channel": "papers",
                    "day": "monday",
                    "time": "09:00",
                    "timezone": "Europe/Berlin",
                },
                permissions=MANAGER,
            )
        ).wait(edited=True)
        assert answer.message is not None
        [promised] = re.findall(r"<t:(\d+):F>", answer.message.content)
        first = datetime.fromtimestamp(int(promised), UTC)
        moment = start
        while moment < first + timedelta(hours=2):  # the loop's ticks, on the test's clock
            clock.now = moment
            await weekly(bot).tick(moment)
            if posts(fake):
                break
            moment += timedelta(minutes=30)
        assert len(posts(fake)) == 1 and first <= moment < first + timedelta(minutes=30)


async def test_a_stopped_loop_makes_the_bot_unhealthy(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    settings = Settings.from_mapping({"READINGLIST_INSTANCE": "bot-1"})
    clock = Clock()
    async with bot_running(tmp_path / "db", library, settings=settings, clock=clock) as bot:
        await bot.heartbeat()
        assert check(bot.store.path, "bot-1", clock())[0]
        weekly(bot).loop.cancel()
        await asyncio.sleep(0.05)
        await bot.heartbeat()
        ok, reason = check(bot.store.path, "bot-1", clock())
        assert not ok and "loop of Weekly has stopped" in reason
