"""/progress, /next and /reading list | export | share | forget: a reader's own progress,
and the server's board (/progress server:True), answered to them alone. The logic is in
bot.reading and bot.replies; the buttons in bot.views."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import replies
from bot.cogs import everywhere
from bot.i18n import lang_of
from bot.views import ReaderButton, choices, send, server_board, server_of

if TYPE_CHECKING:
    from bot.client import ReadingListBot


@everywhere
class ReadingGroup(app_commands.Group, name="reading", description="Your marked papers"):
    """/reading list | export | forget."""

    def __init__(self, bot: ReadingListBot) -> None:
        super().__init__()
        self.bot = bot

    @app_commands.command(name="list", description="The papers you marked read or saved")
    async def list_(self, interaction: discord.Interaction) -> None:
        marks = await self.bot.store.reading_marks(interaction.user.id)
        lang = lang_of(interaction.locale)
        await send(
            interaction,
            replies.reading_list_reply(self.bot.library, marks, 0, interaction.user.id, lang),
        )

    @app_commands.command(description="Your papers as a markdown list and a BibTeX file")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        marks = await self.bot.store.reading_marks(interaction.user.id)
        lang = lang_of(interaction.locale)
        await send(interaction, replies.export_reply(self.bot.library, marks, lang))

    @app_commands.command(description="Show your name on this server's reading board, or stop")
    @app_commands.describe(show_name="True: your name under the counts; False: counted without it")
    async def share(self, interaction: discord.Interaction, show_name: bool) -> None:
        lang = lang_of(interaction.locale)
        guild_id = server_of(interaction)
        if guild_id is None:
            await send(interaction, replies.board_server_only(lang))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # a write may wait
        await self.bot.store.set_sharing(interaction.user.id, guild_id, show_name)
        state = await self.bot.store.weekly_state(guild_id)
        on = state is not None and state.board
        await send(interaction, replies.share_reply(show_name, on, lang))

    @app_commands.command(description="Delete everything stored about you")
    async def forget(self, interaction: discord.Interaction) -> None:
        marks = await self.bot.store.reading_marks(interaction.user.id)
        servers = await self.bot.store.reader_servers(interaction.user.id)
        lang = lang_of(interaction.locale)
        prompt = replies.forget_prompt(marks, interaction.user.id, lang, servers=len(servers))
        await send(interaction, prompt)


class Reading(commands.Cog):
    """A reader's progress through the list."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot
        self.group = ReadingGroup(bot)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.group)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.group.name)

    @everywhere
    @app_commands.command(description="How many papers you have read, per section")
    @app_commands.describe(
        section="Only this section (optional)",
        server="Show this server's board: how many members read each paper of the week",
    )
    async def progress(
        self, interaction: discord.Interaction, section: str | None = None, server: bool = False
    ) -> None:
        # Using their marks in a server (with the bot) makes the reader one of its readers
        # on its board. A write may wait for a catalogue swap: the board acknowledges first,
        # and the reader's own progress is answered before it is noted.
        guild_id = server_of(interaction)
        lang = lang_of(interaction.locale)
        if server:
            if guild_id is None:
                await send(interaction, replies.board_server_only(lang))
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.bot.store.note_reader_server(interaction.user.id, guild_id)
            await send(interaction, await server_board(self.bot, interaction, 0))
            return
        marks = await self.bot.store.reading_marks(interaction.user.id)
        await send(interaction, replies.progress_reply(self.bot.library, marks, section, lang))
        if guild_id is not None:
            await self.bot.store.note_reader_server(interaction.user.id, guild_id)

    @everywhere
    @app_commands.command(name="next", description="The first paper you have not read yet")
    @app_commands.describe(section="Only from this section (optional)")
    async def next_(self, interaction: discord.Interaction, section: str | None = None) -> None:
        marks = await self.bot.store.reading_marks(interaction.user.id)
        lang = lang_of(interaction.locale)
        await send(interaction, replies.next_reply(self.bot.library, marks, section, lang))

    @progress.autocomplete("section")
    @next_.autocomplete("section")
    async def section_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(
            replies.section_choices(self.bot.library, current, lang_of(interaction.locale))
        )


async def setup(bot: ReadingListBot) -> None:
    """Load the cog and its persistent buttons (clicks on cards sent before a restart)."""
    bot.add_dynamic_items(ReaderButton)
    await bot.add_cog(Reading(bot))


async def teardown(bot: ReadingListBot) -> None:
    """Unload the buttons with the cog."""
    bot.remove_dynamic_items(ReaderButton)
