"""/help and /about."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import replies
from bot.cogs import everywhere
from bot.i18n import lang_of
from bot.views import send

if TYPE_CHECKING:
    from bot.client import ReadingListBot


class About(commands.Cog):
    """What the bot does and what it has loaded."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot

    @everywhere
    @app_commands.command(name="help", description="What each command does, with examples")
    async def help_(self, interaction: discord.Interaction) -> None:
        await send(interaction, replies.help_reply(lang_of(interaction.locale)))

    @everywhere
    @app_commands.command(description="Which reading list is loaded, and when")
    async def about(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction.locale)
        on = self.bot.settings.metadata_enabled
        await send(interaction, replies.about_reply(self.bot.library, lang, metadata_on=on))


async def setup(bot: ReadingListBot) -> None:
    """Load the cog."""
    await bot.add_cog(About(bot))
