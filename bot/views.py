"""Reply values -> discord.py messages: views of persistent components, and sending.

Every action component is a DynamicItem whose state lives in its custom id, registered at
start-up, so buttons and menus keep working after a restart and nothing is kept per message.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

import discord
from discord import app_commands

from bot import replies
from bot.i18n import lang_of, t
from bot.library import Library
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)


class HasLibrary(Protocol):
    """The bot, as the components see it."""

    library: Library


class HasReaders(HasLibrary, Protocol):
    """The bot, as the reading-progress components see it."""

    store: Store
    clock: Callable[[], datetime]


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"rl:(?:cite|abs|nav|page|search):.+"
):
    """Every persistent button: its custom id says what it does (see bot.replies)."""

    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ActionButton:
        return cls(discord.ui.Button(custom_id=match.group(0)))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await answer_component(interaction, self.item.custom_id or "", "")


class OpenMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"rl:open"):
    """The "open a paper" select menu: its values are paper ids."""

    def __init__(self, select: discord.ui.Select[Any]) -> None:
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> OpenMenu:
        return cls(discord.ui.Select(custom_id=replies.OPEN))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: Any = interaction.data or {}
        values = data.get("values") or [""]
        await answer_component(interaction, replies.OPEN, str(values[0]))


class ReaderButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"rl:(?:read|save|del|mine|forget|board):.+",
):
    """The buttons about the clicker: their read and saved marks, their list's pages, the
    removal of their card, the confirmation of /reading forget, the pages of the server's
    board (see bot.replies)."""

    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ReaderButton:
        return cls(discord.ui.Button(custom_id=match.group(0)))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        custom_id = self.item.custom_id or ""
        try:
            await answer_reader(interaction, custom_id)
        except Exception:
            log.exception("component %s failed", custom_id)
            await apologise(interaction)


async def answer_reader(interaction: discord.Interaction[Any], custom_id: str) -> None:
    """A click on a reader's button: only the clicker's own data is read or changed, and
    the answer goes to them alone (the public card does not change)."""
    bot = cast(HasReaders, interaction.client)
    lang = lang_of(interaction.locale)
    reader = interaction.user.id
    action, _, rest = custom_id.removeprefix("rl:").partition(":")
    if action in ("read", "save"):
        paper = bot.library.paper(rest)
        if paper is None:
            await send(interaction, replies.notice(t(lang, "paper.gone")))
            return
        kind: Any = "read" if action == "read" else "saved"
        mark = await bot.store.toggle_reading(
            reader, paper, kind, now=bot.clock(), guild_id=server_of(interaction)
        )
        await send(interaction, replies.mark_reply(mark, kind, lang))
    elif action == "del":
        if rest != str(reader):
            await send(interaction, replies.notice(t(lang, "reading.not_yours")))
            return
        # Through the interaction's webhook: needs none of the bot's permissions, so it
        # works where the bot is not a member (a user install).
        await interaction.response.defer()
        await interaction.delete_original_response()
    elif action == "mine":
        marks = await bot.store.reading_marks(reader)
        turned = replies.reading_page_turn(bot.library, marks, custom_id, reader, lang)
        if isinstance(turned, str):
            await send(interaction, replies.notice(turned))
        else:
            await edit(interaction, turned)
    elif action == "forget":
        if rest != str(reader):
            await send(interaction, replies.notice(t(lang, "reading.not_yours")))
            return
        n = await bot.store.forget_reader(reader)
        await edit(interaction, replies.forgotten(n, lang))
    elif action == "board":
        page = replies.board_page(custom_id, reader, lang)
        if isinstance(page, str):
            await send(interaction, replies.notice(page))
        else:
            await edit(interaction, await server_board(bot, interaction, page))


def server_of(interaction: discord.Interaction[Any]) -> int | None:
    """The server an interaction comes from when the bot is installed there (None in DMs,
    and where only the reader's own install of the app is): a reader who uses their marks
    there counts on its board."""
    return interaction.guild_id if interaction.is_guild_integration() else None


async def server_board(
    bot: HasReaders, interaction: discord.Interaction[Any], page: int
) -> replies.Reply:
    """A page of the board of the server the interaction comes from, or why there is none
    (outside a server with the bot, or no manager turned it on)."""
    lang = lang_of(interaction.locale)
    guild_id = server_of(interaction)
    if guild_id is None:
        return replies.board_server_only(lang)
    state = await bot.store.weekly_state(guild_id)
    on = state is not None and state.board
    posts = await bot.store.weekly_posts(guild_id) if on else []
    reads = await bot.store.board_reads(guild_id) if on else []
    return replies.board_reply(bot.library, on, posts, reads, page, interaction.user.id, lang)


async def answer_component(
    interaction: discord.Interaction[Any], custom_id: str, value: str
) -> None:
    """Answer a click or a choice; an unexpected error is logged and apologised for."""
    try:
        library = cast(HasLibrary, interaction.client).library
        metadata = interaction.message.interaction_metadata if interaction.message else None
        asker = metadata.user.id if metadata else None
        lang = lang_of(interaction.locale)
        action = replies.click(library, custom_id, value, interaction.user.id, asker, lang)
        if action.edit:
            await edit(interaction, action.reply)
        else:
            await send(interaction, action.reply)
    except Exception:
        log.exception("component %s failed", custom_id)
        await apologise(interaction)


def choices(options: list[replies.Option]) -> list[app_commands.Choice[str]]:
    """Reply options as autocomplete choices."""
    return [app_commands.Choice(name=o.label, value=o.value) for o in options]


def to_view(reply: Reply) -> discord.ui.View | None:
    """The components of a reply as a view that stores no state."""
    if not reply.buttons and reply.menu is None:
        return None
    view = discord.ui.View(timeout=None)
    for row, buttons in enumerate(reply.buttons):
        for b in buttons:
            if b.url:
                view.add_item(discord.ui.Button(label=b.label, url=b.url, row=row))
                continue
            style = (
                discord.ButtonStyle.danger
                if b.danger
                else discord.ButtonStyle.primary
                if b.primary
                else discord.ButtonStyle.secondary
            )
            button: discord.ui.Button[Any] = discord.ui.Button(
                label=b.label, custom_id=b.custom_id, style=style, disabled=b.disabled, row=row
            )
            reader = ReaderButton.__discord_ui_compiled_template__.fullmatch(b.custom_id or "")
            view.add_item(ReaderButton(button) if reader else ActionButton(button))
    if reply.menu:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=reply.menu.custom_id,
            placeholder=reply.menu.placeholder,
            options=[
                discord.SelectOption(
                    label=o.label, value=o.value, description=o.description or None
                )
                for o in reply.menu.options
            ],
            row=len(reply.buttons),
        )
        view.add_item(OpenMenu(select))
    return view


async def send(interaction: discord.Interaction[Any], reply: Reply) -> None:
    """Answer an interaction with a reply: the first response, or a follow-up after it."""
    kwargs: dict[str, Any] = {"embeds": list(reply.embeds), "ephemeral": reply.ephemeral}
    if reply.content:
        kwargs["content"] = reply.content
    if (view := to_view(reply)) is not None:
        kwargs["view"] = view
    if reply.files:
        kwargs["files"] = [
            discord.File(io.BytesIO(f.data), filename=f.filename) for f in reply.files
        ]
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def edit(interaction: discord.Interaction[Any], reply: Reply) -> None:
    """Replace the message a component belongs to with a reply."""
    await interaction.response.edit_message(
        content=reply.content or None, embeds=list(reply.embeds), view=to_view(reply)
    )


async def apologise(interaction: discord.Interaction[Any], key: str = "error.sorry") -> None:
    """The polite answer to an error; never leaves an interaction unanswered."""
    text = t(lang_of(interaction.locale), key)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about the error either")
