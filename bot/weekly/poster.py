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


class SendFailed(Exception):
    """A post could not be sent; `reason` is a short sentence for /weekly show and the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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

    def due(self, state: WeeklyState, moment: datetime, paper_ids: Sequence[str]) -> bool:
        """Whether a server may have a post to make now, judged from a state read a moment
        ago; `post_due` decides again on the state as it is."""
        return plan.claim(state, moment, self.grace, paper_ids, random.Random(0)) is not None

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
            reason = exc.reason
            log.warning("weekly post to channel %s failed: %s", state.channel_id, reason)
            await self.store.update_weekly(
                state.guild_id, lambda s: (plan.failed(s, step, reason), None), now=moment
            )
            return None
        log.info("posted %s to channel %s (%s)", step.paper_id, state.channel_id, step.key)
        await self.store.update_weekly(
            state.guild_id, lambda s: (plan.posted(s, step, message.id), None), now=moment
        )
        return message
