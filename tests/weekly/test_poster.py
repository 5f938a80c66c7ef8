"""The weekly bookkeeping against a real SQLite file and a recording send: what /weekly set
promises is what happens, at any moment of the week; off is honoured; failures are retried
and bounded; no paper is posted twice, even by two processes on one database."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import i18n
from bot.store import Store
from bot.weekly import Schedule, next_due, parse_time
from bot.weekly.plan import LEASE, MAX_ATTEMPTS, Step, WeeklyState
from bot.weekly.poster import Poster, SendFailed

GRACE = timedelta(hours=24)
IDS = [f"paper-{n}" for n in range(30)]
GUILD, OTHER = 11, 22
BERLIN = "Europe/Berlin"
# A Monday 00:00 in Berlin (winter time) and, for the DST week, the Monday before the
# spring-forward Sunday of 2027 (28 March).
WINTER_WEEK = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
SPRING_WEEK = datetime(2027, 3, 21, 23, 0, tzinfo=UTC)


def status(state: WeeklyState) -> str:
    """The last status stored, in English."""
    return i18n.Message.from_json(state.last_status).render("en")


@dataclass
class Message:
    id: int


@dataclass
class Channel:
    """A recording send: every post made, in order; failures and delays on request."""

    sent: list[tuple[int, Step]] = field(default_factory=list)
    failures: int = 0  # the next N sends fail
    delay: float = 0.0
    before_send: list[asyncio.Event] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def send(self, state: WeeklyState, step: Step) -> Message:
        if self.delay:
            await asyncio.sleep(self.delay)
        await asyncio.sleep(0)  # let other tasks run between the claim and the send
        if self.failures:
            self.failures -= 1
            raise SendFailed("weekly.forbidden")
        self.sent.append((state.guild_id, step))
        return Message(next(self.ids))

    def papers(self, guild: int = GUILD) -> list[str]:
        return [step.paper_id for g, step in self.sent if g == guild]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        yield store


def poster(store: Store, channel: Channel, seed: int = 1) -> Poster[Message]:
    return Poster(store, channel.send, grace=GRACE, rng=random.Random(seed))


def everyone(guild_id: int) -> bool:
    return True


async def set_schedule(store: Store, at: datetime, day: int = 0, time: str = "09:00") -> None:
    await store.set_weekly(GUILD, 5, day, time, BERLIN, now=at)


async def run_ticks(
    p: Poster[Message], start: datetime, end: datetime, every: timedelta
) -> list[datetime]:
    """Tick from start to end; the moments at which something was posted."""
    posted, moment = [], start
    while moment <= end:
        if await p.tick(moment, IDS, everyone):
            posted.append(moment)
        moment += every
    return posted


@pytest.mark.parametrize("week", [WINTER_WEEK, SPRING_WEEK], ids=["winter", "dst-week"])
@pytest.mark.parametrize("hour", range(168))
async def test_the_first_post_is_the_one_set_promises_at_every_hour_of_the_week(
    store: Store, week: datetime, hour: int
) -> None:
    channel = Channel()
    p = poster(store, channel)
    start = week + timedelta(hours=hour)
    await set_schedule(store, start)
    promised = next_due(Schedule(0, parse_time("09:00"), BERLIN), start)
    # Ticks every hour (due moments fall on the hour) for eight days.
    posted = await run_ticks(p, start, start + timedelta(days=8), timedelta(hours=1))
    assert posted[0] == promised
    assert len(posted) == (2 if start + timedelta(days=8) >= promised + timedelta(days=7) else 1)


async def test_moving_the_time_earlier_the_same_day_waits_for_next_week(store: Store) -> None:
    channel = Channel()
    p = poster(store, channel)
    monday_1000 = WINTER_WEEK + timedelta(hours=10)  # Monday 10:00 Berlin
    await set_schedule(store, WINTER_WEEK, time="11:00")
    await set_schedule(store, monday_1000, time="09:00")  # 09:00 has just passed
    await run_ticks(p, monday_1000, monday_1000 + timedelta(days=6), timedelta(minutes=10))
    assert channel.sent == []
    next_monday_0900 = WINTER_WEEK + timedelta(days=7, hours=9)
    assert await p.tick(next_monday_0900, IDS, everyone)
    assert len(channel.sent) == 1


async def test_off_before_the_slot_and_on_after_it_does_not_post_that_week(
    store: Store,
) -> None:
    channel = Channel()
    p = poster(store, channel)
    await set_schedule(store, WINTER_WEEK)
    await store.disable_weekly(GUILD, now=WINTER_WEEK + timedelta(hours=8))
    back_on = WINTER_WEEK + timedelta(hours=12)
    await set_schedule(store, back_on)  # three hours after 09:00, inside the grace window
    await run_ticks(p, back_on, back_on + timedelta(hours=20), timedelta(minutes=1))
    assert channel.sent == []


async def test_off_is_honoured_even_when_the_states_were_read_before_it(
    store: Store,
) -> None:
    channel = Channel()
    p = poster(store, channel)
    await set_schedule(store, WINTER_WEEK)
    due = WINTER_WEEK + timedelta(hours=9)
    states = await store.weekly_states()  # the tick read them, then worked on for a while
    await store.disable_weekly(GUILD, now=due)
    assert [s.enabled for s in states] == [True]
    assert await p.post_due(GUILD, due, IDS) is None
    assert channel.sent == []


async def test_off_during_a_long_tick_stops_the_servers_still_to_come(store: Store) -> None:
    channel = Channel(delay=0.05)
    p = poster(store, channel)
    guilds = list(range(100, 110))
    for g in guilds:
        await store.set_weekly(g, 5, 0, "09:00", BERLIN, now=WINTER_WEEK)
    due = WINTER_WEEK + timedelta(hours=9)
    tick = asyncio.create_task(p.tick(due, IDS, everyone))
    while not channel.sent:
        await asyncio.sleep(0.01)
    await store.disable_weekly(guilds[-1], now=due)  # its manager: "off", while others post
    await tick
    assert guilds[-1] not in {g for g, _ in channel.sent}
    assert len(channel.sent) == len(guilds) - 1


async def test_a_database_error_does_not_stop_the_ticks_and_is_logged_once(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    channel = Channel()
    p = poster(store, channel)
    await set_schedule(store, WINTER_WEEK)
    due = WINTER_WEEK + timedelta(hours=9)
    original = store.weekly_states

    async def broken() -> list[WeeklyState]:
        raise RuntimeError("disk I/O error (injected)")

    monkeypatch.setattr(store, "weekly_states", broken)
    with caplog.at_level(logging.INFO, logger="bot.weekly.poster"):
        for n in range(3):
            assert await p.tick(due + timedelta(minutes=n), IDS, everyone) == []
        monkeypatch.setattr(store, "weekly_states", original)
        assert len(await p.tick(due + timedelta(minutes=3), IDS, everyone)) == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert any("work again" in r.getMessage() for r in caplog.records)


async def test_each_week_gets_its_own_attempts(store: Store) -> None:
    channel = Channel(failures=MAX_ATTEMPTS)
    p = poster(store, channel)
    await set_schedule(store, WINTER_WEEK)
    due = WINTER_WEEK + timedelta(hours=9)
    for n in range(MAX_ATTEMPTS + 2):
        await p.tick(due + timedelta(minutes=n), IDS, everyone)
    state = await store.weekly_state(GUILD)
    assert state is not None and status(state).startswith("gave up on 2026-W49")
    assert channel.sent == []
    # The next week: the first send fails, and it is a retry, not a week given up.
    channel.failures = MAX_ATTEMPTS - 1
    week = due + timedelta(days=7)
    for n in range(MAX_ATTEMPTS):
        await p.tick(week + timedelta(minutes=n), IDS, everyone)
    assert len(channel.sent) == 1
    state = await store.weekly_state(GUILD)
    assert state is not None and status(state) == "posted 2026-W50"


async def test_now_and_the_scheduled_post_never_take_the_same_paper(store: Store) -> None:
    for seed in range(20):
        await store.set_weekly(GUILD + seed, 5, 0, "09:00", BERLIN, now=WINTER_WEEK)
    channel = Channel()
    p = poster(store, channel)
    due = WINTER_WEEK + timedelta(hours=9)
    await asyncio.gather(
        *(p.post_now(GUILD + seed, due, IDS) for seed in range(20)),
        p.tick(due, IDS, everyone),
        *(p.post_now(GUILD + seed, due, IDS) for seed in range(20)),
    )
    for seed in range(20):
        papers = channel.papers(GUILD + seed)
        assert len(papers) == 3 and len(set(papers)) == 3


async def test_two_processes_on_one_database_post_a_week_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    channel = Channel()
    due = WINTER_WEEK + timedelta(hours=9)
    async with await Store.open(path) as one, await Store.open(path) as two:
        for g in range(30):
            await one.set_weekly(g, 5, 0, "09:00", BERLIN, now=WINTER_WEEK)
        a, b = poster(one, channel, seed=1), poster(two, channel, seed=2)
        for n in range(3):  # both tick at the same moments, as two containers would
            moment = due + timedelta(seconds=30 * n)
            await asyncio.gather(a.tick(moment, IDS, everyone), b.tick(moment, IDS, everyone))
        assert sorted(g for g, _ in channel.sent) == list(range(30))
        for g in range(30):
            state = await two.weekly_state(g)
            [(_, step)] = [(x, s) for x, s in channel.sent if x == g]
            assert state is not None and state.pending_paper == step.paper_id  # the one posted
            assert state.done_key == "2026-W49"


async def test_a_post_whose_sender_died_is_resent_after_the_lease_with_the_same_nonce(
    store: Store,
) -> None:
    await set_schedule(store, WINTER_WEEK)
    due = WINTER_WEEK + timedelta(hours=9)
    dead = Channel(delay=3600)  # claims, then never returns: the process died mid-send
    crashed = asyncio.create_task(poster(store, dead).post_due(GUILD, due, IDS))
    await asyncio.sleep(0.05)
    crashed.cancel()
    state = await store.weekly_state(GUILD)
    assert state is not None and state.pending_key == "2026-W49" and state.sending_since == due
    channel = Channel()
    restarted = poster(store, channel, seed=9)
    assert await restarted.tick(due + LEASE - timedelta(seconds=1), IDS, everyone) == []
    assert len(await restarted.tick(due + LEASE, IDS, everyone)) == 1
    [(_, step)] = channel.sent
    assert (step.paper_id, step.nonce) == (state.pending_paper, state.pending_nonce)
