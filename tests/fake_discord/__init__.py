"""A fake Discord for end-to-end tests of the bot with the real discord.py client.

Usage (the bot is built with ``guild_ready_timeout=0.05``)::

    async with FakeDiscord() as fake, running(make_bot()) as bot:
        await bot.tree.sync()
        reply = await (await fake.slash("paper", {"query": "attention"})).wait()
        assert reply.message is not None and reply.message.embeds
        assert fake.problems() == []  # nothing refused, no unknown route, no expired interaction
"""

from __future__ import annotations

from . import limits
from .client import running
from .server import (
    Channel,
    FakeDiscord,
    FakeInteraction,
    Guild,
    Message,
    RecordedRequest,
    Rejection,
    Role,
    User,
)

__all__ = [
    "Channel",
    "FakeDiscord",
    "FakeInteraction",
    "Guild",
    "Message",
    "RecordedRequest",
    "Rejection",
    "Role",
    "User",
    "limits",
    "running",
]
