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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.i18n import Message, t
from bot.weekly.rotation import Rotation, next_paper, reconcile, take
from bot.weekly.schedule import Schedule, next_due, parse_time, post_to_make, week_key

MAX_ATTEMPTS = 3  # tries of a week's post, its thread or its vote before it is given up
MANUAL = "now"  # the key of a /weekly now post, which no schedule or retry tracks
LEASE = timedelta(minutes=2)  # how long a claimed post is left to its sender
POLL_AHEAD = timedelta(days=1)  # a vote opens this long before the post it chooses
POLL_SHORTEST = timedelta(hours=1)  # Discord's shortest poll
POLL_CANDIDATES = (3, 5)  # papers a vote offers, at least and at most


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
    thread: bool = False  # open a discussion thread on each post
    vote: bool = False  # let the server vote on the next post
    thread_due: int | None = None  # a post whose thread is still to be opened
    thread_id: int | None = None  # the last thread opened
    poll_key: str | None = None  # the week the last vote was for
    poll_message_id: int | None = None
    poll_candidates: tuple[str, ...] = ()  # the papers of that vote, in rotation order
    extras_status: str = ""  # how the last thread went (JSON of a Message, or "")
    thread_attempts: int = 0  # failed tries to open the thread of `thread_due`
    poll_attempts: int = 0  # failed sends of the vote for `poll_key`
    vote_status: str = ""  # how the last vote went (JSON of a Message, or "")
    board: bool = False  # members may see how many of them read each post (/progress server)


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
    votes: Mapping[str, int] | None = None,
) -> tuple[WeeklyState, Step] | None:
    """The post this server is due now, and its state with the post claimed; None when
    nothing is due, the week is done or given up, or another sender holds the lease.

    `votes` (paper id -> votes) are the results of the server's vote for this week, if any:
    the winner is posted (see `vote_winner`), else the rotation's next paper."""
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
    winner = vote_winner(state, key, votes or {}, paper_ids)
    if winner is not None:
        paper_id, rotation = take(Rotation.from_json(state.rotation), winner, paper_ids, rng)
    else:
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
    """The state after a post was sent (with its thread to open, when threads are on)."""
    if state.thread:
        state = replace(state, thread_due=message_id, thread_attempts=0)
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


# --- the discussion thread ----------------------------------------------------------------


def thread_name(title: str, lang: str = "en") -> str:
    """A thread's name from a paper's title: one line, 1 to 100 characters ("Paper of the
    week" in the server's language for a paper the list no longer has)."""
    name = " ".join(title.split()) or t(lang, "weekly.heading")
    return name if len(name) <= 100 else name[:99].rstrip() + "…"


def thread_to_open(state: WeeklyState) -> tuple[WeeklyState, int] | None:
    """The post whose thread is to be opened, if any (the state is unchanged: opening it
    again finds the thread the post already has, so no lease is needed)."""
    if state.thread_due is None or state.thread_attempts >= MAX_ATTEMPTS:
        return None
    return state, state.thread_due


def threaded(state: WeeklyState, message_id: int, thread_id: int) -> WeeklyState:
    """The state after a post's thread was opened (or found)."""
    if state.thread_due != message_id:
        return state
    return replace(state, thread_due=None, thread_id=thread_id, thread_attempts=0, extras_status="")


def thread_failed(state: WeeklyState, message_id: int, reason: Message) -> WeeklyState:
    """A thread that could not be opened: tried again on the next ticks, up to
    `MAX_ATTEMPTS` tries for one post, then given up and reported (the post itself is out;
    a manager fixes the permission for the next one)."""
    if state.thread_due != message_id:
        return state
    attempts = state.thread_attempts + 1
    if attempts >= MAX_ATTEMPTS:
        status = Message("weekly.status_thread_gave_up", {"attempts": attempts, "reason": reason})
        return replace(
            state, thread_due=None, thread_attempts=attempts, extras_status=status.to_json()
        )
    status = Message(
        "weekly.status_thread_retry", {"attempt": attempts, "most": MAX_ATTEMPTS, "reason": reason}
    )
    return replace(state, thread_attempts=attempts, extras_status=status.to_json())


# --- the vote on the next paper ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PollStep:
    """Open the vote for week `key`: `candidates` in rotation order, for `hours` (whole
    hours, as Discord takes them: the vote closes by the post)."""

    key: str
    candidates: tuple[str, ...]
    hours: int


def claim_poll(
    state: WeeklyState, now: datetime, paper_ids: Sequence[str], rng: random.Random
) -> tuple[WeeklyState, PollStep] | None:
    """The vote this server is due now, claimed (once per week); None when votes are off,
    the next post is more than a day away or under an hour, its vote was opened already,
    or fewer than 3 papers are left in the rotation's cycle (the rotation then decides).

    The candidates are the next papers of the rotation, so the winner comes from the papers
    not yet posted in the cycle and the no-repeat promise holds. A vote that failed to be
    sent is claimed again on the next ticks, up to `MAX_ATTEMPTS` sends for one week (one
    whose send is under way, or whose process died sending it, is not: no vote twice)."""
    if not (state.enabled and state.vote):
        return None
    schedule = schedule_of(state)
    due = next_due(schedule, now)
    if not POLL_SHORTEST <= due - now <= POLL_AHEAD:
        return None
    key = week_key(schedule, due)
    if key == state.pending_key:
        return None
    if state.done_key is not None and key <= state.done_key:
        return None
    retry = state.poll_message_id is None and 0 < state.poll_attempts < MAX_ATTEMPTS
    if key == state.poll_key and not retry:
        return None
    rotation = reconcile(Rotation.from_json(state.rotation), paper_ids, rng)
    least, most = POLL_CANDIDATES
    candidates = rotation.remaining[:most]
    if len(candidates) < least:
        return None
    claimed = replace(
        state,
        rotation=rotation.to_json(),
        poll_key=key,
        poll_candidates=candidates,
        poll_message_id=None,
        poll_attempts=state.poll_attempts if key == state.poll_key else 0,
    )
    return claimed, PollStep(key, candidates, max(1, (due - now) // timedelta(hours=1)))


def poll_sent(state: WeeklyState, step: PollStep, message_id: int) -> WeeklyState:
    """The state after the vote was posted."""
    if state.poll_key != step.key:
        return state
    return replace(state, poll_message_id=message_id, poll_attempts=0, vote_status="")


def poll_failed(state: WeeklyState, step: PollStep, reason: Message) -> WeeklyState:
    """A vote that could not be posted: sent again on the next ticks (`claim_poll`), up to
    `MAX_ATTEMPTS` sends for the week, then given up and reported; meanwhile, and when given
    up, the rotation chooses that week."""
    if state.poll_key != step.key:
        return state
    attempts = state.poll_attempts + 1
    if attempts >= MAX_ATTEMPTS:
        status = Message("weekly.status_vote_gave_up", {"attempts": attempts, "reason": reason})
    else:
        status = Message(
            "weekly.status_vote_retry",
            {"attempt": attempts, "most": MAX_ATTEMPTS, "reason": reason},
        )
    return replace(state, poll_candidates=(), poll_attempts=attempts, vote_status=status.to_json())


def votes_due(state: WeeklyState) -> bool:
    """Whether a vote's results are wanted: one was posted for a week not yet claimed."""
    return (
        state.poll_message_id is not None
        and state.poll_key is not None
        and state.poll_key != state.pending_key
        and (state.done_key is None or state.poll_key > state.done_key)
    )


def vote_winner(
    state: WeeklyState, key: str, votes: Mapping[str, int], paper_ids: Sequence[str]
) -> str | None:
    """The paper the vote for week `key` chose: the most votes; a tie goes to the earlier
    in rotation order; None without votes (the rotation decides) or when the vote was for
    another week. A candidate that left the list cannot win."""
    if state.poll_key != key or not state.poll_candidates:
        return None
    listed = set(paper_ids)
    best: tuple[int, str] | None = None
    for paper_id in state.poll_candidates:  # rotation order: the first of a tie stays
        count = votes.get(paper_id, 0)
        if paper_id in listed and count > 0 and (best is None or count > best[0]):
            best = (count, paper_id)
    return best[1] if best else None
