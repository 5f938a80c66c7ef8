"""The Discord bot: state set in __init__, extensions loaded and commands synced in setup_hook."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import random
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.config import Settings
from bot.health import HEARTBEAT_EVERY
from bot.library import Library
from bot.loader import LoadReport, load_catalogue
from bot.store import Store, StoreError
from bot.translator import Translator
from bot.views import ActionButton, OpenMenu, apologise

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.cogs.papers",
    "bot.cogs.sections",
    "bot.cogs.about",
    "bot.cogs.weekly",
    "bot.cogs.admin",
    "bot.cogs.finder",
)


def _settle() -> None:
    """Move the long-lived catalogue and index out of the garbage collector's way: without
    this, a full collection walks their millions of objects and stalls every reply
    (measured: p99 of the load benchmark)."""
    gc.collect()
    gc.freeze()


class ReadingListBot(commands.Bot):
    """Slash commands over one reading list. The store and library are made outside and
    handed in; the bot only reads the library, which a reload swaps whole."""

    def __init__(
        self,
        *,
        store: Store,
        library: Library,
        settings: Settings,
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
        self.guild_id = settings.guild_id
        self.sync_on_start = sync_commands
        self.rng = rng or random.Random()
        self._reloading = asyncio.Lock()

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
        _settle()

    async def close(self) -> None:
        self.heartbeat.cancel()
        await super().close()

    @tasks.loop(seconds=HEARTBEAT_EVERY.total_seconds())
    async def heartbeat(self) -> None:
        """Write the heartbeat `readinglist-bot health` reads, while the gateway is up."""
        if self.is_ready() and self.ws is not None and self.ws.open:
            try:
                await self.store.heartbeat(datetime.now(UTC))
            except StoreError as exc:
                log.warning("heartbeat not written: %s", exc)

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
        await self.store.set_meta(key, digest)
        log.info(
            "synced %d commands %s",
            len(synced),
            f"to guild {self.guild_id}" if guild else "globally",
        )
        return True

    async def reload(self, *, force: bool = False) -> LoadReport:
        """Read the configured lists again; when they changed, store them and swap in a new
        library in one step, so no command ever sees a half-loaded list. One at a time."""
        async with self._reloading:
            report = await load_catalogue(
                self.store, self.settings, force=force, current=self.library.catalogue
            )
            if report.changed:
                # What was just stored, indexed: equal to reading it back, without the read.
                now = datetime.now(UTC)
                self.library = Library.build(report.catalogue, self.settings.aliases_table, now)
                _settle()
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
