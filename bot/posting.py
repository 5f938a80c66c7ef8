"""What the weekly loop does for one server at one moment. Pure: the loop does the I/O.

Exactly once per week per server: a week's post is first recorded as pending (its paper and
a nonce derived from server and week), then sent with `enforce_nonce`, then recorded as
done. A restart at any point either finds the week done, or resends the pending post with
the same nonce, which Discord answers with the message already created.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store import WeeklyState
from bot.weekly import Rotation, Schedule, next_paper, parse_time, post_to_make

MAX_ATTEMPTS = 3  # sends of one week's post before it is given up and reported
MANUAL = "now"  # the key of a /weekly now post, which no schedule or retry tracks


@dataclass(frozen=True, slots=True)
class Step:
    """Post `paper_id` for week `key` now (a new post, or a retry of a pending one)."""

    key: str
    paper_id: str
    nonce: str
    rotation: Rotation | None  # the advanced rotation to store; None for a retry


def schedule_of(state: WeeklyState) -> Schedule:
    """A server's schedule."""
    return Schedule(weekday=state.weekday, at=parse_time(state.at), tz=state.tz)


def nonce(guild_id: int, key: str) -> str:
    """The message nonce of a server's post for a week: the same on every retry and restart
    (Discord's limit is 25 characters)."""
    return "rl" + hashlib.sha256(f"{guild_id}:{key}".encode()).hexdigest()[:22]


def next_step(
    state: WeeklyState,
    now: datetime,
    grace: timedelta,
    paper_ids: Sequence[str],
    rng: random.Random,
) -> Step | None:
    """The post to make now for this server, or None."""
    if not state.enabled:
        return None
    key = post_to_make(schedule_of(state), now, state.done_key, grace)
    if key is None:
        return None
    if key == state.pending_key and state.pending_paper:
        # Chosen and maybe sent before a failure or a restart: send the same post again.
        if state.attempts >= MAX_ATTEMPTS:
            return None
        return Step(key, state.pending_paper, nonce(state.guild_id, key), None)
    paper_id, rotation = next_paper(Rotation.from_json(state.rotation), paper_ids, rng)
    if paper_id is None:
        return None
    return Step(key, paper_id, nonce(state.guild_id, key), rotation)


def gives_up(state: WeeklyState) -> bool:
    """Whether a failed send of this server's pending post is its last attempt."""
    return state.attempts + 1 >= MAX_ATTEMPTS


def manual_step(state: WeeklyState, paper_ids: Sequence[str], rng: random.Random) -> Step | None:
    """A /weekly now post: the rotation's next paper, right away (the week's scheduled post
    still comes)."""
    paper_id, rotation = next_paper(Rotation.from_json(state.rotation), paper_ids, rng)
    if paper_id is None:
        return None
    return Step(MANUAL, paper_id, f"rl{rng.getrandbits(88):022x}", rotation)
