"""The Discord bot: state set in __init__, extensions loaded and commands synced in setup_hook."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import random
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.config import Settings
from bot.health import HEARTBEAT_EVERY, shard_name
from bot.library import Library
from bot.loader import LoadReport, build_library, load_catalogue
from bot.metadata.background import MetadataRefresher
from bot.metadata.enrich import stored_metadata
from bot.metadata.models import PaperMetadata
from bot.store import Store, StoreError
from bot.translator import Translator
from bot.views import ActionButton, OpenMenu, apologise

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.cogs.papers",
    "bot.cogs.sections",
    "bot.cogs.about",
    "bot.weekly.cog",
    "bot.cogs.admin",
    "bot.cogs.finder",
    "bot.cogs.reading",
)


def _settle() -> None:
    """Move the long-lived catalogue and index out of the garbage collector's way: without
    this, a full collection walks their millions of objects and stalls every reply
    (measured: p99 of the load benchmark). Freezing is instant; a collection first would
    walk the new index on the event loop (a quarter of a second at 10,000 papers), and the
    collections during the build in the worker thread have cleared the young garbage."""
    gc.freeze()


def _prepared(library: Library) -> Library:
    """A library whose search and authors' index have made what their first queries would
    (a second or so at 100,000 papers): for a worker thread, before it is swapped in."""
    library.index.prepare()
    assert library.authors is not None
    return library


@contextlib.contextmanager
def _full_collections_deferred() -> Iterator[None]:
    """While a reload builds a catalogue and its index in worker threads, defer the
    collector's full passes: each walks everything built so far while holding the GIL,
    stalling the event loop (100 ms and more at 10,000 papers). Young collections still run,
    so the build's cyclic garbage is reclaimed before the result is frozen."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, _FULL_THRESHOLD)


_FULL_THRESHOLD = gc.get_threshold()[2]
Clock = Callable[[], datetime]


class ReadingListBot(commands.Bot):
    """Slash commands over one reading list. The store, library and clock are made outside
    and handed in; the bot only reads the library, which a reload swaps whole. Every moment
    the bot acts on (weekly posts, heartbeats, load times) comes from `clock`, an aware
    datetime, so tests set the time instead of waiting for it."""

    def __init__(
        self,
        *,
        store: Store,
        library: Library,
        settings: Settings,
        clock: Clock,
        sync_commands: bool = True,
        rng: random.Random | None = None,
        **options: Any,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # slash commands only: no message content, no members
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            # Every answer echoes user or catalogue text: it must never ping anyone.
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.store = store
        self.library = library
        self.settings = settings
        self.clock = clock
        self.guild_id = settings.guild_id
        self.sync_on_start = sync_commands
        self.rng = rng or random.Random()
        self._reloading = asyncio.Lock()
        self.metadata: MetadataRefresher | None = None  # the background fetch, when on
        self._indexing: asyncio.Task[None] | None = None  # the stored metadata, indexed

    async def setup_hook(self) -> None:
        # Persistent components: clicks on messages sent before a restart still arrive here.
        self.add_dynamic_items(ActionButton, OpenMenu)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.tree.error(self.on_app_command_error)
        await self.tree.set_translator(Translator())
        if self.sync_on_start:
            await self.sync_commands()
        self.heartbeat.start()
        await self.start_metadata()
        _settle()

    async def close(self) -> None:
        self.heartbeat.cancel()
        if self._indexing is not None:
            self._indexing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._indexing
        if self.metadata is not None:
            await self.metadata.close()
        await super().close()

    async def start_metadata(self) -> None:
        """Show the stored metadata at once, and fetch what is due in the background
        (unless READINGLIST_METADATA=off)."""
        try:
            stored = await stored_metadata(self.store)
        except StoreError as exc:
            log.warning("stored metadata not read: %s", exc)
        else:
            # The cards show it at once; the search gains the abstracts when its index is
            # built (seconds at 100,000 papers), which start-up does not wait for.
            self.library = self.library.with_metadata(stored, index=False)
            self._indexing = asyncio.create_task(self.publish_metadata(stored))
        if self.settings.metadata_enabled and self.metadata is None:
            self.metadata = MetadataRefresher(
                store=self.store,
                settings=self.settings,
                catalogue=lambda: self.library.catalogue,
                publish=self.publish_metadata,
                clock=self.clock,
            )
            self.metadata.start()

    async def publish_metadata(self, metadata: Mapping[str, PaperMetadata]) -> None:
        """Swap in a library carrying `metadata`, in one step. Its search index (abstracts
        and TL;DRs) is built in a worker thread, one build at a time with reloads, so a
        reload is never overwritten by a library of the list before it."""
        async with self._reloading:
            with _full_collections_deferred():
                library = self.library
                self.library = await asyncio.to_thread(
                    lambda: _prepared(library.with_metadata(metadata))
                )
                _settle()

    @tasks.loop(seconds=HEARTBEAT_EVERY.total_seconds())
    async def heartbeat(self) -> None:
        """Write this process's heartbeat, which `readinglist-bot health` reads, while the
        gateway is up, with the first problem it knows of (a background loop that stopped)."""
        if not self.is_ready():
            return
        problem = self.problem()
        for instance in self.gateways_up():
            try:
                await self.store.heartbeat(instance, self.clock(), problem)
            except StoreError as exc:
                log.warning("heartbeat not written: %s", exc)

    def gateways_up(self) -> list[str]:
        """The heartbeat names of this process's gateway sessions that are connected."""
        return [self.settings.instance] if self.ws is not None and self.ws.open else []

    def problem(self) -> str:
        """What keeps this bot from doing its work, for the health check; "" when nothing."""
        for cog in self.cogs.values():
            loops: list[tasks.Loop[Any]] = getattr(cog, "background_loops", lambda: [])()
            for loop in loops:
                if not loop.is_running():
                    return f"the {loop.coro.__name__} loop of {cog.qualified_name} has stopped"
        return ""

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Send the command definitions to Discord when they changed since the last sync (a
        hash is kept in the database), or always with `force`. Returns whether it synced."""
        guild = discord.Object(self.guild_id) if self.guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        definitions = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        digest = hashlib.sha256(json.dumps(definitions, sort_keys=True).encode()).hexdigest()
        key = f"commands:{self.guild_id or 'global'}"
        if not force and await self.store.get_meta(key) == digest:
            log.info("command definitions unchanged: not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.store.set_meta({key: digest})
        log.info(
            "synced %d commands %s",
            len(synced),
            f"to guild {self.guild_id}" if guild else "globally",
        )
        return True

    async def reload(self, *, force: bool = False) -> LoadReport:
        """Read the configured lists again; when they changed, store them and swap in a new
        library in one step, so no command ever sees a half-loaded list. One at a time; the
        parsing and indexing run in worker threads while the bot goes on answering."""
        async with self._reloading:
            with _full_collections_deferred():
                now = self.clock()
                report = await load_catalogue(
                    self.store, self.settings, now=now, force=force, current=self.library.catalogue
                )
                if report.changed:
                    # What was just stored, indexed: equal to reading it back, without the read.
                    library = await build_library(
                        report.catalogue,
                        self.settings,
                        now,
                        metadata=self.library.paper_metadata,
                        index=report.index,
                    )
                    self.library = await asyncio.to_thread(_prepared, library)
                    _settle()
                    if self.metadata is not None:
                        self.metadata.wake()  # the new papers' metadata, in the background
                return report

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """The one place that decides what a user sees when a command fails: a refused
        command is answered once (by its check, or here); a database that can't be written
        is said so; anything unexpected is logged once with its traceback and answered with
        a polite sentence."""
        command = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.CheckFailure):
            # Not a failure of the bot: someone may not use the command (here).
            log.info("/%s refused to user %s: %s", command, interaction.user.id, error)
            if not interaction.response.is_done():
                await apologise(interaction, "error.not_allowed")
            return
        cause = error.__cause__ if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, StoreError):
            log.error("/%s: %s", command, cause)
            await apologise(interaction, "error.store")
            return
        log.error("/%s failed", command, exc_info=error)
        await apologise(interaction)

    async def on_ready(self) -> None:
        catalogue = self.library.catalogue
        log.info(
            "connected as %s to %d servers; serving %d papers in %d sections",
            self.user,
            len(self.guilds),
            len(catalogue.papers),
            len(catalogue.sections),
        )


class ShardedReadingListBot(ReadingListBot, commands.AutoShardedBot):
    """The same bot over several gateway sessions, one a shard: DISCORD_SHARDS gives the
    count ("auto": Discord's), DISCORD_SHARD_IDS the shards this process runs. Discord sends
    each shard only its servers' events, so every per-server job (the weekly post) runs in
    the one process that holds the server. Each shard writes its own heartbeat."""

    def __init__(self, *, settings: Settings, **options: Any) -> None:
        options.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids is not None:
            options.setdefault("shard_ids", list(settings.shard_ids))
        super().__init__(settings=settings, **options)

    def gateways_up(self) -> list[str]:
        return [
            shard_name(self.settings.instance, shard_id)
            for shard_id, shard in sorted(self.shards.items())
            if not shard.is_closed()
        ]


def bot_class(settings: Settings) -> type[ReadingListBot]:
    """The bot's class for these settings: sharded when DISCORD_SHARDS is set, else the plain
    bot exactly as before (discord.py never asks for a shard count then)."""
    return ShardedReadingListBot if settings.sharded else ReadingListBot
