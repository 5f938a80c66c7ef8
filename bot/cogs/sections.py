"""/section."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import replies
from bot.cogs import everywhere
from bot.i18n import lang_of
from bot.views import choices, send

if TYPE_CHECKING:
    from bot.client import ReadingListBot


class Sections(commands.Cog):
    """Browsing the list section by section."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot

    @everywhere
    @app_commands.command(description="List a section of the reading list, page by page")
    @app_commands.describe(name="A section: its English name, slug or original heading")
    async def section(self, interaction: discord.Interaction, name: str) -> None:
        lang = lang_of(interaction.locale)
        reply = replies.section_reply(self.bot.library, name, asker=interaction.user.id, lang=lang)
        await send(interaction, reply)

    @section.autocomplete("name")
    async def section_name(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(
            replies.section_choices(self.bot.library, current, lang_of(interaction.locale))
        )


async def setup(bot: ReadingListBot) -> None:
    """Load the cog."""
    await bot.add_cog(Sections(bot))
