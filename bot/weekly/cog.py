"""/weekly set | show | off | now, and the loop that posts the paper of the week: the Discord
glue of the weekly package (what to post, and its bookkeeping, live beside it)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import replies
from bot.cogs import server_only
from bot.i18n import day_name, lang_of, t
from bot.text import plain
from bot.views import choices, send, to_view
from bot.weekly import (
    Schedule,
    ScheduleError,
    next_due,
    parse_day,
    parse_time,
    parse_timezone,
    timezone_choices,
)
from bot.weekly.plan import PollStep, Step, WeeklyState, thread_name
from bot.weekly.poster import Poster, SendFailed

if TYPE_CHECKING:
    from bot.client import ReadingListBot

log = logging.getLogger(__name__)

ARCHIVED_LOOKUP = 50  # the forum's most recently archived posts a resend looks through
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@server_only
@app_commands.default_permissions(manage_guild=True)
class Weekly(commands.GroupCog, group_name="weekly", group_description="The paper of the week"):
    """One paper a week, in a channel each server chooses."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot
        self.poster = Poster(
            bot.store,
            self._send,
            grace=bot.settings.weekly_grace,
            rng=bot.rng,
            discussion=Discussion(bot),
        )
        super().__init__()

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    def background_loops(self) -> list[tasks.Loop[Any]]:
        """The loops the health check expects to be running."""
        return [self.loop]

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # Discord hides the commands from non-managers; check again in case a server changed
        # the command's permissions.
        if interaction.permissions.manage_guild:
            return True
        await send(
            interaction, replies.notice(t(lang_of(interaction.locale), "weekly.not_manager"))
        )
        return False

    @app_commands.command(name="set", description="Post a paper every week in a channel")
    @app_commands.describe(
        channel="Where to post",
        day="Day of the week",
        time="Local time, e.g. 09:00",
        timezone="IANA time zone, e.g. Asia/Shanghai (default UTC)",
        thread="Open a discussion thread on each post",
        vote="Let members vote a day before on the next paper",
        board="Let members see how many of them read each post (/progress server)",
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | discord.ForumChannel,
        day: str,
        time: str,
        timezone: str = "UTC",
        thread: bool | None = None,
        vote: bool | None = None,
        board: bool | None = None,
    ) -> None:
        lang = lang_of(interaction.locale)
        try:
            schedule = Schedule.parse(day, time, timezone)
        except ScheduleError as exc:
            await send(interaction, replies.bad_setting(exc, lang))
            return
        assert interaction.guild_id is not None
        await _defer(interaction)
        moment = self.bot.clock()
        await self.bot.store.set_weekly(
            interaction.guild_id,
            channel.id,
            schedule.weekday,
            schedule.at.strftime("%H:%M"),
            schedule.tz,
            now=moment,
        )
        await self.bot.store.set_weekly_discussion(
            interaction.guild_id, thread=thread, vote=vote, board=board
        )
        state = await self.bot.store.weekly_state(interaction.guild_id)
        reply = replies.weekly_set_reply(
            channel.mention,
            schedule,
            next_due(schedule, moment),
            state,
            _missing_permissions(channel, state),
            lang,
        )
        await send(interaction, reply)

    @set_.autocomplete("day")
    async def day_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = lang_of(interaction.locale)
        names = [(day_name(lang, n), value) for n, value in enumerate(DAYS)]
        typed = current.strip().lower()
        found = [(n, v) for n, v in names if v.startswith(typed) or n.startswith(typed)]
        return [app_commands.Choice(name=n, value=v) for n, v in found or names]

    @set_.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices([replies.Option(z, z) for z in timezone_choices(current)])

    @app_commands.command(description="Where and when the paper of the week is posted")
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await _defer(interaction)
        lang = lang_of(interaction.locale)
        state = await self.bot.store.weekly_state(interaction.guild_id)
        await send(interaction, replies.weekly_show_reply(state, self.bot.clock(), lang))

    @app_commands.command(description="Stop posting the paper of the week")
    async def off(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await _defer(interaction)
        was_on = await self.bot.store.disable_weekly(interaction.guild_id, now=self.bot.clock())
        key = "weekly.turned_off" if was_on else "weekly.was_off"
        await send(interaction, replies.notice(t(lang_of(interaction.locale), key)))

    @app_commands.command(description="Post a paper of the week now")
    async def now(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await _defer(interaction)
        lang = lang_of(interaction.locale)
        state = await self.bot.store.weekly_state(interaction.guild_id)
        if state is None or not state.enabled:
            await send(interaction, replies.notice(t(lang, "weekly.choose_first")))
            return
        made = await self.poster.post_now(interaction.guild_id, self.bot.clock(), self._ids())
        if made is None:
            await send(interaction, replies.notice(t(lang, "weekly.no_papers")))
            return
        _, message = made
        text = (
            t(lang, "weekly.posted", link=message.jump_url)
            if message
            else t(lang, "weekly.not_posted")
        )
        await send(interaction, replies.notice(text))

    # The loop ----------------------------------------------------------------------------

    @tasks.loop(seconds=30)
    async def loop(self) -> None:
        await self.tick(self.bot.clock())

    @loop.before_loop
    async def before_loop(self) -> None:
        await self.bot.wait_until_ready()
        try:
            await self.apply_defaults()
        except Exception:
            log.exception("the weekly defaults (WEEKLY_CHANNEL_ID) could not be applied")

    async def tick(self, moment: datetime) -> list[discord.Message]:
        """Make every post due at `moment` in the servers this process sees (others are
        another shard's, or left); never raises."""
        return await self.poster.tick(
            moment, self._ids(), lambda guild_id: self.bot.get_guild(guild_id) is not None
        )

    def _ids(self) -> list[str]:
        return [p.id for p in self.bot.library.catalogue.papers]

    async def _send(self, state: WeeklyState, step: Step) -> discord.Message:
        """Send one post of the week; SendFailed says why it could not be."""
        paper = self.bot.library.paper(step.paper_id)
        if paper is None:
            raise SendFailed("weekly.paper_gone")
        reply = replies.weekly_post(self.bot.library, paper, self._lang(state.guild_id))
        try:
            channel = self.bot.get_channel(state.channel_id) or await self.bot.fetch_channel(
                state.channel_id
            )
            if isinstance(channel, discord.ForumChannel):
                return await _forum_post(channel, paper.title, reply)
            if not isinstance(channel, discord.abc.Messageable):
                raise SendFailed("weekly.not_text_channel")
            embeds, view = list(reply.embeds), to_view(reply)
            if view is None:
                return await channel.send(embeds=embeds, nonce=step.nonce)
            return await channel.send(embeds=embeds, nonce=step.nonce, view=view)
        except discord.HTTPException as exc:
            raise _failure(exc) from exc

    def _lang(self, guild_id: int) -> str:
        return _lang(self.bot, guild_id)

    async def apply_defaults(self) -> None:
        """WEEKLY_CHANNEL_ID and friends: the weekly paper of a single-server deployment, set
        up once (a manager's /weekly settings win afterwards)."""
        settings = self.bot.settings
        if settings.weekly_channel_id is None:
            return
        channel = self.bot.get_channel(settings.weekly_channel_id)
        guild = getattr(channel, "guild", None)
        if guild is None:
            log.warning(
                "WEEKLY_CHANNEL_ID %s is not a channel I can see", settings.weekly_channel_id
            )
            return
        await self.bot.store.set_weekly_if_unset(
            guild.id,
            settings.weekly_channel_id,
            parse_day(settings.weekly_day),
            parse_time(settings.weekly_time).strftime("%H:%M"),
            parse_timezone(settings.weekly_tz),
            now=self.bot.clock(),
        )


async def _defer(interaction: discord.Interaction) -> None:
    # These commands wait on the database, which may be slow: acknowledge first, so the
    # answer never misses Discord's 3-second window.
    await interaction.response.defer(ephemeral=True, thinking=True)


def _missing_permissions(
    channel: discord.TextChannel | discord.ForumChannel, state: WeeklyState | None
) -> str:
    perms = channel.permissions_for(channel.guild.me)
    forum = isinstance(channel, discord.ForumChannel)
    needed = {
        "View Channel": perms.view_channel,
        "Send Messages": perms.send_messages_in_threads if forum else perms.send_messages,
        "Embed Links": perms.embed_links,
    }
    if forum:
        needed["Create Posts"] = perms.create_public_threads
        needed["Read Message History"] = perms.read_message_history  # finding its posts again
    elif state is not None and state.thread:
        needed["Create Public Threads"] = perms.create_public_threads
    if state is not None and state.vote:
        needed["Send Polls"] = perms.send_polls
    return ", ".join(name for name, ok in needed.items() if not ok)


async def _forum_post(
    forum: discord.ForumChannel, title: str, reply: replies.Reply
) -> discord.Message:
    """The weekly post in a forum: a thread named after the paper with the card as its first
    message. Forum posts take no nonce, so a resend first looks for the post it made: among
    the threads it knows, the server's active threads, then the forum's recently archived
    ones (a forum archives a quiet post after as little as an hour, and a resend may come
    a day later, within WEEKLY_GRACE)."""
    name = thread_name(title)
    me = forum.guild.me.id
    existing = [t for t in forum.threads if t.name == name and t.owner_id == me]
    if not existing:
        active = await forum.guild.active_threads()
        existing = [t for t in active if t.parent_id == forum.id and t.name == name]
    if not existing:
        existing = await _archived_posts(forum, name)
    for thread in existing:
        if thread.owner_id == me:
            return await thread.fetch_message(thread.id)  # a post's first message has its id
    view = to_view(reply)
    made = (
        await forum.create_thread(name=name, embeds=list(reply.embeds), view=view)
        if view is not None
        else await forum.create_thread(name=name, embeds=list(reply.embeds))
    )
    return made.message


async def _archived_posts(forum: discord.ForumChannel, name: str) -> list[discord.Thread]:
    """The bot's archived posts named `name` among the forum's most recently archived. The
    list needs Read Message History: without it, none are found (and the post is made)."""
    try:
        archived = forum.archived_threads(limit=ARCHIVED_LOOKUP)
        return [t async for t in archived if t.name == name and t.owner_id == forum.guild.me.id]
    except discord.Forbidden:
        log.warning(
            "no Read Message History in forum %s: its archived posts are not seen", forum.id
        )
        return []


class Discussion:
    """The Discord side of the weekly thread and vote (bot.weekly.poster.Discussion)."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot

    async def _channel(self, channel_id: int) -> Any:
        return self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)

    async def open_thread(self, state: WeeklyState, message_id: int) -> int:
        try:
            channel = await self._channel(state.channel_id)
            if isinstance(channel, discord.ForumChannel):
                return message_id  # the post is a thread, whose first message has its id
            message = await channel.fetch_message(message_id)
            if message.thread is not None:
                return int(message.thread.id)
            paper = self.bot.library.paper(_paper_of(message))
            name = thread_name(plain(paper.title) if paper else "", _lang(self.bot, state.guild_id))
            try:
                thread = await message.create_thread(name=name, auto_archive_duration=10080)
            except discord.HTTPException as exc:
                if exc.code == THREAD_EXISTS:
                    return message_id  # a thread started from a message has the message's id
                raise
            return int(thread.id)
        except discord.HTTPException as exc:
            raise _thread_failure(exc) from exc

    async def send_poll(self, state: WeeklyState, step: PollStep) -> discord.Message:
        lang = _lang(self.bot, state.guild_id)
        library = self.bot.library
        papers = [p for i in step.candidates if (p := library.paper(i)) is not None]
        poll = discord.Poll(
            question=replies.poll_question(lang), duration=timedelta(hours=step.hours)
        )
        for paper in papers:
            poll.add_answer(text=replies.poll_answer(paper))
        try:
            channel = await self._channel(state.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                raise SendFailed("weekly.no_vote_in_forum")
            return await channel.send(poll=poll)
        except discord.HTTPException as exc:
            if isinstance(exc, discord.Forbidden):
                raise SendFailed("weekly.missing_permission", permission="Send Polls") from exc
            raise _failure(exc) from exc

    async def tally(self, state: WeeklyState) -> Mapping[str, int]:
        try:
            channel = await self._channel(state.channel_id)
            message = await channel.fetch_message(state.poll_message_id)
        except discord.HTTPException as exc:
            raise _failure(exc) from exc
        if message.poll is None:
            return {}
        answers = sorted(message.poll.answers, key=lambda a: a.id)
        return {
            paper_id: answer.vote_count
            for paper_id, answer in zip(state.poll_candidates, answers, strict=False)
        }


THREAD_EXISTS = 160004  # "A thread has already been created for this message"


def _paper_of(message: discord.Message) -> str:
    """The paper a card is about: its Cite button says."""
    for row in message.components:
        for item in getattr(row, "children", []):
            custom_id = getattr(item, "custom_id", None) or ""
            if custom_id.startswith(replies.CITE + ":"):
                return custom_id.removeprefix(replies.CITE + ":")
    return ""


def _lang(bot: ReadingListBot, guild_id: int) -> str:
    """Weekly posts speak the server's language (its preferred locale)."""
    guild = bot.get_guild(guild_id)
    return lang_of(guild.preferred_locale if guild else None)


def _thread_failure(exc: discord.HTTPException) -> SendFailed:
    if isinstance(exc, discord.Forbidden):
        return SendFailed("weekly.missing_permission", permission="Create Public Threads")
    return _failure(exc)


def _failure(exc: discord.HTTPException) -> SendFailed:
    if isinstance(exc, discord.Forbidden):
        return SendFailed("weekly.forbidden")
    if isinstance(exc, discord.NotFound):
        return SendFailed("weekly.channel_gone")
    return SendFailed("weekly.discord_status", status=exc.status)


async def setup(bot: ReadingListBot) -> None:
    """Load the cog."""
    await bot.add_cog(Weekly(bot))
