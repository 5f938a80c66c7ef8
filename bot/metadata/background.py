"""Keeping the metadata fresh beside the running bot, without ever delaying a command.

One task: it fetches what is due after start-up, again whenever it is woken (after each
reload of the list) and at least every `check_every`; each result is handed to `publish`,
which swaps a Library carrying it in whole. A source that cannot be reached (no network)
is noted in one quiet log line and tried again on the next round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from bot.config import Settings
from bot.metadata.enrich import EnrichReport, enrich
from bot.metadata.http import open_clients
from bot.metadata.models import PaperMetadata
from bot.models import Catalogue
from bot.store import Store, StoreError

log = logging.getLogger(__name__)

CHECK_EVERY = timedelta(hours=6)


class MetadataRefresher:
    """The background metadata task of one bot."""

    def __init__(
        self,
        *,
        store: Store,
        settings: Settings,
        catalogue: Callable[[], Catalogue],
        publish: Callable[[Mapping[str, PaperMetadata]], Awaitable[None]],
        clock: Callable[[], datetime],
        check_every: timedelta = CHECK_EVERY,
    ) -> None:
        self.store = store
        self.settings = settings
        self.catalogue = catalogue
        self.publish = publish
        self.clock = clock
        self.check_every = check_every
        self.last_report: EnrichReport | None = None
        self.rounds = 0
        self.settled = asyncio.Event()  # set whenever a round has finished and none is due
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the task (a first round at once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="metadata-refresh")

    def wake(self) -> None:
        """Fetch what is due now (after a reload): the new papers."""
        self.settled.clear()
        self._wake.set()

    async def close(self) -> None:
        """Stop the task; a round in flight is abandoned (what it stored stays)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            self.settled.clear()
            await self.refresh()
            if not self._wake.is_set():
                self.settled.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.check_every.total_seconds())

    async def refresh(self) -> EnrichReport | None:
        """One round: fetch what is due, store it, publish what is known."""
        try:
            async with open_clients(self.settings) as clients:
                report = await enrich(
                    self.store,
                    self.catalogue(),
                    clients,
                    now=self.clock(),
                    ttl=self.settings.metadata_ttl,
                )
        except StoreError as exc:
            log.warning("metadata not stored: %s", exc)
            return None
        except Exception:
            log.exception("metadata refresh failed")
            return None
        self.rounds += 1
        self.last_report = report
        if report.stored:
            await self.publish(report.metadata)
            log.info(
                "metadata: %d answers stored; %d of %d papers have an abstract, %d a TL;DR",
                report.stored,
                report.abstracts,
                report.papers,
                report.tldrs,
            )
        for why in report.unavailable.values():
            log.info("metadata: %s; the cards show the list's own fields, trying again later", why)
        return report
