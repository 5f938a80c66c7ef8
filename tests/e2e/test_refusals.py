"""A command someone may not use is answered once, politely, and logs no error."""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest
from discord import app_commands

from tests.e2e.conftest import TestBot
from tests.fake_discord import FakeDiscord


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def settled(bot: TestBot, caplog: pytest.LogCaptureFixture) -> None:
    """Wait until the bot is done with an interaction: its command completed, or the error
    handler (which logs what it does) has run."""
    completed = asyncio.Event()

    async def done(*_: object) -> None:
        completed.set()

    bot.add_listener(done, "on_app_command_completion")
    try:
        async with asyncio.timeout(5):
            while not (completed.is_set() or any(r.name == "bot.client" for r in caplog.records)):
                await asyncio.sleep(0.01)
    finally:
        bot.remove_listener(done, "on_app_command_completion")


@pytest.mark.parametrize(
    ("command", "options", "refusal"),
    [
        ("weekly show", None, "Only members with the Manage Server permission"),
        ("weekly set", {"channel": "papers", "day": "mon", "time": "9"}, "Manage Server"),
        ("reload", None, "Only members with the Manage Server permission can reload"),
    ],
)
async def test_a_non_manager_is_refused_once_and_nothing_is_logged_as_an_error(
    fake: FakeDiscord,
    bot: TestBot,
    caplog: pytest.LogCaptureFixture,
    command: str,
    options: dict[str, str] | None,
    refusal: str,
) -> None:
    fake.opened_to_everyone.add(command.split()[0])  # a server admin opened it to everyone
    caplog.set_level(logging.INFO, logger="bot")
    interaction = await (await fake.slash(command, options)).wait()
    await settled(bot, caplog)
    assert interaction.message is not None and interaction.message.ephemeral
    assert refusal in interaction.message.content
    assert interaction.followups == []  # no "Sorry, something went wrong" after it
    assert errors(caplog) == []


async def test_a_check_that_answers_nothing_gets_a_polite_refusal(
    fake: FakeDiscord, bot: TestBot, caplog: pytest.LogCaptureFixture
) -> None:
    @app_commands.command(name="closed", description="A command whose check always fails")
    @app_commands.check(lambda interaction: False)
    async def closed(interaction: discord.Interaction) -> None:
        raise AssertionError("a failed check must stop the command")

    bot.tree.add_command(closed)
    await bot.sync_commands(force=True)
    for locale, text in (("en-US", "You can't use this command here"), ("zh-CN", "你不能")):
        interaction = await (await fake.slash("closed", locale=locale)).wait()
        assert interaction.message is not None and interaction.message.ephemeral
        assert interaction.message.content.startswith(text)
        assert interaction.followups == []
    assert errors(caplog) == []
