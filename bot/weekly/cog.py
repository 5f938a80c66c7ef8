"""/weekly set | show | off | now, and the loop that posts the paper of the week: the Discord
glue of the weekly package (what to post, and its bookkeeping, live beside it)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import replies
from bot.i18n import day_name, lang_of, t
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
from bot.weekly.plan import Step, WeeklyState, schedule_of
from bot.weekly.poster import Poster, SendFailed

if TYPE_CHECKING:
    from bot.client import ReadingListBot

log = logging.getLogger(__name__)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Weekly(commands.GroupCog, group_name="weekly", group_description="The paper of the week"):
    """One paper a week, in a channel each server chooses."""

    def __init__(self, bot: ReadingListBot) -> None:
        self.bot = bot
        self.poster = Poster(bot.store, self._send, grace=bot.settings.weekly_grace, rng=bot.rng)
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
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        day: str,
        time: str,
        timezone: str = "UTC",
    ) -> None:
        lang = lang_of(interaction.locale)
        try:
            schedule = Schedule(parse_day(day), parse_time(time), parse_timezone(timezone))
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
        due = int(next_due(schedule, moment).timestamp())
        text = t(
            lang,
            "weekly.set",
            channel=channel.mention,
            schedule=replies.describe_schedule(schedule, lang),
            when=f"<t:{due}:F>",
        )
        missing = _missing_permissions(channel)
        if missing:
            text += "\n" + t(lang, "weekly.cant_post", permissions=missing, channel=channel.mention)
        await send(interaction, replies.notice(text))

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
        if state is None or not state.enabled:
            await send(interaction, replies.weekly_status("", None, None, "", lang))
            return
        schedule = schedule_of(state)
        due = next_due(schedule, self.bot.clock())
        channel = f"<#{state.channel_id}>"
        await send(
            interaction, replies.weekly_status(channel, schedule, due, state.last_status, lang)
        )

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
            if not isinstance(channel, discord.abc.Messageable):
                raise SendFailed("weekly.not_text_channel")
            embeds, view = list(reply.embeds), to_view(reply)
            if view is None:
                return await channel.send(embeds=embeds, nonce=step.nonce)
            return await channel.send(embeds=embeds, nonce=step.nonce, view=view)
        except discord.HTTPException as exc:
            raise _failure(exc) from exc

    def _lang(self, guild_id: int) -> str:
        """Weekly posts speak the server's language (its preferred locale)."""
        guild = self.bot.get_guild(guild_id)
        return lang_of(guild.preferred_locale if guild else None)

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


def _missing_permissions(channel: discord.TextChannel) -> str:
    perms = channel.permissions_for(channel.guild.me)
    needed = {
        "View Channel": perms.view_channel,
        "Send Messages": perms.send_messages,
        "Embed Links": perms.embed_links,
    }
    return ", ".join(name for name, ok in needed.items() if not ok)


def _failure(exc: discord.HTTPException) -> SendFailed:
    if isinstance(exc, discord.Forbidden):
        return SendFailed("weekly.forbidden")
    if isinstance(exc, discord.NotFound):
        return SendFailed("weekly.channel_gone")
    return SendFailed("weekly.discord_status", status=exc.status)


async def setup(bot: ReadingListBot) -> None:
    """Load the cog."""
    await bot.add_cog(Weekly(bot))
