"""/reload, and the periodic refresh of the reading list (READINGLIST_REFRESH)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import replies
from bot.catalogue import CatalogueError
from bot.cogs import server_only
from bot.i18n import lang_of, t
from bot.store import StoreError
from bot.views import send

if TYPE_CHECKING:
    from bot.client import ReadingListBot

log = logging.getLogger(__name__)

RELOAD_SHUTDOWN_WAIT = 60.0  # seconds a shutdown waits for a /reload in flight


class Admin(commands.Cog):
    """Keeping the reading list up to date while the bot runs."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot
        self._answering: set[asyncio.Task[Any]] = set()  # /reload commands in flight
        if bot.settings.refresh:
            self.refresh.change_interval(seconds=bot.settings.refresh.total_seconds())

    async def cog_load(self) -> None:
        if self.bot.settings.refresh:
            self.refresh.start()

    async def cog_unload(self) -> None:
        # On shutdown: a /reload in flight finishes and is answered before the gateway and
        # the database close under it; the periodic refresh just stops.
        self.refresh.cancel()
        if self._answering:
            await asyncio.wait(self._answering, timeout=RELOAD_SHUTDOWN_WAIT)

    def background_loops(self) -> list[tasks.Loop[Any]]:
        """The loops the health check expects to be running."""
        return [self.refresh] if self.bot.settings.refresh else []

    @server_only
    @app_commands.command(description="Read the reading list again and report what changed")
    @app_commands.describe(force="Take the new list even if it removes most papers")
    @app_commands.default_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction, force: bool = False) -> None:
        lang = lang_of(interaction.locale)
        if not await self.allowed(interaction):
            await send(interaction, replies.notice(self.refusal(lang)))
            return
        task = asyncio.current_task()
        assert task is not None
        self._answering.add(task)
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            text = await self.reload_text(force=force, lang=lang)
            await send(interaction, replies.notice(text))
        finally:
            self._answering.discard(task)

    async def allowed(self, interaction: discord.Interaction) -> bool:
        """The bot's owner, and (unless READINGLIST_RELOAD=owner) server managers."""
        if await self.bot.is_owner(interaction.user):
            return True
        managers = self.bot.settings.reload_access == "managers"
        return managers and interaction.permissions.manage_guild

    def refusal(self, lang: str) -> str:
        owner_only = self.bot.settings.reload_access == "owner"
        return t(lang, "reload.not_owner" if owner_only else "reload.not_manager")

    async def reload_text(self, *, force: bool = False, lang: str) -> str:
        """Reload, log the whole report, and say what happened in a message that fits."""
        try:
            report = await self.bot.reload(force=force)
        except (CatalogueError, StoreError) as exc:
            log.warning("reload: kept the current reading list: %s", replies.public_text(str(exc)))
            return replies.reload_kept(exc, lang)
        diff = report.diff if report.changed else None
        if diff is not None:
            log.info("reload: %s", "; ".join(diff.summary(limit=None, lang="en")))
        return replies.reload_outcome(diff, lang)

    @tasks.loop(hours=6)
    async def refresh(self) -> None:
        await self.reload_text(lang="en")  # the answer is only logged

    @refresh.before_loop
    async def before_refresh(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: ReadingListBot) -> None:
    """Load the cog."""
    await bot.add_cog(Admin(bot))
