"""The bookkeeping of weekly posts: claim, send, record. No Discord here: the caller hands in
the function that sends.

Every change of a server's state goes through `Store.update_weekly`, which reads the state
and writes what `bot.weekly.plan` makes of it in one transaction. So a /weekly off that lands
while a long tick works through other servers is seen before this server's post is claimed,
a /weekly now and a scheduled post never take the same paper, and two processes on one
database never both post a server's week.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.i18n import Failure
from bot.weekly import plan
from bot.weekly.plan import PollStep, Step, WeeklyState

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)


class Sent(Protocol):
    """What a send returns: the message, with its id."""

    @property
    def id(self) -> int: ...


M = TypeVar("M", bound=Sent)


class SendFailed(Failure):
    """A post could not be sent; the message (a key of bot.i18n) says why, for /weekly show
    in the reader's language and (str()) for the log."""


class Discussion(Protocol):
    """The Discord side of a post's thread and of the vote on the next post."""

    async def open_thread(self, state: WeeklyState, message_id: int) -> int:
        """Open the thread of a post, or find the one it already has; its id."""

    async def send_poll(self, state: WeeklyState, step: PollStep) -> Sent:
        """Post the vote."""

    async def tally(self, state: WeeklyState) -> Mapping[str, int]:
        """The votes so far of the server's vote, by paper id."""


class Poster(Generic[M]):
    """Makes the weekly posts of the servers one process serves, with their threads and
    votes when a server turned them on (`discussion`)."""

    def __init__(
        self,
        store: Store,
        send: Callable[[WeeklyState, Step], Awaitable[M]],
        *,
        grace: timedelta,
        rng: random.Random,
        discussion: Discussion | None = None,
    ) -> None:
        self.store = store
        self.send = send
        self.grace = grace
        self.rng = rng
        self.discussion = discussion

        self._failing: set[str] = set()  # kinds of failure logged with a traceback already

    async def tick(
        self, moment: datetime, paper_ids: Sequence[str], serves: Callable[[int], bool]
    ) -> list[M]:
        """Make every post due at `moment` for the servers this process `serves`; the
        messages sent. Nothing escapes: a failure (one server's, or the database's) is logged
        with its traceback once until it clears, and the next tick tries again."""
        try:
            states = await self.store.weekly_states()
        except Exception as exc:
            self._trouble("tick", "the weekly settings could not be read", exc)
            return []
        self._recovered("tick")
        sent: list[M] = []
        for state in states:
            if not serves(state.guild_id):
                continue
            try:
                await self._discuss(state, moment, paper_ids)
                if not self._may_be_due(state, moment, paper_ids):
                    continue
                message = await self.post_due(state.guild_id, moment, paper_ids)
            except Exception as exc:
                self._trouble(f"guild {state.guild_id}", "a weekly post failed", exc)
                continue
            self._recovered(f"guild {state.guild_id}")
            if message is not None:
                sent.append(message)
        return sent

    def _may_be_due(self, state: WeeklyState, moment: datetime, paper_ids: Sequence[str]) -> bool:
        # Judged on a state read a moment ago, to spare most servers a write transaction;
        # post_due decides again on the state as it is.
        return plan.claim(state, moment, self.grace, paper_ids, random.Random(0)) is not None

    def _trouble(self, kind: str, what: str, exc: Exception) -> None:
        if kind in self._failing:
            log.warning("%s (%s): %s", what, kind, exc)
            return
        self._failing.add(kind)
        log.error("%s (%s)", what, kind, exc_info=exc)

    def _recovered(self, kind: str) -> None:
        if kind in self._failing:
            self._failing.discard(kind)
            log.info("weekly posts work again (%s)", kind)

    async def post_due(self, guild_id: int, moment: datetime, paper_ids: Sequence[str]) -> M | None:
        """Make the post this server is due at `moment`, if any; the message, or None when
        nothing was due or the send failed (recorded for a retry or given up). A vote for
        the week is counted first: its winner is the post."""
        votes = await self._votes(guild_id)
        claimed = await self.store.update_weekly(
            guild_id,
            lambda s: plan.claim(s, moment, self.grace, paper_ids, self.rng, votes),
            now=moment,
        )
        if claimed is None:
            return None
        message = await self._send(*claimed, moment)
        if message is not None:
            await self.open_thread(guild_id, moment)
        return message

    async def _votes(self, guild_id: int) -> Mapping[str, int] | None:
        state = await self.store.weekly_state(guild_id)
        if self.discussion is None or state is None or not plan.votes_due(state):
            return None
        try:
            return await self.discussion.tally(state)
        except SendFailed as exc:
            log.warning("the vote in guild %s could not be counted: %s", guild_id, exc)
            return None

    async def _discuss(
        self, state: WeeklyState, moment: datetime, paper_ids: Sequence[str]
    ) -> None:
        """A thread still to open (its process died after the post, or the last try
        failed), or a vote due now (or to send again after a failure)."""
        if self.discussion is None:
            return
        if state.thread_due is not None:
            await self.open_thread(state.guild_id, moment)
        if plan.claim_poll(state, moment, paper_ids, random.Random(0)) is not None:
            await self.open_poll(state.guild_id, moment, paper_ids)

    async def open_thread(self, guild_id: int, moment: datetime) -> int | None:
        """Open the thread a post is due, if threads are on; its id, or None. Opening
        twice finds the thread the post already has, so a restart between the post and its
        thread, or a retry, never opens a second one."""
        if self.discussion is None:
            return None
        due = await self.store.update_weekly(guild_id, plan.thread_to_open, now=moment)
        if due is None:
            return None
        state, message_id = due
        try:
            thread_id = await self.discussion.open_thread(state, message_id)
        except SendFailed as exc:
            reason = exc.message
            log.warning("no thread on the weekly post in guild %s: %s", guild_id, exc)
            await self._record(guild_id, moment, plan.thread_failed, message_id, reason)
            return None
        await self._record(guild_id, moment, plan.threaded, message_id, thread_id)
        return thread_id

    async def open_poll(
        self, guild_id: int, moment: datetime, paper_ids: Sequence[str]
    ) -> int | None:
        """Post the vote on next week's paper when it is due (once a week); its message id."""
        if self.discussion is None:
            return None
        claimed = await self.store.update_weekly(
            guild_id, lambda s: plan.claim_poll(s, moment, paper_ids, self.rng), now=moment
        )
        if claimed is None:
            return None
        state, step = claimed
        try:
            message = await self.discussion.send_poll(state, step)
        except SendFailed as exc:
            reason = exc.message
            log.warning("no vote in guild %s: %s", guild_id, exc)
            await self._record(guild_id, moment, plan.poll_failed, step, reason)
            return None
        await self._record(guild_id, moment, plan.poll_sent, step, message.id)
        return message.id

    async def _record(
        self, guild_id: int, moment: datetime, change: Callable[..., WeeklyState], *args: Any
    ) -> None:
        """Store what `change(state, *args)` makes of a server's state as it is now (one
        transaction: see Store.update_weekly)."""
        await self.store.update_weekly(guild_id, lambda s: (change(s, *args), None), now=moment)

    async def post_now(
        self, guild_id: int, moment: datetime, paper_ids: Sequence[str]
    ) -> tuple[Step, M | None] | None:
        """A /weekly now post; None when the weekly paper is off or there is no paper."""
        claimed = await self.store.update_weekly(
            guild_id, lambda s: plan.claim_now(s, paper_ids, self.rng), now=moment
        )
        if claimed is None:
            return None
        message = await self._send(*claimed, moment)
        if message is not None:
            await self.open_thread(guild_id, moment)
        return claimed[1], message

    async def _send(self, state: WeeklyState, step: Step, moment: datetime) -> M | None:
        try:
            message = await self.send(state, step)
        except SendFailed as exc:
            reason = exc.message
            log.warning("weekly post to channel %s failed: %s", state.channel_id, exc)
            await self._record(state.guild_id, moment, plan.failed, step, reason)
            return None
        log.info("posted %s to channel %s (%s)", step.paper_id, state.channel_id, step.key)
        await self.store.update_weekly(
            state.guild_id,
            lambda s: (plan.posted(s, step, message.id), None),
            now=moment,
            post=(step, message.id),
        )
        return message
