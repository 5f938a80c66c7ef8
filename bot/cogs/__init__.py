"""Discord glue: each cog parses an interaction, calls bot.replies, and sends the reply."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from discord import app_commands

T = TypeVar("T")


def everywhere(command: T) -> T:
    """Make a command work for a user-installed app too: installable to a server or to a
    reader's account, and usable in servers, the bot's DMs and any private channel. Replies
    go through the interaction's webhook, so they need none of the bot's permissions."""
    installs: Callable[[T], T] = app_commands.allowed_installs(guilds=True, users=True)
    contexts: Callable[[T], T] = app_commands.allowed_contexts(
        guilds=True, dms=True, private_channels=True
    )
    return installs(contexts(command))


def server_only(command: T) -> T:
    """A command for servers that installed the bot, used in them alone."""
    installs: Callable[[T], T] = app_commands.allowed_installs(guilds=True, users=False)
    contexts: Callable[[T], T] = app_commands.allowed_contexts(
        guilds=True, dms=False, private_channels=False
    )
    return installs(contexts(command))
