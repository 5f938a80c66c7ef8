"""A thread or vote that fails (a missing permission, Discord's 5xx) is tried again on the
next ticks, at most MAX_ATTEMPTS times, then given up and told by /weekly show; against a
real SQLite file, with a Discussion that fails on request."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot import replies
from bot.store import Store
from bot.weekly.plan import MAX_ATTEMPTS, PollStep, WeeklyState
from bot.weekly.poster import Poster, SendFailed
from tests.weekly.test_poster import BERLIN, GRACE, GUILD, IDS, WINTER_WEEK, Channel, Message

MONDAY_0900 = WINTER_WEEK + timedelta(hours=9)
SUNDAY_1300 = MONDAY_0900 - timedelta(hours=20)  # inside the vote's day before the post
TICK = timedelta(seconds=30)


@dataclass
class Discussion:
    """Threads and votes that fail the first `thread_failures` / `poll_failures` times."""

    thread_failures: int = 0
    poll_failures: int = 0
    reason: SendFailed = field(
        default_factory=lambda: SendFailed("weekly.discord_status", status=503)
    )
    threads: list[int] = field(default_factory=list)  # the posts a thread was opened on
    polls: list[PollStep] = field(default_factory=list)
    tries: dict[str, int] = field(default_factory=lambda: {"thread": 0, "poll": 0})

    async def open_thread(self, state: WeeklyState, message_id: int) -> int:
        self.tries["thread"] += 1
        if self.thread_failures:
            self.thread_failures -= 1
            raise self.reason
        self.threads.append(message_id)
        return message_id

    async def send_poll(self, state: WeeklyState, step: PollStep) -> Message:
        self.tries["poll"] += 1
        if self.poll_failures:
            self.poll_failures -= 1
            raise self.reason
        self.polls.append(step)
        return Message(5000 + len(self.polls))

    async def tally(self, state: WeeklyState) -> Mapping[str, int]:
        return {}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.set_weekly(GUILD, 5, 0, "09:00", BERLIN, now=WINTER_WEEK)
        yield store


def poster(store: Store, discussion: Discussion) -> Poster[Message]:
    return Poster(store, Channel().send, grace=GRACE, rng=random.Random(1), discussion=discussion)


async def ticks(p: Poster[Message], start: datetime, n: int) -> None:
    for k in range(n):
        await p.tick(start + k * TICK, IDS, lambda guild_id: True)


async def shown(store: Store, lang: str = "en") -> str:
    return replies.weekly_show_reply(await store.weekly_state(GUILD), MONDAY_0900, lang).content


async def test_a_thread_that_failed_is_opened_on_a_later_tick(store: Store) -> None:
    await store.set_weekly_discussion(GUILD, thread=True, vote=None)
    discussion = Discussion(thread_failures=MAX_ATTEMPTS - 1)
    p = poster(store, discussion)
    await ticks(p, MONDAY_0900, 1)
    state = await store.weekly_state(GUILD)
    assert state is not None and state.thread_due is not None and discussion.threads == []
    assert "no thread yet (try 1 of 3), will try again: Discord answered 503" in await shown(store)
    await ticks(p, MONDAY_0900 + TICK, 5)
    state = await store.weekly_state(GUILD)
    assert state is not None and state.thread_due is None
    assert discussion.threads == [state.last_message_id] and discussion.tries["thread"] == 3
    assert "Last: posted 2026-W49" in await shown(store)
    assert "no thread" not in await shown(store)  # the report is cleared


async def test_a_thread_that_keeps_failing_is_given_up_after_max_attempts(store: Store) -> None:
    await store.set_weekly_discussion(GUILD, thread=True, vote=None)
    discussion = Discussion(
        thread_failures=99,
        reason=SendFailed("weekly.missing_permission", permission="Create Public Threads"),
    )
    p = poster(store, discussion)
    await ticks(p, MONDAY_0900, 10)
    assert discussion.tries["thread"] == MAX_ATTEMPTS  # bounded
    text = await shown(store)
    assert (
        "Last: gave up on the thread after 3 tries: missing permission Create Public Threads"
        in text
    )
    assert "Last: posted 2026-W49" in text  # the post itself went out
    assert "尝试 3 次后放弃开讨论串：缺少权限 Create Public Threads" in await shown(store, "zh")
    # Next week's post gets its own tries.
    discussion.thread_failures = 0
    await ticks(p, MONDAY_0900 + timedelta(weeks=1), 2)
    assert len(discussion.threads) == 1


async def test_a_vote_that_failed_is_sent_on_a_later_tick(store: Store) -> None:
    await store.set_weekly_discussion(GUILD, thread=None, vote=True)
    discussion = Discussion(poll_failures=1)
    p = poster(store, discussion)
    await ticks(p, SUNDAY_1300, 1)
    assert discussion.polls == []
    assert "no vote yet (try 1 of 3), will try again: Discord answered 503" in await shown(store)
    await ticks(p, SUNDAY_1300 + TICK, 5)
    assert len(discussion.polls) == 1 and discussion.tries["poll"] == 2  # once, not again
    state = await store.weekly_state(GUILD)
    assert state is not None and state.poll_message_id == 5001 and state.vote_status == ""
    assert "no vote" not in await shown(store)


async def test_a_vote_that_keeps_failing_is_given_up_and_the_rotation_posts(
    store: Store,
) -> None:
    await store.set_weekly_discussion(GUILD, thread=None, vote=True)
    discussion = Discussion(poll_failures=99)
    p = poster(store, discussion)
    await ticks(p, SUNDAY_1300, 10)
    assert discussion.tries["poll"] == MAX_ATTEMPTS and discussion.polls == []
    await ticks(p, MONDAY_0900, 1)
    state = await store.weekly_state(GUILD)
    assert state is not None and state.done_key == "2026-W49"  # posted from the rotation
    assert "Last: gave up on the vote after 3 tries: Discord answered 503" in await shown(store)
