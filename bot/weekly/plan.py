"""What happens to one server's weekly paper at one moment, as pure state transitions.

Each function takes a server's `WeeklyState` as just read and returns the state to store
(and what to do), so the store can apply it in the same transaction as the read: two
tasks, or two processes on one database, can never both claim a week or both take the
same paper from the rotation.

Exactly once per week per server: a week's post is first claimed (its paper and a nonce
derived from server and week, recorded as pending with the moment sending began), then
sent with `enforce_nonce`, then recorded as done. A pending post whose sending began less
than `LEASE` ago belongs to whoever claimed it; after that its sender is taken to be dead
and the next tick resends it with the same nonce, which Discord answers with the message
already created. A failed send clears the lease, so the next tick retries at once, up to
`MAX_ATTEMPTS` sends a week.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.i18n import Message
from bot.weekly.rotation import Rotation, next_paper
from bot.weekly.schedule import Schedule, parse_time, post_to_make

MAX_ATTEMPTS = 3  # sends of one week's post before it is given up and reported
MANUAL = "now"  # the key of a /weekly now post, which no schedule or retry tracks
LEASE = timedelta(minutes=2)  # how long a claimed post is left to its sender


@dataclass(frozen=True, slots=True)
class WeeklyState:
    """One server's weekly paper: where and when, and what was posted."""

    guild_id: int
    channel_id: int
    weekday: int
    at: str  # HH:MM, local time
    tz: str
    enabled: bool
    rotation: str  # JSON of bot.weekly.rotation.Rotation
    done_key: str | None  # the last scheduled week handled
    pending_key: str | None  # a week whose post is chosen and being sent
    pending_paper: str | None
    pending_nonce: str | None
    attempts: int  # failed sends of the pending week
    last_status: str  # JSON of a bot.i18n.Message (plain text in databases made before)
    last_message_id: int | None
    active_from: datetime | None = None  # when the schedule was set: nothing due before counts
    sending_since: datetime | None = None  # when the pending post's sending began (the lease)


@dataclass(frozen=True, slots=True)
class Step:
    """Post `paper_id` for week `key` now (a new post, or a resend of a pending one)."""

    key: str
    paper_id: str
    nonce: str

    @property
    def scheduled(self) -> bool:
        """A week's post (tracked, retried), not a /weekly now post."""
        return self.key != MANUAL


def schedule_of(state: WeeklyState) -> Schedule:
    """A server's schedule."""
    return Schedule(weekday=state.weekday, at=parse_time(state.at), tz=state.tz)


def nonce(guild_id: int, key: str) -> str:
    """The message nonce of a server's post for a week: the same on every retry and restart
    (Discord's limit is 25 characters)."""
    return "rl" + hashlib.sha256(f"{guild_id}:{key}".encode()).hexdigest()[:22]


def claim(
    state: WeeklyState,
    now: datetime,
    grace: timedelta,
    paper_ids: Sequence[str],
    rng: random.Random,
) -> tuple[WeeklyState, Step] | None:
    """The post this server is due now, and its state with the post claimed; None when
    nothing is due, the week is done or given up, or another sender holds the lease."""
    if not state.enabled:
        return None
    key = post_to_make(schedule_of(state), now, state.done_key, grace, since=state.active_from)
    if key is None:
        return None
    step_nonce = nonce(state.guild_id, key)
    if key == state.pending_key and state.pending_paper:
        # Chosen before: send the same paper with the same nonce, unless that is being
        # done right now or has failed too often.
        if state.attempts >= MAX_ATTEMPTS:
            return None
        if state.sending_since is not None and now - state.sending_since < LEASE:
            return None
        return replace(state, sending_since=now), Step(key, state.pending_paper, step_nonce)
    paper_id, rotation = next_paper(Rotation.from_json(state.rotation), paper_ids, rng)
    if paper_id is None:
        return None
    claimed = replace(
        state,
        pending_key=key,
        pending_paper=paper_id,
        pending_nonce=step_nonce,
        attempts=0,
        rotation=rotation.to_json(),
        sending_since=now,
    )
    return claimed, Step(key, paper_id, step_nonce)


def claim_now(
    state: WeeklyState, paper_ids: Sequence[str], rng: random.Random
) -> tuple[WeeklyState, Step] | None:
    """A /weekly now post: the rotation's next paper, right away (the week's scheduled post
    still comes, with the paper after it)."""
    if not state.enabled:
        return None
    paper_id, rotation = next_paper(Rotation.from_json(state.rotation), paper_ids, rng)
    if paper_id is None:
        return None
    step = Step(MANUAL, paper_id, f"rl{rng.getrandbits(88):022x}")
    return replace(state, rotation=rotation.to_json()), step


def posted(state: WeeklyState, step: Step, message_id: int) -> WeeklyState:
    """The state after a post was sent."""
    if not step.scheduled:
        return replace(state, last_message_id=message_id)
    if state.pending_key != step.key:
        return state  # recorded already (by a resend that finished first)
    return replace(
        state,
        done_key=step.key,
        pending_key=None,
        sending_since=None,
        last_message_id=message_id,
        last_status=Message("weekly.status_posted", {"week": step.key}).to_json(),
        attempts=0,
    )


def failed(state: WeeklyState, step: Step, reason: Message) -> WeeklyState:
    """The state after a send failed: one more attempt counted, or the week given up."""
    if not step.scheduled:
        status = Message("weekly.status_now_failed", {"reason": reason})
        return replace(state, last_status=status.to_json())
    if state.pending_key != step.key:
        return state
    attempts = state.attempts + 1
    give_up = attempts >= MAX_ATTEMPTS
    key = "weekly.status_gave_up" if give_up else "weekly.status_retry"
    return replace(
        state,
        attempts=attempts,
        sending_since=None,
        last_status=Message(key, {"week": step.key, "reason": reason}).to_json(),
        done_key=step.key if give_up else state.done_key,
        pending_key=None if give_up else state.pending_key,
    )
