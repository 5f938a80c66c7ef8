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
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from bot.i18n import Failure
from bot.weekly import plan
from bot.weekly.plan import Step, WeeklyState

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


class Poster(Generic[M]):
    """Makes the weekly posts of the servers one process serves."""

    def __init__(
        self,
        store: Store,
        send: Callable[[WeeklyState, Step], Awaitable[M]],
        *,
        grace: timedelta,
        rng: random.Random,
    ) -> None:
        self.store = store
        self.send = send
        self.grace = grace
        self.rng = rng

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
            if not serves(state.guild_id) or not self._may_be_due(state, moment, paper_ids):
                continue
            try:
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
        nothing was due or the send failed (recorded for a retry or given up)."""
        claimed = await self.store.update_weekly(
            guild_id, lambda s: plan.claim(s, moment, self.grace, paper_ids, self.rng), now=moment
        )
        return None if claimed is None else await self._send(*claimed, moment)

    async def post_now(
        self, guild_id: int, moment: datetime, paper_ids: Sequence[str]
    ) -> tuple[Step, M | None] | None:
        """A /weekly now post; None when the weekly paper is off or there is no paper."""
        claimed = await self.store.update_weekly(
            guild_id, lambda s: plan.claim_now(s, paper_ids, self.rng), now=moment
        )
        if claimed is None:
            return None
        return claimed[1], await self._send(*claimed, moment)

    async def _send(self, state: WeeklyState, step: Step, moment: datetime) -> M | None:
        try:
            message = await self.send(state, step)
        except SendFailed as exc:
            reason = exc.message
            log.warning("weekly post to channel %s failed: %s", state.channel_id, exc)
            await self.store.update_weekly(
                state.guild_id, lambda s: (plan.failed(s, step, reason), None), now=moment
            )
            return None
        log.info("posted %s to channel %s (%s)", step.paper_id, state.channel_id, step.key)
        await self.store.update_weekly(
            state.guild_id, lambda s: (plan.posted(s, step, message.id), None), now=moment
        )
        return message
