"""The "Find in reading list" message command (right-click a message > Apps)."""

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


class Finder(commands.Cog):
    """Checks a shared link or title against the list, without typing a command. Needs no
    message-content intent: the interaction carries the message."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot
        self.menu = everywhere(
            app_commands.ContextMenu(name="Find in reading list", callback=self.find)
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def find(self, interaction: discord.Interaction, message: discord.Message) -> None:
        text = "\n".join([message.content, *(e.url or "" for e in message.embeds)])
        await send(
            interaction, replies.find_reply(self.bot.library, text, lang_of(interaction.locale))
        )


async def setup(bot: ReadingListBot) -> None:
    """Load the cog."""
    await bot.add_cog(Finder(bot))
