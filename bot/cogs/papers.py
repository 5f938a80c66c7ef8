"""/paper, /cite, /author and /random."""

from __future__ import annotations

import asyncio
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


class Papers(commands.Cog):
    """Finding papers."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot

    @everywhere
    @app_commands.command(description="Find a paper by title, nickname, author or arXiv id")
    @app_commands.describe(query="A title, a model name (rwkv, t5), an author or an arXiv link")
    async def paper(self, interaction: discord.Interaction, query: str) -> None:
        lang = lang_of(interaction.locale)
        # In a worker thread: a query that matches nothing looks for the closest titles,
        # tens of milliseconds at 100,000 papers, which the event loop must not wait on.
        reply = await asyncio.to_thread(
            replies.paper_reply, self.bot.library, query, lang, asker=interaction.user.id
        )
        await send(interaction, reply)

    @everywhere
    @app_commands.command(description="Papers on a topic, best first, 10 a page")
    @app_commands.describe(question="A question, topic words, Chinese words or a pasted citation")
    async def search(self, interaction: discord.Interaction, question: str) -> None:
        lang = lang_of(interaction.locale)
        reply = await asyncio.to_thread(
            replies.search_reply, self.bot.library, question, asker=interaction.user.id, lang=lang
        )
        await send(interaction, reply)

    @paper.autocomplete("query")
    async def paper_query(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(replies.paper_choices(self.bot.library, current))

    @everywhere
    @app_commands.command(description="The BibTeX entry of a paper")
    @app_commands.describe(query="A title, a model name, an author or an arXiv link")
    async def cite(self, interaction: discord.Interaction, query: str) -> None:
        lang = lang_of(interaction.locale)
        await send(
            interaction, await asyncio.to_thread(replies.cite_reply, self.bot.library, query, lang)
        )

    @cite.autocomplete("query")
    async def cite_query(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(replies.paper_choices(self.bot.library, current))

    @everywhere
    @app_commands.command(description="The papers of one author")
    @app_commands.describe(name="An author's name or surname, any order, accents optional")
    async def author(self, interaction: discord.Interaction, name: str) -> None:
        await send(
            interaction, replies.author_reply(self.bot.library, name, lang_of(interaction.locale))
        )

    @author.autocomplete("name")
    async def author_name(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(replies.author_choices(self.bot.library, current))

    @everywhere
    @app_commands.command(description="A paper from the reading list, picked at random")
    @app_commands.describe(section="Only from this section (optional)")
    async def random(self, interaction: discord.Interaction, section: str | None = None) -> None:
        lang = lang_of(interaction.locale)
        reply = replies.random_reply(
            self.bot.library, self.bot.rng, section, lang=lang, asker=interaction.user.id
        )
        await send(interaction, reply)

    @random.autocomplete("section")
    async def random_section(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(
            replies.section_choices(self.bot.library, current, lang_of(interaction.locale))
        )


async def setup(bot: ReadingListBot) -> None:
    """Load the cog."""
    await bot.add_cog(Papers(bot))
