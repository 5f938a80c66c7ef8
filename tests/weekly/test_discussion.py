"""The pure transitions of the weekly thread and vote: when a vote is due, who wins (ties,
no votes, a candidate that left), the no-repeat promise, thread names."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import Message
from bot.weekly.plan import (
    MAX_ATTEMPTS,
    Step,
    WeeklyState,
    claim,
    claim_poll,
    poll_failed,
    poll_sent,
    posted,
    thread_failed,
    thread_name,
    thread_to_open,
    threaded,
    vote_winner,
)
from bot.weekly.rotation import Rotation, take

IDS = [f"p{n}" for n in range(8)]
MONDAY_0900_UTC = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
GRACE = timedelta(hours=24)
STEP = Step("2026-W49", "p0", "n")


def state(**changes: object) -> WeeklyState:
    base = WeeklyState(
        guild_id=1,
        channel_id=2,
        weekday=0,
        at="09:00",
        tz="UTC",
        enabled=True,
        rotation=Rotation(tuple(IDS)).to_json(),
        done_key=None,
        pending_key=None,
        pending_paper=None,
        pending_nonce=None,
        attempts=0,
        last_status="",
        last_message_id=None,
        active_from=MONDAY_0900_UTC - timedelta(days=3),
        vote=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "due"),
    [
        (timedelta(days=2), False),
        (timedelta(days=1), True),
        (timedelta(hours=5), True),
        (timedelta(minutes=30), False),  # under Discord's shortest poll
    ],
)
def test_the_vote_is_due_a_day_before(before: timedelta, due: bool) -> None:
    made = claim_poll(state(), MONDAY_0900_UTC - before, IDS, random.Random(1))
    assert (made is not None) == due
    if made is not None:
        new, step = made
        assert step.candidates == tuple(IDS[:5]) and new.poll_key == step.key == "2026-W49"
        assert step.hours == max(1, int(before / timedelta(hours=1)))
        assert claim_poll(new, MONDAY_0900_UTC - before, IDS, random.Random(1)) is None  # once


def test_no_vote_when_fewer_than_three_papers_are_left_or_votes_are_off() -> None:
    short = state(rotation=Rotation(tuple(IDS[:2]), tuple(IDS[2:])).to_json())
    assert claim_poll(short, MONDAY_0900_UTC - timedelta(hours=3), IDS, random.Random(1)) is None
    off = state(vote=False)
    assert claim_poll(off, MONDAY_0900_UTC - timedelta(hours=3), IDS, random.Random(1)) is None


@pytest.mark.parametrize(
    ("votes", "winner"),
    [
        ({"p2": 3, "p4": 1}, "p2"),
        ({"p1": 2, "p3": 2}, "p1"),  # a tie: the earlier in rotation order
        ({"p3": 2, "p1": 2}, "p1"),
        ({}, None),  # no votes: the rotation decides
        ({"p0": 0}, None),
        ({"gone": 9, "p4": 1}, "p4"),  # a candidate that left the list cannot win
    ],
)
def test_the_winner(votes: dict[str, int], winner: str | None) -> None:
    voted = state(poll_key="2026-W49", poll_candidates=("p0", "p1", "p2", "gone", "p3", "p4"))
    listed = [*IDS]
    assert vote_winner(voted, "2026-W49", votes, listed) == winner
    assert vote_winner(voted, "2026-W50", votes, listed) is None  # another week's vote


def test_the_winner_is_posted_and_leaves_the_rotation() -> None:
    voted = state(poll_key="2026-W49", poll_candidates=("p0", "p1", "p2"))
    made = claim(voted, MONDAY_0900_UTC, GRACE, IDS, random.Random(1), {"p2": 1})
    assert made is not None
    new, step = made
    assert step.paper_id == "p2"
    rotation = Rotation.from_json(new.rotation)
    assert "p2" not in rotation.remaining and rotation.posted == ("p2",)
    nobody = claim(voted, MONDAY_0900_UTC, GRACE, IDS, random.Random(1), {})
    assert nobody is not None and nobody[1].paper_id == "p0"


def test_take_never_repeats_within_a_cycle() -> None:
    rotation = Rotation(("p1", "p2"), ("p0",))
    paper, after = take(rotation, "p0", ["p0", "p1", "p2"], random.Random(1))
    assert paper == "p1"  # p0 was posted this cycle: the rotation's next instead
    paper, after = take(after, "p2", ["p0", "p1", "p2"], random.Random(1))
    assert paper == "p2" and after.remaining == ()


def test_a_thread_is_due_after_a_post_and_done_once() -> None:
    on = state(thread=True, pending_key="2026-W49", pending_paper="p0")
    step = Step("2026-W49", "p0", "n")
    after = posted(on, step, 77)
    assert after.thread_due == 77
    done = threaded(after, 77, 77)
    assert done.thread_due is None and done.thread_id == 77
    assert threaded(done, 77, 78) == done
    assert posted(state(pending_key="2026-W49"), step, 5).thread_due is None  # threads off


def test_a_thread_that_fails_is_tried_again_then_given_up_and_reported() -> None:
    after = posted(state(thread=True, pending_key="2026-W49", pending_paper="p0"), STEP, 77)
    why = Message("weekly.missing_permission", {"permission": "Create Public Threads"})
    tried = [after]
    for _ in range(MAX_ATTEMPTS):
        assert thread_to_open(tried[-1]) == (tried[-1], 77)  # due again on the next tick
        tried.append(thread_failed(tried[-1], 77, why))
    retrying, given_up = tried[1], tried[-1]
    assert retrying.thread_due == 77 and retrying.thread_attempts == 1
    shown = Message.from_json(retrying.extras_status)
    assert shown.render("en") == (
        "no thread yet (try 1 of 3), will try again: missing permission Create Public Threads"
    )
    assert given_up.thread_due is None and thread_to_open(given_up) is None
    shown = Message.from_json(given_up.extras_status)
    assert shown.render("en") == (
        "gave up on the thread after 3 tries: missing permission Create Public Threads"
    )
    assert shown.render("zh") == "尝试 3 次后放弃开讨论串：缺少权限 Create Public Threads"
    # A success after a failure clears the report; the next post starts its own tries.
    opened = threaded(retrying, 77, 77)
    assert opened.extras_status == "" and opened.thread_attempts == 0
    nxt = posted(replace(given_up, pending_key="2026-W50"), Step("2026-W50", "p1", "n"), 78)
    assert nxt.thread_due == 78 and nxt.thread_attempts == 0


def test_a_vote_that_fails_is_sent_again_then_given_up_and_reported() -> None:
    moment = MONDAY_0900_UTC - timedelta(hours=20)
    why = Message("weekly.discord_status", {"status": 503})
    made = claim_poll(state(), moment, IDS, random.Random(1))
    assert made is not None
    current, step = made
    for attempt in range(1, MAX_ATTEMPTS + 1):
        current = poll_failed(current, step, why)
        assert current.poll_attempts == attempt and current.poll_candidates == ()
        again = claim_poll(current, moment + timedelta(minutes=attempt), IDS, random.Random(1))
        if attempt < MAX_ATTEMPTS:
            assert again is not None and again[1].candidates == step.candidates
            current, step = again
        else:
            assert again is None  # given up for the week
    shown = Message.from_json(current.vote_status).render("en")
    assert shown == "gave up on the vote after 3 tries: Discord answered 503"
    # A vote being sent (or whose sender died) is not sent twice; a vote sent is not either.
    assert claim_poll(made[0], moment, IDS, random.Random(1)) is None
    sent = poll_sent(made[0], made[1], 99)
    assert sent.vote_status == "" and claim_poll(sent, moment, IDS, random.Random(1)) is None
    # One failure, then a success: the report is cleared, the tries start again next week.
    retried = claim_poll(poll_failed(made[0], made[1], why), moment, IDS, random.Random(1))
    assert retried is not None
    recovered = poll_sent(*retried, 100)
    assert recovered.poll_attempts == 0 and recovered.vote_status == ""


@pytest.mark.parametrize(
    ("title", "name"),
    [("Attention  is\nall you need", "Attention is all you need"), ("", "Paper of the week")],
)
def test_thread_names(title: str, name: str) -> None:
    assert thread_name(title) == name


def test_a_long_title_is_cut_to_100() -> None:
    name = thread_name("x" * 300)
    assert len(name) == 100 and name.endswith("…")


def test_a_thread_is_named_after_the_paper_within_discords_100_characters() -> None:
    from bot.weekly.plan import thread_name

    long = "Scaling " * 30
    assert len(thread_name(long)) == 100 and thread_name(long).endswith("…")
    assert thread_name("Attention\n is   all you need") == "Attention is all you need"
    assert thread_name("x" * 100) == "x" * 100
    assert thread_name("  \n ") == "Paper of the week"
    assert thread_name("  \n ", "zh") == "本周论文"  # a paper gone: the server's language
