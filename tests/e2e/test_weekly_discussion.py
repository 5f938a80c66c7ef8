"""The paper of the week as a discussion: a thread on each post (once, across restarts),
forum posts, a vote on the next paper, and what a missing permission does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.library import Library
from bot.models import Catalogue
from bot.weekly.plan import LEASE, MAX_ATTEMPTS, thread_name
from bot.weekly.rotation import Rotation
from tests.conftest import DATA
from tests.e2e.conftest import TestBot, bot_running
from tests.e2e.test_weekly import MANAGER, MONDAY_0900_BERLIN, posts, weekly
from tests.fake_discord import Channel, FakeDiscord, Guild

SUNDAY_0900_BERLIN = MONDAY_0900_BERLIN - timedelta(days=1)


async def set_weekly(fake: FakeDiscord, channel: str = "papers", **extra: Any) -> str:
    options = {"channel": channel, "day": "monday", "time": "09:00", "timezone": "Europe/Berlin"}
    answer = await (await fake.slash("weekly set", options | extra, permissions=MANAGER)).wait(
        edited=True
    )
    assert answer.message is not None
    return answer.message.content


def thread_requests(fake: FakeDiscord) -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith("/threads")]


def dies_after(owner: Any, name: str, what: str) -> Any:
    """`owner.name` made to do its work and then die, as a process that dies before it
    records `what`; the real method, for the tests that let the process live again."""
    real = getattr(owner, name)

    async def dies(*args: Any) -> Any:
        await real(*args)
        raise RuntimeError(f"the process died before recording {what}")

    setattr(owner, name, dies)
    return real


async def post_and_die_before_recording_the_thread(fake: FakeDiscord, bot: Any) -> Any:
    """Monday's post sent and its thread opened, by a process that dies before it records
    the thread; the post."""
    dies_after(weekly(bot).poster.discussion, "open_thread", "the thread")
    await weekly(bot).tick(MONDAY_0900_BERLIN)
    [post] = posts(fake)
    return post


async def send_and_die_before_recording_the_post(bot: Any) -> Any:
    """Monday's post sent by a process that dies before it records it; the poster's real
    send."""
    real = dies_after(weekly(bot).poster, "send", "the post")
    await weekly(bot).tick(MONDAY_0900_BERLIN)
    return real


def paper_of(post: Any) -> str:
    ids = [c["custom_id"] for row in post.components for c in row["components"] if "custom_id" in c]
    return next(i for i in ids if i.startswith("rl:cite:")).removeprefix("rl:cite:")


async def test_a_thread_is_opened_once_across_a_restart_between_post_and_thread(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "db"
    async with bot_running(db, library) as bot:
        text = await set_weekly(fake, thread=True)
        assert "Discussion thread on each post: on" in text
        post = await post_and_die_before_recording_the_thread(fake, bot)
        assert post.thread is not None and post.thread.id == post.id
        state = await bot.store.weekly_state(fake.guilds[0].id)
        assert state is not None and state.thread_due == post.id  # not recorded
    async with bot_running(db, library) as bot:  # restarted
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(seconds=30))
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(minutes=5))
        state = await bot.store.weekly_state(fake.guilds[0].id)
        assert state is not None and state.thread_due is None and state.thread_id == post.id
    assert len(thread_requests(fake)) == 1  # found the thread the post has: no second
    assert len(posts(fake)) == 1
    paper = library.paper(paper_of(post))
    assert paper is not None and post.thread.name == thread_name(paper.title)


async def test_a_second_thread_on_a_message_is_answered_160004_and_taken_as_found(
    fake: FakeDiscord, bot: TestBot
) -> None:
    await set_weekly(fake, thread=True)
    await weekly(bot).tick(MONDAY_0900_BERLIN)
    [post] = posts(fake)
    assert post.thread is not None
    # Discord may not say a message has a thread (an archived one): a second try is 160004.
    thread, post.thread = post.thread, None
    state = await bot.store.weekly_state(fake.guilds[0].id)
    assert state is not None
    found = await weekly(bot).poster.discussion.open_thread(state, post.id)  # type: ignore[union-attr]
    assert found == thread.id
    assert len(thread_requests(fake)) == 2
    fake.rejections.clear()


async def test_a_missing_thread_permission_is_reported_and_the_post_still_goes_out(
    fake: FakeDiscord, bot: TestBot
) -> None:
    await set_weekly(fake, thread=True)
    fake.deny("papers", "create_public_threads")
    for tick in range(MAX_ATTEMPTS + 2):  # tried again on the next ticks, MAX_ATTEMPTS in all
        await weekly(bot).tick(MONDAY_0900_BERLIN + tick * timedelta(seconds=30))
    [post] = posts(fake)
    assert post.thread is None
    assert len(fake.rejections) == 0 and len(thread_requests(fake)) == MAX_ATTEMPTS
    show = await (await fake.slash("weekly show", permissions=MANAGER)).wait(edited=True)
    assert show.message is not None
    assert (
        "gave up on the thread after 3 tries: missing permission Create Public Threads"
        in show.message.content
    )
    assert "posted 2026-W49" in show.message.content


async def test_an_archived_thread_is_found_after_a_restart_between_post_and_thread(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "db"
    async with bot_running(db, library) as bot:
        await set_weekly(fake, thread=True)
        post = await post_and_die_before_recording_the_thread(fake, bot)
        assert post.thread is not None
    fake.archive(post.thread)  # a quiet thread archives while the bot is down
    async with bot_running(db, library) as bot:
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(hours=2))
        state = await bot.store.weekly_state(fake.guilds[0].id)
        assert state is not None and state.thread_due is None and state.thread_id == post.id
    # Found from the message's `thread` field, which Discord sends for archived threads too.
    assert len(thread_requests(fake)) == 1


async def test_an_archived_forum_post_is_found_by_a_resend_after_a_restart(
    tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "db"
    async with FakeDiscord(guilds=[_forum_guild()]) as fake:
        async with bot_running(db, library) as bot:
            await set_weekly(fake, channel="forum")
            await send_and_die_before_recording_the_post(bot)
        [thread] = fake.threads.values()
        fake.archive(thread)  # the forum archived the quiet post while the bot was down
        async with bot_running(db, library) as bot:
            await weekly(bot).tick(MONDAY_0900_BERLIN + LEASE + timedelta(hours=3))
            state = await bot.store.weekly_state(fake.guilds[0].id)
            assert state is not None and state.done_key == "2026-W49"
            assert state.last_message_id == thread.id
        assert len(thread_requests(fake)) == 1  # found among the archived posts: no second
        archived = [r for r in fake.requests if r.path.endswith("/threads/archived/public")]
        assert (
            archived and archived[0].path == f"/channels/{thread.parent_id}/threads/archived/public"
        )
        assert fake.problems() == []


async def test_a_forum_post_is_a_thread_with_the_card_made_once_even_when_resent(
    tmp_path: Path, library: Library
) -> None:
    async with FakeDiscord(guilds=[_forum_guild()]) as fake:
        async with bot_running(tmp_path / "db", library) as bot:
            await set_weekly(fake, channel="forum")
            poster = weekly(bot).poster
            real = await send_and_die_before_recording_the_post(bot)
            poster.send = real
            await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(seconds=30))  # leased
            await weekly(bot).tick(MONDAY_0900_BERLIN + LEASE + timedelta(seconds=30))
            [thread] = fake.threads.values()
            assert thread.parent_id == fake.channel("forum").id
            [first] = fake.thread_messages(thread)
            assert first.id == thread.id
            assert first.embeds[0]["author"]["name"].startswith("Paper of the week")
            paper = library.paper(paper_of(first))
            assert paper is not None and thread.name == thread_name(paper.title)
            assert len(thread_requests(fake)) == 1  # the resend found the post it made
            state = await bot.store.weekly_state(fake.guilds[0].id)
            assert state is not None and state.done_key == "2026-W49"
            assert state.last_message_id == thread.id
        assert fake.problems() == []


async def test_a_forum_post_is_made_without_read_message_history(
    tmp_path: Path, library: Library
) -> None:
    async with FakeDiscord(guilds=[_forum_guild()]) as fake:
        fake.deny("forum", "read_message_history")  # the archived posts cannot be listed
        async with bot_running(tmp_path / "db", library) as bot:
            await set_weekly(fake, channel="forum")
            await weekly(bot).tick(MONDAY_0900_BERLIN)
            state = await bot.store.weekly_state(fake.guilds[0].id)
            assert state is not None and state.done_key == "2026-W49"
        assert len(fake.threads) == 1 and len(thread_requests(fake)) == 1
        assert fake.problems() == []


def _forum_guild() -> Guild:
    ids = iter(range(10**17, 10**17 + 10))
    return Guild(
        next(ids),
        "Forum Group",
        [Channel(next(ids), "general", 0), Channel(next(ids), "forum", 1, kind=15)],
    )


def _small(catalogue: Catalogue, n: int) -> Catalogue:
    """The first `n` papers of the list, in one section: a cycle of `n` weeks."""
    section = catalogue.sections[0]
    papers = tuple(catalogue.papers[:n])
    ids = tuple(p.id for p in papers)
    return Catalogue(
        papers=papers,
        sections=(type(section)(section.slug, section.heading, section.name, "", 0, ids),),
        entries=n,
        sources=catalogue.sources,
        digest=f"{catalogue.digest}-first-{n}",
    )


async def test_the_vote_chooses_the_post_and_the_rotation_stays_repeat_free(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    small = Library.build(_small(library.catalogue, 7), DATA / "aliases.toml")
    async with bot_running(tmp_path / "db", small) as bot:
        text = await set_weekly(fake, vote=True)
        assert "Vote on the next paper a day before: on" in text
        posted: list[str] = []
        for week in range(9):
            monday = MONDAY_0900_BERLIN + timedelta(weeks=week)
            await weekly(bot).tick(monday - timedelta(days=2))  # too early for the vote
            await weekly(bot).tick(monday - timedelta(days=1))
            await weekly(bot).tick(monday - timedelta(hours=20))  # the vote is made once
            state = await bot.store.weekly_state(fake.guilds[0].id)
            assert state is not None
            polls = [m for m in posts(fake) if m.poll is not None]
            voted = None
            if (
                state.poll_message_id is not None
                and state.poll_key
                and state.poll_key > (state.done_key or "")
            ):
                poll = fake.messages[state.poll_message_id]
                assert poll.poll is not None and polls[-1] is poll
                answers = poll.poll["answers"]
                assert 3 <= len(answers) <= 5 and len(answers) == len(state.poll_candidates)
                assert poll.poll["question"]["text"] == "Which paper should we read next week?"
                assert all(len(a["poll_media"]["text"]) <= 55 for a in answers)
                fake.vote(poll, len(answers))  # the last candidate wins
                voted = state.poll_candidates[-1]
            await weekly(bot).tick(monday)
            post = [m for m in posts(fake) if m.poll is None][-1]
            posted.append(paper_of(post))
            if voted is not None:
                assert posted[-1] == voted
        first_cycle = posted[:7]
        assert sorted(first_cycle) == sorted(p.id for p in small.catalogue.papers)  # no repeat
        votes = [m for m in posts(fake) if m.poll is not None]
        assert 1 <= len(votes) <= 9  # no vote once fewer than 3 papers are left in a cycle
        show = await (await fake.slash("weekly show", permissions=MANAGER)).wait(edited=True)
        assert show.message is not None and "Vote on the next paper a day before: on" in (
            show.message.content
        )
        rotation = Rotation.from_json(state.rotation)
        assert len(set(rotation.posted)) == len(rotation.posted)


async def test_no_votes_leave_the_choice_to_the_rotation_and_a_missing_permission_is_told(
    fake: FakeDiscord, bot: TestBot
) -> None:
    await set_weekly(fake, vote=True)
    await weekly(bot).tick(SUNDAY_0900_BERLIN)
    state = await bot.store.weekly_state(fake.guilds[0].id)
    assert state is not None and state.poll_message_id is not None
    first_in_rotation = state.poll_candidates[0]
    await weekly(bot).tick(MONDAY_0900_BERLIN)  # nobody voted
    [post] = [m for m in posts(fake) if m.poll is None]
    assert paper_of(post) == first_in_rotation

    fake.deny("papers", "send_polls")
    for tick in range(MAX_ATTEMPTS + 2):  # sent again on the next ticks, MAX_ATTEMPTS in all
        await weekly(bot).tick(SUNDAY_0900_BERLIN + timedelta(weeks=1, seconds=30 * tick))
    refused = [r for r in fake.requests if r.method == "POST" and "poll" in (r.json or {})]
    assert len(refused) == 1 + MAX_ATTEMPTS  # last week's vote, and this week's three tries
    await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(weeks=1))
    assert len([m for m in posts(fake) if m.poll is None]) == 2  # the post still went out
    show = await (await fake.slash("weekly show", permissions=MANAGER)).wait(edited=True)
    assert show.message is not None
    assert "gave up on the vote after 3 tries: missing permission Send Polls" in (
        show.message.content
    )
