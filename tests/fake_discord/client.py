"""Run a discord.py client against a started, installed ``FakeDiscord`` and stop it cleanly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.asynccontextmanager
async def running(
    client: ClientT, *, token: str = "fake-token", timeout: float = 5.0
) -> AsyncIterator[ClientT]:
    """Start ``client``, wait until it is ready, and close it on exit.

    If the client stops on its own (say its gateway loop died on a malformed event), its
    exception is raised here instead of a timeout.
    """
    task = asyncio.create_task(client.start(token))
    try:
        # is_ready() is all there is to poll: wait_until_ready() fails before login.
        async with asyncio.timeout(timeout):
            while not client.is_ready():
                if task.done():
                    await task
                    raise RuntimeError("the client stopped before it was ready")
                await asyncio.sleep(0.01)
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, timeout)
