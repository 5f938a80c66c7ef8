"""A fake Discord on 127.0.0.1 that the real discord.py client connects to unchanged.

REST lives under ``/api/v10`` and the gateway at ``/gateway``; ``FakeDiscord.install`` points
discord.py at them. Tests drive the bot the way users would (``slash``, ``autocomplete``,
``click``, ``select``, ``message_command``) and read back what it sent. Payloads that real Discord
would refuse are refused here too (see ``limits``) and recorded, as is every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, NamedTuple, Self

import discord
import yarl
from aiohttp import BodyPartReader, WSMsgType, web

from . import limits

Json = dict[str, Any]
OptionValues = Mapping[str, Any] | Sequence[Json] | None

API = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000
HEARTBEAT_INTERVAL_MS = 41_250
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
NONCE_WINDOW = timedelta(minutes=5)  # how long Discord remembers an enforced nonce
EPHEMERAL = 1 << 6
LOADING = 1 << 7  # a deferred response that is still "thinking"
ADMINISTRATOR = 1 << 3
FORUM = 15  # the channel type of a forum
USER_INSTALL_FOLLOWUPS = 5  # follow-ups a user-installed app may send to one interaction
# What a user-installed app may do where it is not a member: embed, attach, use emoji.
USER_INSTALL_PERMISSIONS = discord.Permissions(
    embed_links=True, attach_files=True, use_external_emojis=True, send_messages=True
).value
# What @everyone may do in the fake guilds, and what the bot may do in every channel.
TEXT_PERMISSIONS = (discord.Permissions.text() | discord.Permissions(view_channel=True)).value
# The callback types Discord accepts per interaction type: command, component, autocomplete.
CALLBACK_TYPES = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}}
# Python types of option values: string, integer, boolean, number.
OPTION_TYPES: dict[int, tuple[type, ...]] = {3: (str,), 4: (int,), 5: (bool,), 10: (int, float)}


@dataclass(frozen=True)
class User:
    """A Discord user; ``bot=True`` for the application's own bot user."""

    id: int
    name: str
    bot: bool = False

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
        }


@dataclass(frozen=True)
class Channel:
    """A guild channel: text (``kind`` 0) or forum (15)."""

    id: int
    name: str
    position: int = 0
    kind: int = 0

    def payload(self, guild_id: int) -> Json:
        payload: Json = {
            "id": str(self.id),
            "type": self.kind,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": self.position,
        }
        if self.kind == FORUM:
            payload |= {"available_tags": [], "default_sort_order": None, "flags": 0}
        return payload


@dataclass
class Thread:
    """A public thread: started from a message (its id is the message's), or a forum post
    (its first message has the thread's id)."""

    id: int
    parent_id: int
    guild_id: int
    owner_id: int
    name: str
    message_count: int = 0
    archived: bool = False
    # When it was last archived or unarchived (Discord's `archive_timestamp`).
    archive_timestamp: datetime = field(default_factory=lambda: datetime.now(UTC))

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "type": 11,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "last_message_id": None,
            "message_count": self.message_count,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": self.archived,
                "auto_archive_duration": 10080,
                "archive_timestamp": self.archive_timestamp.isoformat(),
                "locked": False,
            },
        }


@dataclass(frozen=True)
class Role:
    """A guild role; ``permissions`` is the permission bit field."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
        }


@dataclass(frozen=True)
class Elsewhere:
    """Where a reader uses the app they installed to their account, without the bot: a DM
    with the bot (context 1), a group DM or a DM between users (context 2), or a server the
    bot is not in (context 0, ``guild_id`` set). The bot can reach it only through the
    interaction's webhook."""

    context: int
    channel: Channel
    guild_id: int | None = None

    def channel_payload(self) -> Json:
        if self.guild_id is not None:
            return self.channel.payload(self.guild_id) | {"permissions": "0"}
        kind = 1 if self.context == 1 else 3  # a DM with the bot, or a group DM
        return {"id": str(self.channel.id), "type": kind, "name": self.channel.name}


@dataclass
class Guild:
    """A guild; the @everyone role (whose id is the guild's id) is added if missing."""

    id: int
    name: str
    channels: list[Channel]
    roles: list[Role] = field(default_factory=list)
    preferred_locale: str = "en-US"

    def __post_init__(self) -> None:
        if all(role.id != self.id for role in self.roles):
            self.roles.insert(0, Role(self.id, "@everyone", TEXT_PERMISSIONS))

    def payload(self, owner: User) -> Json:
        """The guild as ``GET /guilds/{id}`` returns it."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(owner.id),
            "preferred_locale": self.preferred_locale,
            "roles": [role.payload() for role in self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
        }

    def create_payload(self, owner: User, bot: User) -> Json:
        """The guild as GUILD_CREATE sends it: with its channels and the bot's own member."""
        return self.payload(owner) | {
            "unavailable": False,
            "member_count": 2,
            "channels": [channel.payload(self.id) for channel in self.channels],
            "members": [_member_payload(bot)],
            "threads": [],
        }


@dataclass
class Message:
    """A message as the fake stores it; ``edits`` holds the body of every later edit."""

    id: int
    channel_id: int
    guild_id: int
    author: User
    content: str = ""
    embeds: list[Json] = field(default_factory=list)
    components: list[Json] = field(default_factory=list)
    attachments: list[Json] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: Json | None = None  # None: the request sent no allowed_mentions
    nonce: str | None = None
    webhook_id: int | None = None  # set on interaction responses, as on Discord
    interaction_metadata: Json | None = None  # who ran the command this message answers
    elsewhere: Elsewhere | None = None  # sent to a user-install interaction outside the bot
    edits: list[Json] = field(default_factory=list)
    edited_at: datetime | None = None
    deleted: bool = False
    poll: Json | None = None  # as sent, with answer ids
    votes: dict[int, set[int]] = field(default_factory=dict)  # answer id -> voters
    thread: Thread | None = None  # the thread started from this message

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(((self.id >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def edit(self, body: Json, attachments: list[Json]) -> None:
        """Apply an edit: a PATCH, or the follow-up that completes a deferred response."""
        self.edits.append(body)
        for key, empty in (("content", ""), ("embeds", []), ("components", [])):
            if key in body:
                setattr(self, key, body[key] or empty)
        if "allowed_mentions" in body:
            self.allowed_mentions = body["allowed_mentions"]
        if "attachments" in body:  # lists the existing attachments the edit keeps
            kept = {str(attachment["id"]) for attachment in body["attachments"]}
            self.attachments = [a for a in self.attachments if a["id"] in kept]
        self.attachments += attachments
        self.flags &= ~LOADING
        self.edited_at = datetime.now(UTC)

    def payload(self) -> Json:
        payload = {
            "id": str(self.id),
            "type": 0,
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": self.attachments,
            "flags": self.flags,
            "nonce": self.nonce,
            "mentions": [],
            "mention_roles": [],
            "timestamp": self.created_at.isoformat(),
            "edited_timestamp": self.edited_at.isoformat() if self.edited_at else None,
        }
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
        if self.interaction_metadata is not None:
            payload["interaction_metadata"] = self.interaction_metadata
        if self.thread is not None:
            payload["thread"] = self.thread.payload()
        if self.poll is not None:
            counts = [
                {"id": answer_id, "count": len(voters), "me_voted": False}
                for answer_id, voters in sorted(self.votes.items())
                if voters
            ]
            payload["poll"] = self.poll | {
                "results": {"is_finalized": False, "answer_counts": counts}
            }
        return payload


@dataclass
class FakeInteraction:
    """An interaction the fake dispatched, and everything the bot answered to it."""

    fake: FakeDiscord = field(repr=False)
    id: int
    token: str
    payload: Json  # the INTERACTION_CREATE data as dispatched
    deadline: float  # time.monotonic() by which the initial callback must arrive
    source: Message | None = None  # the message whose component was used
    callback: Json | None = None  # the accepted initial callback: {"type": N, "data": {...}}
    message: Message | None = None  # the original response (for components: the source message)
    followups: list[Message] = field(default_factory=list)

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback["type"])

    @property
    def choices(self) -> list[Json]:
        """The choices of an autocomplete answer."""
        return list(((self.callback or {}).get("data") or {}).get("choices", []))

    @property
    def expired(self) -> bool:
        """True if the bot missed the window (3 s on Discord) for its initial callback."""
        return self.callback is None and time.monotonic() > self.deadline

    def describe(self) -> str:
        """The command name or custom_id, for messages."""
        data = self.payload["data"]
        return str(data.get("name") or data.get("custom_id"))

    async def wait(self, timeout: float = 5.0, *, edited: bool = False) -> Self:
        """Wait for the initial callback; with ``edited``, until the response was edited."""

        def done() -> bool:
            if edited:
                return self.message is not None and bool(self.message.edits)
            return self.callback is not None

        try:
            await self.fake.wait_until(done, timeout)
        except TimeoutError:
            wanted = "edit of its response" if edited else "initial callback"
            raise TimeoutError(
                f"interaction {self.describe()!r} got no {wanted} within {timeout} s"
                f" (expired: {self.expired}); problems: {self.fake.problems()}"
            ) from None
        return self


class RecordedRequest(NamedTuple):
    """One REST request; ``json`` is the JSON body (or a multipart ``payload_json``)."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any


class Rejection(NamedTuple):
    """A request the fake refused because real Discord would have."""

    method: str
    path: str
    errors: list[str]


@dataclass
class _Call:
    """A REST request as the handlers see it."""

    method: str
    path: str
    query: Mapping[str, str]
    body: Any
    files: list[Json]  # attachments made from the uploaded files
    params: dict[str, str] = field(default_factory=dict)  # the route's {placeholders}


@dataclass
class _Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: Json
    headers: dict[str, str]


class _Failure(Exception):
    """Raised by a handler to answer with a Discord error; ``errors`` make it a rejection."""

    def __init__(self, status: int, code: int, message: str, errors: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, list(errors)

    def response(self) -> web.Response:
        body: Json = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = _error_tree(self.errors)
        return _json(body, self.status)


class FakeDiscord:
    """One application with its bot user, guilds, and a default member who uses the bot.

    ``async with FakeDiscord() as fake:`` starts the server and installs it into discord.py.
    Without ``guilds`` there is one guild with the channels #general and #papers.
    ``response_window`` is the time a bot has for its initial interaction callback.
    ``shard_count`` is what ``GET /gateway/bot`` recommends and the count every IDENTIFY must
    carry; each guild's events go to its shard's session.
    """

    def __init__(
        self,
        *,
        bot: User | None = None,
        application_id: int | None = None,
        guilds: Sequence[Guild] | None = None,
        response_window: float = 3.0,
        shard_count: int = 1,
    ) -> None:
        self._last_id = 0
        self.bot = bot or User(self.new_id(), "ReadingList", bot=True)
        # Applications created since 2019 share their id with their bot user.
        self.application_id = application_id or self.bot.id
        self.owner = User(self.new_id(), "owner")
        self.member = User(self.new_id(), "reader")
        self.guilds = list(guilds) if guilds else [self._default_guild()]
        self.response_window = response_window
        self.gateway = Gateway(self, shard_count)
        self.requests: list[RecordedRequest] = []
        self.rejections: list[Rejection] = []
        self.unknown_routes: list[str] = []
        self.messages: dict[int, Message] = {}
        self.elsewheres: dict[int, Elsewhere] = {}  # by channel id
        self.files: dict[str, bytes] = {}  # uploaded attachments by id
        self.forbidden: list[str] = []  # requests the bot could not make where it is not
        self.threads: dict[int, Thread] = {}
        # Permissions the bot lacks, by channel id: "create_public_threads", "send_polls",
        # "read_message_history" (only listing archived threads checks it).
        self.denied: dict[int, set[str]] = {}
        self.interactions: list[FakeInteraction] = []
        self.commands: dict[int | None, list[Json]] = {}  # synced, by guild id (None: global)
        # Commands a server admin opened to everyone in Server Settings > Integrations, which
        # overrides default_member_permissions: the bot must check permissions itself too.
        self.opened_to_everyone: set[str] = set()
        self._faults: list[_Fault] = []
        self._nonces: dict[tuple[int, str], Message] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._installed = contextlib.ExitStack()
        self.port = 0
        routes: list[tuple[str, str, Callable[[_Call], web.Response]]] = [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("POST", "/interactions/{interaction}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("POST", "/channels/{channel}/messages", self._create_message),
            ("POST", "/channels/{channel}/messages/{message}/threads", self._thread_from_message),
            ("POST", "/channels/{channel}/threads", self._forum_post),
            ("GET", "/guilds/{guild}/threads/active", self._active_threads),
            ("GET", "/channels/{channel}/threads/archived/public", self._archived_threads),
            ("GET", "/channels/{channel}", self._get_channel),
            ("GET", "/guilds/{guild}", self._get_guild),
        ]
        for method in ("GET", "PATCH", "DELETE"):
            routes.append((method, "/webhooks/{app}/{token}/messages/{message}", self._webhook_msg))
            routes.append((method, "/channels/{channel}/messages/{message}", self._channel_msg))
        self._routes = [
            (method, re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)), handler)
            for method, path, handler in routes
        ]

    def new_id(self) -> int:
        """A fresh snowflake whose timestamp is now, so discord.py's ``created_at`` is right."""
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_id = max(self._last_id + 1, now)
        return self._last_id

    def _default_guild(self) -> Guild:
        channels = [Channel(self.new_id(), "general", 0), Channel(self.new_id(), "papers", 1)]
        return Guild(self.new_id(), "Reading Group", channels)

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Serve on an ephemeral port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", API + "/{path:.*}", self._rest)
        app.router.add_get("/gateway", self.gateway.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Stop serving (and undo ``install`` if ``async with`` did it)."""
        self._installed.close()
        self.gateway.held.clear()
        self.gateway.drop()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        self._installed.enter_context(self.install())
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def install(self) -> Iterator[None]:
        """Point discord.py's REST base and gateway at this fake; restore them afterwards."""
        websocket = discord.gateway.DiscordWebSocket
        old = discord.http.Route.BASE, websocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.url + API
        websocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE, websocket.DEFAULT_GATEWAY = old

    # -- what tests read ------------------------------------------------------------------

    @property
    def identify_payloads(self) -> list[Json]:
        return self.gateway.identify_payloads

    @property
    def resume_payloads(self) -> list[Json]:
        return self.gateway.resume_payloads

    def synced_commands(self, guild: Guild | int | None = None) -> list[Json]:
        """The commands last synced globally, or to ``guild``, as the fake echoed them."""
        return self.commands.get(guild.id if isinstance(guild, Guild) else guild, [])

    def channel(
        self, ref: Channel | int | str | None = None, guild: Guild | None = None
    ) -> Channel:
        """A channel by object, id or name; by default the first channel of ``guild``."""
        return self._locate(ref, guild)[1]

    def channel_messages(self, channel: Channel | int | str) -> list[Message]:
        """The messages in ``channel`` that were not deleted, oldest first."""
        channel_id = self.channel(channel).id
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted]

    def pinged(self, message: Message) -> bool:
        """True if ``message`` would notify anyone, given the allowed_mentions it was sent with."""
        return limits.would_ping(message.content, message.allowed_mentions)

    def problems(self) -> list[str]:
        """What real Discord would have refused, unknown routes, and expired interactions."""
        return [
            *(f"rejected {r.method} {r.path}: {'; '.join(r.errors)}" for r in self.rejections),
            *(f"no such route: {route}" for route in self.unknown_routes),
            *(f"interaction {i.describe()!r} expired" for i in self.interactions if i.expired),
            *(f"IDENTIFY refused: {why}" for why in self.gateway.refused_identify),
            *self.forbidden,
        ]

    def elsewhere(self, context: int, *, guild_id: int | None = None) -> Elsewhere:
        """A place the bot is not in, where a reader may use the app installed to their
        account (see ``Elsewhere``)."""
        if context not in (0, 1, 2) or (context == 0) != (guild_id is not None):
            raise ValueError("context 0 needs a guild_id; contexts 1 and 2 have none")
        place = Elsewhere(context, Channel(self.new_id(), f"elsewhere-{context}"), guild_id)
        self.elsewheres[place.channel.id] = place
        return place

    def deny(self, channel: Channel | int | str, permission: str) -> None:
        """Take a permission ("create_public_threads", "send_polls", "read_message_history")
        from the bot in a channel."""
        self.denied.setdefault(self.channel(channel).id, set()).add(permission)

    def vote(self, message: Message, answer_id: int, user: User | None = None) -> None:
        """A member votes for answer ``answer_id`` (from 1) of the poll in ``message``."""
        if message.poll is None:
            raise ValueError(f"message {message.id} has no poll")
        voter = (user or self.member).id
        if not message.poll.get("allow_multiselect"):
            for voters in message.votes.values():
                voters.discard(voter)
        message.votes.setdefault(answer_id, set()).add(voter)

    def archive(self, thread: Thread) -> None:
        """Archive a thread, as Discord does after its inactivity period: it leaves the
        guild's active threads (and is in no cache of a bot started after it)."""
        thread.archived = True
        thread.archive_timestamp = datetime.now(UTC)

    def thread_messages(self, thread: Thread) -> list[Message]:
        """The messages in a thread, oldest first."""
        return [m for m in self.messages.values() if m.channel_id == thread.id and not m.deleted]

    def attachment_data(self, attachment: Json) -> bytes:
        """The bytes of an uploaded attachment."""
        return self.files[str(attachment["id"])]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` holds; it is checked after every request and gateway event."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- driving the bot ------------------------------------------------------------------

    async def slash(
        self,
        name: str,
        options: OptionValues = None,
        *,
        user: User | None = None,
        guild: Guild | None = None,
        channel: Channel | int | str | None = None,
        locale: str = "en-US",
        permissions: str = "0",
        elsewhere: Elsewhere | None = None,
    ) -> FakeInteraction:
        """Run the synced slash command ``name`` ("group sub" for subcommands) as ``user``.

        ``options`` maps option names to values (a channel option takes a Channel, id or name);
        a list is sent as raw option payloads. Types and choices come from the synced command.
        With ``elsewhere``, the reader runs it from the app installed to their account, in a
        place the bot is not in: only global commands synced for user installs and that
        context can be run there.
        """
        command, *path = name.split()
        if elsewhere is not None:
            spec = self._synced_for_user_install(command, 1, elsewhere)
            data = _command_data(spec)
            data["options"] = self._options(spec, path, options, {}, self.guilds[0])
            return await self._interact_elsewhere(2, data, user, elsewhere, locale, permissions)
        guild, chosen = self._locate(channel, guild)
        spec = self._synced(command, 1, guild, permissions)
        resolved: Json = {}
        data = _command_data(spec)
        data["options"] = self._options(spec, path, options, resolved, guild)
        if resolved:
            data["resolved"] = resolved
        return await self._interact(2, data, user, guild, chosen, locale, permissions)

    async def autocomplete(
        self,
        name: str,
        focused_option: str,
        value: str,
        other_options: Mapping[str, Any] | None = None,
        *,
        user: User | None = None,
        guild: Guild | None = None,
        channel: Channel | int | str | None = None,
        locale: str = "en-US",
        permissions: str = "0",
        timeout: float = 5.0,
    ) -> list[Json]:
        """Type ``value`` into ``focused_option`` of ``name``; return the choices the bot offers."""
        guild, chosen = self._locate(channel, guild)
        command, *path = name.split()
        spec = self._synced(command, 1, guild, permissions)
        data = _command_data(spec)
        focused = (focused_option, value)
        data["options"] = self._options(spec, path, other_options, {}, guild, focused)
        interaction = await self._interact(4, data, user, guild, chosen, locale, permissions)
        return (await interaction.wait(timeout)).choices

    async def click(
        self,
        message: Message,
        custom_id: str,
        *,
        user: User | None = None,
        locale: str = "en-US",
        permissions: str = "0",
    ) -> FakeInteraction:
        """Press the button ``custom_id`` on ``message``."""
        button = _find_component(message, custom_id)
        if button["type"] != 2 or button.get("disabled") or button.get("style") == 5:
            raise ValueError(f"{custom_id!r} is not an enabled button: {button}")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._component_interaction(message, data, user, locale, permissions)

    async def select(
        self,
        message: Message,
        custom_id: str,
        values: Sequence[str],
        *,
        user: User | None = None,
        locale: str = "en-US",
        permissions: str = "0",
    ) -> FakeInteraction:
        """Pick ``values`` in the string select menu ``custom_id`` on ``message``."""
        menu = _find_component(message, custom_id)
        if menu["type"] != 3 or menu.get("disabled"):
            raise ValueError(f"{custom_id!r} is not an enabled string select: {menu}")
        offered = {option["value"] for option in menu.get("options", [])}
        if not set(values) <= offered:
            raise ValueError(f"{sorted(set(values) - offered)} are not options of {custom_id!r}")
        if not menu.get("min_values", 1) <= len(values) <= menu.get("max_values", 1):
            raise ValueError(f"{custom_id!r} does not take {len(values)} values")
        data = {"custom_id": custom_id, "component_type": 3, "values": list(values)}
        return await self._component_interaction(message, data, user, locale, permissions)

    async def message_command(
        self,
        name: str,
        target_message: Message,
        *,
        user: User | None = None,
        locale: str = "en-US",
        permissions: str = "0",
    ) -> FakeInteraction:
        """Run the message context menu ``name`` on ``target_message``."""
        guild, channel = self._locate(target_message.channel_id, None)
        data = _command_data(self._synced(name, 3, guild, permissions))
        data["target_id"] = str(target_message.id)
        data["resolved"] = {"messages": {str(target_message.id): target_message.payload()}}
        return await self._interact(2, data, user, guild, channel, locale, permissions)

    def user_message(
        self, content: str, *, user: User | None = None, channel: Channel | int | str | None = None
    ) -> Message:
        """Store a message a user posted (no gateway event), e.g. as a context menu target."""
        guild, chosen = self._locate(channel, None)
        message = Message(self.new_id(), chosen.id, guild.id, user or self.member, content)
        self.messages[message.id] = message
        return message

    async def _component_interaction(
        self, message: Message, data: Json, user: User | None, locale: str, permissions: str
    ) -> FakeInteraction:
        if message.deleted:
            raise ValueError(f"message {message.id} was deleted")
        if message.elsewhere is not None:
            where = message.elsewhere
            return await self._interact_elsewhere(
                3, data, user, where, locale, permissions, message
            )
        guild, channel = self._locate(message.channel_id, None)
        return await self._interact(3, data, user, guild, channel, locale, permissions, message)

    async def _interact(
        self,
        kind: int,
        data: Json,
        user: User | None,
        guild: Guild,
        channel: Channel,
        locale: str,
        permissions: str,
        source: Message | None = None,
    ) -> FakeInteraction:
        # Every field here is read unconditionally by discord.py: one missing kills its
        # gateway loop, not just this interaction.
        interaction_id = self.new_id()
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": secrets.token_hex(24),
            "version": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "data": data,
            "guild_id": str(guild.id),
            "channel_id": str(channel.id),
            "channel": channel.payload(guild.id) | {"permissions": permissions},
            "member": _member_payload(user or self.member, permissions),
            "locale": locale,
            "guild_locale": guild.preferred_locale,
            "app_permissions": str(TEXT_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
        }
        if source is not None:
            payload["message"] = source.payload()  # without it discord.py drops the click
        deadline = time.monotonic() + self.response_window
        interaction = FakeInteraction(
            self, interaction_id, payload["token"], payload, deadline, source
        )
        self.interactions.append(interaction)
        await self.gateway.dispatch("INTERACTION_CREATE", payload, guild.id)
        return interaction

    async def _interact_elsewhere(
        self,
        kind: int,
        data: Json,
        user: User | None,
        where: Elsewhere,
        locale: str,
        permissions: str,
        source: Message | None = None,
    ) -> FakeInteraction:
        """An interaction from a user install where the bot is not: authorised by the user
        (``{"1": user_id}``), ``user`` instead of ``member`` outside servers."""
        who = user or self.member
        interaction_id = self.new_id()
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": secrets.token_hex(24),
            "version": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "data": data,
            "channel_id": str(where.channel.id),
            "channel": where.channel_payload(),
            "locale": locale,
            # What Discord lets a user-installed app do where it is no member: answer.
            "app_permissions": str(USER_INSTALL_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"1": str(who.id)},
            "context": where.context,
        }
        if where.guild_id is not None:
            payload["guild_id"] = str(where.guild_id)
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": str(where.guild_id), "locale": "en-US", "features": []}
            payload["member"] = _member_payload(who, permissions)
        else:
            payload["user"] = who.payload()
        if source is not None:
            payload["message"] = source.payload()
        deadline = time.monotonic() + self.response_window
        interaction = FakeInteraction(
            self, interaction_id, payload["token"], payload, deadline, source
        )
        self.interactions.append(interaction)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _synced_for_user_install(self, name: str, kind: int, where: Elsewhere) -> Json:
        """A global command a user install may run in ``where``: Discord offers only those
        synced with integration type 1 (user install) and that context."""
        for spec in self.commands.get(None, []):
            if spec["name"] == name and spec["type"] == kind:
                if 1 not in (spec.get("integration_types") or [0]):
                    raise PermissionError(f"{name!r} is not available to user installs")
                if where.context not in (spec.get("contexts") or [0, 1, 2]):
                    raise PermissionError(f"{name!r} is not available in context {where.context}")
                return spec
        raise LookupError(f"command {name!r} (type {kind}) was never synced globally")

    def _locate(
        self, ref: Channel | int | str | None, guild: Guild | None
    ) -> tuple[Guild, Channel]:
        """Find a channel (object, id or name) and its guild; default: the guild's first channel."""
        guilds = [guild] if guild else self.guilds
        for candidate in guilds:
            for channel in sorted(candidate.channels, key=lambda c: c.position):
                if ref is None or ref in (channel, channel.id, channel.name):
                    return candidate, channel
        raise LookupError(f"no channel {ref!r} in {[g.name for g in guilds]}")

    def _synced(self, name: str, kind: int, guild: Guild, permissions: str) -> Json:
        """The synced command of that name and type, if a member of ``guild`` can see it."""
        for scope in (guild.id, None):
            for spec in self.commands.get(scope, []):
                if spec["name"] == name and spec["type"] == kind:
                    if name not in self.opened_to_everyone:
                        _check_visible(spec, int(permissions))
                    return spec
        raise LookupError(f"command {name!r} (type {kind}) was never synced; sync the tree first")

    def _options(
        self,
        spec: Json,
        path: list[str],
        given: OptionValues,
        resolved: Json,
        guild: Guild,
        focused: tuple[str, str] | None = None,
    ) -> list[Json]:
        """Option payloads for ``given`` values, nested under the subcommands in ``path``;
        for autocomplete, ``focused`` is the option being typed in and its partial value."""
        if path:
            sub = _option_spec(spec, path[0])
            if sub["type"] not in (1, 2):
                raise ValueError(f"{path[0]!r} is not a subcommand or group of {spec['name']!r}")
            options = self._options(sub, path[1:], given, resolved, guild, focused)
            return [{"name": sub["name"], "type": sub["type"], "options": options}]
        if given is not None and not isinstance(given, Mapping):
            return list(given)
        given = given or {}
        options = [
            self._option(_option_spec(spec, key), value, resolved, guild)
            for key, value in given.items()
        ]
        if focused is not None:
            # Discord sends what the user has typed so far, as a string, whatever the type.
            name, partial = focused
            option = _option_spec(spec, name)
            if not option.get("autocomplete"):
                raise ValueError(f"option {name!r} of {spec['name']!r} has no autocomplete")
            options.append(
                {"name": name, "type": option["type"], "value": partial, "focused": True}
            )
            return options
        required = [option["name"] for option in spec.get("options", []) if option.get("required")]
        missing = [name for name in required if name not in given]
        if missing:
            raise ValueError(f"{spec['name']!r} needs the options {missing}")
        return options

    def _option(self, spec: Json, value: Any, resolved: Json, guild: Guild) -> Json:
        kind = spec["type"]
        if kind == 7:  # a channel: discord.py reads it from data.resolved
            _, channel = self._locate(value, guild)
            entry = channel.payload(guild.id) | {"permissions": str(TEXT_PERMISSIONS)}
            resolved.setdefault("channels", {})[str(channel.id)] = entry
            value = str(channel.id)
        elif kind not in OPTION_TYPES:
            raise TypeError(f"option type {kind} of {spec['name']!r} is not supported by the fake")
        elif not isinstance(value, OPTION_TYPES[kind]) or (isinstance(value, bool) and kind != 5):
            raise TypeError(f"option {spec['name']!r} (type {kind}) cannot take {value!r}")
        choices = [choice["value"] for choice in spec.get("choices", [])]
        if choices and value not in choices:
            raise ValueError(f"{value!r} is not one of the choices of {spec['name']!r}: {choices}")
        return {"name": spec["name"], "type": kind, "value": value}

    # -- fault injection ------------------------------------------------------------------

    def rate_limit_next(self, method: str, path: str, retry_after: float = 0.2) -> None:
        """Answer the next ``method`` request whose path matches regex ``path`` with a 429."""
        headers = {
            "Via": "1.1 google",  # without it discord.py takes a 429 for a Cloudflare ban
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Limit": "1",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Scope": "user",
        }
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        self._faults.append(_Fault(method.upper(), re.compile(path), 429, body, headers))

    def fail_next(self, method: str, path: str, status: int, code: int, message: str) -> None:
        """Answer the next matching request with an error, e.g. 403 / 50013 Missing Permissions."""
        body = {"message": message, "code": code}
        self._faults.append(_Fault(method.upper(), re.compile(path), status, body, {}))

    async def drop_gateway(self, shard_id: int | None = None, *, hold: bool = False) -> None:
        """Cut the gateway connection (of one shard, or every one) without a close frame;
        the client should RESUME. With `hold`, that shard stays down until
        ``release_gateway(shard_id)`` (see ``Gateway.hold``)."""
        if hold and shard_id is not None:
            self.gateway.hold(shard_id)
        self.gateway.drop(shard_id)

    def release_gateway(self, shard_id: int) -> None:
        """Let a held shard's connection come back (its next attempt is accepted)."""
        self.gateway.release(shard_id)

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9; unless ``resumable``, the session is gone and the client must IDENTIFY."""
        await self.gateway.invalidate(resumable)

    # -- REST -----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        """Every REST request: record it, then answer with a pending fault or its handler."""
        path = request.path.removeprefix(API)
        body, files = await self._read_body(request)
        self.requests.append(RecordedRequest(request.method, path, dict(request.query), body))
        call = _Call(request.method, path, request.query, body, files)
        try:
            if len(files) > limits.MESSAGE_FILES:
                raise _Failure(400, 50035, "Invalid Form Body", [limits.too_many_files(files)])
            response = self._answer(call)
        except (LookupError, TypeError, ValueError) as error:
            # A body the fake cannot read: refuse it as Discord would. (A 500 would make
            # discord.py retry for 25 s.)
            unreadable = f"body: the fake cannot read it: {error!r}"
            response = self._refuse(call, _Failure(400, 50035, "Invalid Form Body", [unreadable]))
        except _Failure as failure:
            response = self._refuse(call, failure)
        await self._notify()
        return response

    def _refuse(self, call: _Call, failure: _Failure) -> web.Response:
        if failure.errors:
            self.rejections.append(Rejection(call.method, call.path, failure.errors))
        return failure.response()

    def _answer(self, call: _Call) -> web.Response:
        for fault in self._faults:
            if fault.method == call.method and fault.path.search(call.path):
                self._faults.remove(fault)
                return _json(fault.body, fault.status, fault.headers)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(call.path)
            if match and method == call.method:
                call.params = match.groupdict()
                return handler(call)
        self.unknown_routes.append(f"{call.method} {call.path}")
        raise _Failure(404, 0, "404: Not Found")

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Json]]:
        """The JSON body (plain, or multipart ``payload_json``) and attachments for the files."""
        if request.content_type != "multipart/form-data":
            text = await request.text()
            return (json.loads(text) if text else None), []
        body, files = None, []
        async for part in await request.multipart():
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
                continue
            attachment_id, filename = self.new_id(), part.filename or "file"
            url = f"{self.url}/attachments/{attachment_id}/{filename}"
            data = bytes(await part.read())
            self.files[str(attachment_id)] = data
            size = len(data)
            files.append(
                {"id": str(attachment_id), "filename": filename, "size": size, "url": url}
                | {"proxy_url": url}
            )
        return body, files

    def _get_me(self, call: _Call) -> web.Response:
        return _json(self.bot.payload())

    def _get_gateway_bot(self, call: _Call) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.gateway.shard_count,
                "session_start_limit": limit,
            }
        )

    def _get_application(self, call: _Call) -> web.Response:
        return _json(
            {
                "id": str(self.application_id),
                "name": self.bot.name,
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.owner.payload(),
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    def _command_scope(self, call: _Call) -> int | None:
        if call.params["app"] != str(self.application_id):
            raise _Failure(404, 10002, "Unknown Application")
        guild = call.params.get("guild")
        return int(guild) if guild else None

    def _get_commands(self, call: _Call) -> web.Response:
        return _json(self.commands.get(self._command_scope(call), []))

    def _put_commands(self, call: _Call) -> web.Response:
        scope = self._command_scope(call)
        _check(limits.command_errors(call.body))
        previous = {(c["type"], c["name"]): c for c in self.commands.get(scope, [])}
        self.commands[scope] = [self._registered(command, scope, previous) for command in call.body]
        return _json(self.commands[scope])

    def _registered(self, command: Json, scope: int | None, previous: Mapping[Any, Json]) -> Json:
        """A command as Discord echoes it: with defaults the client left out (context menus
        come without a description) and an id that survives later overwrites."""
        echoed = {"type": 1, "description": "", "default_member_permissions": None} | command
        old = previous.get((echoed["type"], echoed["name"]))
        changed = old is None or any(old.get(key) != value for key, value in echoed.items())
        echoed["id"] = old["id"] if old else str(self.new_id())
        echoed["version"] = old["version"] if old and not changed else str(self.new_id())
        echoed["application_id"] = str(self.application_id)
        if scope is not None:
            echoed["guild_id"] = str(scope)
        return echoed

    def _callback(self, call: _Call) -> web.Response:
        interaction = next(
            (i for i in self.interactions if str(i.id) == call.params["interaction"]), None
        )
        if interaction is None or interaction.token != call.params["token"] or interaction.expired:
            raise _Failure(404, 10062, "Unknown interaction")
        if interaction.callback is not None:
            raise _Failure(400, 40060, "Interaction has already been acknowledged.")
        kind, data = call.body["type"], call.body.get("data") or {}
        errors = limits.callback_errors(call.body)
        if kind not in CALLBACK_TYPES[interaction.payload["type"]]:
            errors.append(f"type: Callback type {kind} is not valid for this interaction.")
        _check(errors)
        if kind == 4:
            _check_not_empty(data, call.files)
        interaction.callback = call.body
        channel_id = int(interaction.payload["channel_id"])
        if kind == 4:
            interaction.message = self._store(channel_id, data, call.files, webhook=True)
        elif kind == 5:
            loading = {"flags": ((data.get("flags") or 0) & EPHEMERAL) | LOADING}
            interaction.message = self._store(channel_id, loading, [], webhook=True)
        if kind in (4, 5) and interaction.message is not None:
            payload = interaction.payload
            user = (payload.get("member") or {}).get("user") or payload.get("user")
            interaction.message.interaction_metadata = {
                "id": str(interaction.id),
                "type": payload["type"],
                "user": user,
                "authorizing_integration_owners": {},
            }
        elif kind in (6, 7):
            interaction.message = interaction.source
            if kind == 7 and interaction.message is not None:
                interaction.message.edit(data, call.files)
        if kind == 8:
            return web.Response(status=204)
        return _json(_callback_response(interaction, kind))

    def _store(
        self, channel_id: int, body: Json, attachments: list[Json], *, webhook: bool
    ) -> Message:
        """Store a new message from the bot; ``webhook`` for responses to interactions."""
        where = self.elsewheres.get(channel_id)
        if where is not None:
            guild_id = where.guild_id or 0
        elif channel_id in self.threads:
            guild_id = self.threads[channel_id].guild_id
        else:
            guild_id = self._locate(channel_id, None)[0].id
        message = Message(
            self.new_id(),
            channel_id,
            guild_id,
            self.bot,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            attachments=attachments,
            flags=body.get("flags") or 0,
            allowed_mentions=body.get("allowed_mentions"),
            nonce=body.get("nonce"),
            webhook_id=self.application_id if webhook else None,
            elsewhere=where,
            poll=body.get("poll"),
        )
        self.messages[message.id] = message
        return message

    def _webhook_interaction(self, call: _Call) -> FakeInteraction:
        interaction = next((i for i in self.interactions if i.token == call.params["token"]), None)
        # The token only works once the interaction was acknowledged in time.
        mine = call.params["app"] == str(self.application_id)
        if interaction is None or interaction.callback is None or not mine:
            raise _Failure(404, 10015, "Unknown Webhook")
        return interaction

    def _followup(self, call: _Call) -> web.Response:
        interaction = self._webhook_interaction(call)
        owners = interaction.payload.get("authorizing_integration_owners") or {}
        if "0" not in owners and len(interaction.followups) >= USER_INSTALL_FOLLOWUPS:
            errors = [f"followups: at most {USER_INSTALL_FOLLOWUPS} for a user install"]
            raise _Failure(400, 40094, "Maximum number of follow-up messages reached", errors)
        _check(limits.message_errors(call.body))
        _check_not_empty(call.body, call.files)
        original = interaction.message
        if original is not None and original.flags & LOADING:
            # Discord makes the first follow-up after a deferral the deferred response itself.
            original.edit(call.body, call.files)
            message = original
        else:
            channel_id = int(interaction.payload["channel_id"])
            message = self._store(channel_id, call.body, call.files, webhook=True)
            interaction.followups.append(message)
        if call.query.get("wait") not in ("1", "true", "True"):
            return web.Response(status=204)
        return _json(message.payload())

    def _webhook_msg(self, call: _Call) -> web.Response:
        interaction = self._webhook_interaction(call)
        message = interaction.message
        if call.params["message"] != "@original":
            sent = [interaction.message, *interaction.followups]
            message = next((m for m in sent if m and str(m.id) == call.params["message"]), None)
        return self._message_request(call, message)

    def _create_message(self, call: _Call) -> web.Response:
        thread = self.threads.get(int(call.params["channel"]))
        channel = self._channel_or_404(call) if thread is None else None
        if channel is not None and channel.kind == FORUM:
            raise _Failure(400, 50008, "Cannot send messages in a non-text channel")
        _check(limits.message_errors(call.body))
        _check_not_empty(call.body, call.files)
        channel_id = thread.id if thread is not None else channel.id  # type: ignore[union-attr]
        if call.body.get("poll") is not None and "send_polls" in self.denied.get(channel_id, ()):
            raise _Failure(403, 50013, "Missing Permissions")
        nonce = (channel_id, str(call.body.get("nonce")))
        enforced = bool(call.body.get("enforce_nonce")) and call.body.get("nonce") is not None
        seen = self._nonces.get(nonce) if enforced else None
        if seen is not None and datetime.now(UTC) - seen.created_at < NONCE_WINDOW:
            return _json(seen.payload())
        message = self._store(channel_id, call.body, call.files, webhook=False)
        if message.poll is not None:
            message.poll = self._sent_poll(message)
        if enforced:
            self._nonces[nonce] = message
        return _json(message.payload())

    def _sent_poll(self, message: Message) -> Json:
        """A poll as Discord keeps it: answers numbered from 1, an expiry."""
        poll = dict(message.poll or {})
        hours = float(poll.pop("duration", 24))
        poll["answers"] = [
            {"answer_id": n, **answer} for n, answer in enumerate(poll.get("answers", []), 1)
        ]
        poll["expiry"] = (message.created_at + timedelta(hours=hours)).isoformat()
        return poll

    def _thread_from_message(self, call: _Call) -> web.Response:
        channel = self._channel_or_404(call)
        message = self.messages.get(int(call.params["message"]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise _Failure(404, 10008, "Unknown Message")
        if "create_public_threads" in self.denied.get(channel.id, ()):
            raise _Failure(403, 50013, "Missing Permissions")
        _check(limits.thread_name_errors(call.body.get("name")))
        if message.thread is not None:
            raise _Failure(400, 160004, "A thread has already been created for this message")
        guild, _ = self._locate(channel.id, None)
        thread = Thread(message.id, channel.id, guild.id, self.bot.id, call.body["name"])
        self.threads[thread.id] = thread
        message.thread = thread
        return _json(thread.payload())

    def _forum_post(self, call: _Call) -> web.Response:
        forum = self._channel_or_404(call)
        if forum.kind != FORUM:
            raise _Failure(400, 50024, "Cannot execute action on this channel type")
        if "create_public_threads" in self.denied.get(forum.id, ()):
            raise _Failure(403, 50013, "Missing Permissions")
        first = call.body.get("message") or {}
        _check(limits.thread_name_errors(call.body.get("name")) + limits.message_errors(first))
        _check_not_empty(first, call.files)
        guild, _ = self._locate(forum.id, None)
        thread_id = self.new_id()
        thread = Thread(thread_id, forum.id, guild.id, self.bot.id, call.body["name"], 1)
        self.threads[thread_id] = thread
        message = self._store(thread_id, first, call.files, webhook=False)
        # A forum post's first message has the thread's id.
        del self.messages[message.id]
        message.id = thread_id
        self.messages[thread_id] = message
        return _json(thread.payload() | {"message": message.payload()})

    def _active_threads(self, call: _Call) -> web.Response:
        threads = [
            t
            for t in self.threads.values()
            if str(t.guild_id) == call.params["guild"] and not t.archived
        ]
        return _json({"threads": [t.payload() for t in threads], "members": []})

    def _archived_threads(self, call: _Call) -> web.Response:
        """A channel's archived public threads, most recently archived first, `limit` (2 to
        100, default 50) a page, those archived before `before` (an ISO8601 time) only."""
        channel = self._channel_or_404(call)
        if "read_message_history" in self.denied.get(channel.id, ()):
            raise _Failure(403, 50013, "Missing Permissions")
        limit = int(call.query.get("limit", 50))
        if not 2 <= limit <= 100:
            raise _Failure(400, 50035, "Invalid Form Body", ["limit: must be 2 to 100"])
        threads = sorted(
            (t for t in self.threads.values() if t.parent_id == channel.id and t.archived),
            key=lambda t: t.archive_timestamp,
            reverse=True,
        )
        if "before" in call.query:
            before = datetime.fromisoformat(call.query["before"])
            threads = [t for t in threads if t.archive_timestamp < before]
        page = threads[:limit]
        body = {
            "threads": [t.payload() for t in page],
            "members": [],
            "has_more": len(threads) > limit,
        }
        return _json(body)

    def _channel_msg(self, call: _Call) -> web.Response:
        thread = self.threads.get(int(call.params["channel"]))
        channel_id = thread.id if thread is not None else self._channel_or_404(call).id
        message = self.messages.get(int(call.params["message"]))
        # Ephemeral messages can only be reached through their interaction's webhook.
        if message is not None and (message.channel_id != channel_id or message.ephemeral):
            message = None
        return self._message_request(call, message)

    def _message_request(self, call: _Call, message: Message | None) -> web.Response:
        """GET, PATCH or DELETE one message."""
        if message is None or message.deleted:
            raise _Failure(404, 10008, "Unknown Message")
        if call.method == "DELETE":
            message.deleted = True
            return web.Response(status=204)
        if call.method == "PATCH":
            if message.author != self.bot:
                raise _Failure(403, 50005, "Cannot edit a message authored by another user")
            _check(limits.message_errors(call.body))
            message.edit(call.body, call.files)
        return _json(message.payload())

    def _channel_or_404(self, call: _Call) -> Channel:
        if int(call.params["channel"]) in self.elsewheres:
            self.forbidden.append(f"{call.method} {call.path}: the bot is not in that channel")
            raise _Failure(403, 50001, "Missing Access")
        try:
            return self._locate(int(call.params["channel"]), None)[1]
        except LookupError:
            raise _Failure(404, 10003, "Unknown Channel") from None

    def _get_channel(self, call: _Call) -> web.Response:
        thread = self.threads.get(int(call.params["channel"]))
        if thread is not None:
            return _json(thread.payload())
        guild, channel = self._locate(self._channel_or_404(call), None)
        return _json(channel.payload(guild.id))

    def _get_guild(self, call: _Call) -> web.Response:
        guild = next((g for g in self.guilds if str(g.id) == call.params["guild"]), None)
        if guild is None:
            raise _Failure(404, 10004, "Unknown Guild")
        return _json(guild.payload(self.owner))


class _Session:
    """One shard's gateway session: its socket, sequence numbers, and the events it sent."""

    def __init__(self, shard_id: int) -> None:
        self.shard_id = shard_id
        self.socket: tuple[web.WebSocketResponse, asyncio.Transport | None] | None = None
        self.sent: list[Json] = []  # every dispatch of this session, for RESUME
        self.session_id: str | None = None
        self.sequence = 0


class Gateway:
    """The websocket side: one session a shard (``shard_count`` of them, 1 unsharded), each
    with sequence numbers and replay of missed events on RESUME. A guild's events go to the
    session of its shard, ``(guild_id >> 22) % shard_count``, as Discord routes them."""

    def __init__(self, fake: FakeDiscord, shard_count: int = 1) -> None:
        self._fake = fake
        self.shard_count = shard_count
        self.sessions: dict[int, _Session] = {}
        self.identify_payloads: list[Json] = []
        self.resume_payloads: list[Json] = []
        self.refused_identify: list[str] = []  # why an IDENTIFY was refused (close 4010/4011)
        self.held: set[int] = set()  # shards kept down: no new connection is accepted

    @property
    def session_id(self) -> str | None:
        """Shard 0's session id (the only session of an unsharded client)."""
        return self._session(0).session_id

    def shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self.shard_count

    def _session(self, shard_id: int) -> _Session:
        return self.sessions.setdefault(shard_id, _Session(shard_id))

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        if self.held:
            raise web.HTTPServiceUnavailable()
        # The client asks for zlib-stream compression but reads plain text frames as well.
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        socket = (ws, request.transport)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        async for frame in ws:
            if frame.type is WSMsgType.TEXT:
                await self._receive(socket, json.loads(frame.data))
        for session in self.sessions.values():
            if session.socket is not None and session.socket[0] is ws:
                session.socket = None
        return ws

    async def _receive(
        self, socket: tuple[web.WebSocketResponse, asyncio.Transport | None], frame: Json
    ) -> None:
        op, data = frame["op"], frame.get("d") or {}
        if op == 1:
            await socket[0].send_json({"op": 11})
        elif op == 2:
            await self._identify(socket, data)
        elif op == 6:
            await self._resume(socket, data)

    async def _identify(
        self, socket: tuple[web.WebSocketResponse, asyncio.Transport | None], data: Json
    ) -> None:
        fake = self._fake
        self.identify_payloads.append(data)
        shard = data.get("shard")
        if shard is None and self.shard_count > 1:
            self.refused_identify.append("sharding required")
            await socket[0].close(code=4011, message=b"Sharding required.")
            return
        shard_id, count = shard if shard is not None else (0, 1)
        if count != self.shard_count or not 0 <= shard_id < count:
            self.refused_identify.append(f"shard {[shard_id, count]} of {self.shard_count}")
            await socket[0].close(code=4010, message=b"Invalid shard.")
            return
        session = self._session(shard_id)
        session.socket = socket
        session.session_id, session.sequence, session.sent = secrets.token_hex(16), 0, []
        guilds = [guild for guild in fake.guilds if self.shard_of(guild.id) == shard_id]
        ready = {
            "v": 10,
            "user": fake.bot.payload(),
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": fake.gateway_url,
            "application": {"id": str(fake.application_id), "flags": 0},
        }
        if shard is not None:
            ready["shard"] = [shard_id, count]
        await self._send(session, "READY", ready)
        for guild in guilds:
            await self._send(session, "GUILD_CREATE", guild.create_payload(fake.owner, fake.bot))

    async def _resume(
        self, socket: tuple[web.WebSocketResponse, asyncio.Transport | None], data: Json
    ) -> None:
        self.resume_payloads.append(data)
        found = [s for s in self.sessions.values() if s.session_id == data.get("session_id")]
        if not found or data.get("session_id") is None:
            await socket[0].send_json({"op": 9, "d": False})
            return
        session = found[0]
        session.socket = socket
        for frame in session.sent:
            if frame["s"] > (data.get("seq") or 0):
                await socket[0].send_json(frame)
        await self._send(session, "RESUMED", {})

    async def dispatch(self, event: str, data: Json, guild_id: int | None = None) -> None:
        """Send an event to the session of `guild_id`'s shard (shard 0 without a guild);
        while that session has no client connected it waits in the log for a RESUME."""
        shard_id = self.shard_of(guild_id) if guild_id is not None else 0
        await self._send(self._session(shard_id), event, data)

    async def _send(self, session: _Session, event: str, data: Json) -> None:
        session.sequence += 1
        frame = {"op": 0, "t": event, "s": session.sequence, "d": data}
        session.sent.append(frame)
        if session.socket is not None:
            with contextlib.suppress(ConnectionError):
                await session.socket[0].send_json(frame)
        await self._fake._notify()

    def hold(self, shard_id: int) -> None:
        """Keep this shard's connection down (a partition of one shard) until `release`. The
        fake cannot tell a new connection's shard before it identifies, so while any shard
        is held every new gateway connection is refused; sessions still connected go on."""
        self.held.add(shard_id)

    def release(self, shard_id: int) -> None:
        self.held.discard(shard_id)

    def connected(self, shard_id: int = 0) -> bool:
        """Whether a client holds the session of this shard now."""
        return self._session(shard_id).socket is not None

    def drop(self, shard_id: int | None = None) -> None:
        """Cut the TCP connection of one shard's session (all of them without `shard_id`),
        as a network failure would."""
        for session in list(self.sessions.values()):
            if shard_id is not None and session.shard_id != shard_id:
                continue
            if session.socket is not None:
                _, transport = session.socket
                session.socket = None
                if transport is not None:
                    transport.abort()

    async def invalidate(self, resumable: bool) -> None:
        for session in self.sessions.values():
            if not resumable:
                session.session_id = None
            if session.socket is not None:
                await session.socket[0].send_json({"op": 9, "d": resumable})


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py compares the header verbatim, and
    # web.json_response would add "; charset=utf-8".
    headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(body).encode(), status=status, headers=headers)


def _check(errors: list[str]) -> None:
    if errors:
        raise _Failure(400, 50035, "Invalid Form Body", errors)


def _check_not_empty(body: Json, attachments: list[Json]) -> None:
    if limits.is_empty_message(body, has_files=bool(attachments)):
        errors = ["content: Cannot send an empty message."]
        raise _Failure(400, 50006, "Cannot send an empty message", errors)


def _error_tree(errors: list[str]) -> Json:
    """Discord's nested ``errors`` object, built from "path: message" strings."""
    tree: Json = {}
    for error in errors:
        path, _, message = error.partition(": ")
        node = tree
        for key in path.split("."):
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": "INVALID_FORM_BODY", "message": message})
    return tree


def _callback_response(interaction: FakeInteraction, kind: int) -> Json:
    """The ``with_response`` body; discord.py cannot handle a 204 here."""
    message = interaction.message if kind != 9 else None
    resource: Json = {"type": kind}
    if message is not None:
        resource["message"] = message.payload()
    return {
        "interaction": {
            "id": str(interaction.id),
            "type": interaction.payload["type"],
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and message.ephemeral),
        },
        "resource": resource,
    }


def _command_data(spec: Json) -> Json:
    data = {"id": spec["id"], "name": spec["name"], "type": spec["type"]}
    if "guild_id" in spec:  # discord.py looks guild commands up by it
        data["guild_id"] = spec["guild_id"]
    return data


def _option_spec(spec: Json, name: str) -> Json:
    options: list[Json] = spec.get("options", [])
    for option in options:
        if option["name"] == name:
            return option
    raise LookupError(f"{spec['name']!r} has no option {name!r}")


def _check_visible(spec: Json, permissions: int) -> None:
    """Discord hides a command from members who lack its default_member_permissions."""
    needed = spec.get("default_member_permissions")
    if needed is None or permissions & ADMINISTRATOR:
        return
    if int(needed) == 0 or int(needed) & ~permissions:
        raise PermissionError(
            f"{spec['name']!r} is hidden from members with permissions {permissions}"
        )


def _find_component(message: Message, custom_id: str) -> Json:
    pending = list(message.components)
    while pending:
        component = pending.pop()
        if component.get("custom_id") == custom_id:
            return component
        pending += component.get("components", [])
        if "accessory" in component:
            pending.append(component["accessory"])
    raise LookupError(f"message {message.id} has no component {custom_id!r}")


def _member_payload(user: User, permissions: str | None = None) -> Json:
    member: Json = {
        "user": user.payload(),
        "roles": [],
        "joined_at": datetime.now(UTC).isoformat(),
        "flags": 0,
    }
    if permissions is not None:  # only interactions carry the member's permissions
        member["permissions"] = permissions
    return member
