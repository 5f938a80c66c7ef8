"""The fake Discord against the real discord.py client, and the pure limit checks."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import FakeDiscord, Rejection, limits, running

TITLES = ["Attention Is All You Need", "BERT", "Language Models are Few-Shot Learners"]


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", custom_id="vote:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=f"{interaction.user.name} voted", view=None)

    @discord.ui.select(
        custom_id="vote:pick",
        options=[
            discord.SelectOption(label="BERT", value="bert"),
            discord.SelectOption(label="GPT"),
        ],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class ProbeBot(commands.Bot):
    """A small bot with one command per kind of interaction the fake must carry."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )
        self.errors: asyncio.Queue[app_commands.AppCommandError] = asyncio.Queue()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every IDENTIFY but the first; tests need not wait."""

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.error
        async def record(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            self.errors.put_nowait(error)

        @tree.command(description="Show a paper.")
        async def paper(interaction: discord.Interaction, query: str) -> None:
            embed = discord.Embed(title=f"Paper: {query}", description="A paper.")
            await interaction.response.send_message(embed=embed)

        @paper.autocomplete("query")
        async def titles(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            found = [title for title in TITLES if current.lower() in title.lower()]
            return [app_commands.Choice(name=title, value=title) for title in found]

        @tree.command(description="Think, then edit the answer.")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="done")

        @tree.command(description="Think, then answer with a follow-up.")
        async def later(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True)
            await interaction.followup.send("here you go", ephemeral=True)

        @tree.command(description="Answer too late.")
        async def sleepy(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.2)
            await interaction.response.send_message("too late")

        @tree.command(description="Vote on the next paper.")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Vote!", view=VoteView())

        @tree.command(description="Moderators only.")
        @app_commands.default_permissions(manage_guild=True)
        async def admin(interaction: discord.Interaction) -> None:
            allowed = interaction.permissions.manage_guild
            await interaction.response.send_message(f"manage_guild={allowed}")

        reading = app_commands.Group(name="list", description="Your reading list.")

        @reading.command(description="Add a paper.")
        async def add(
            interaction: discord.Interaction, title: str, channel: discord.TextChannel
        ) -> None:
            await interaction.response.send_message(f"added {title} in #{channel.name}")

        tree.add_command(reading)

        @tree.context_menu(name="Save paper")
        async def save(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"saved {message.content}", ephemeral=True)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[ProbeBot]:
    async with running(ProbeBot()) as bot:
        await bot.tree.sync()
        yield bot


def text_channel(bot: ProbeBot, fake: FakeDiscord, name: str = "papers") -> discord.TextChannel:
    channel = bot.get_channel(fake.channel(name).id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_login_ready_and_guild_available(fake: FakeDiscord, bot: ProbeBot) -> None:
    guild = bot.get_guild(fake.guilds[0].id)
    assert bot.user is not None and bot.user.id == fake.bot.id
    assert bot.application_id == fake.application_id
    assert guild is not None and not guild.unavailable
    assert [c.name for c in guild.text_channels] == ["general", "papers"]
    assert guild.default_role.id == guild.id
    assert fake.identify_payloads[0]["intents"] == discord.Intents.default().value
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]


async def test_sync_echoes_ids_and_keeps_them(fake: FakeDiscord, bot: ProbeBot) -> None:
    first = {(c.name, c.type): c.id for c in await bot.tree.sync()}
    again = {(c.name, c.type): c.id for c in await bot.tree.sync()}
    assert first == again
    assert ("Save paper", discord.AppCommandType.message) in first
    synced = {c["name"]: c for c in fake.synced_commands()}
    assert synced["Save paper"]["description"] == ""
    assert synced["list"]["options"][0]["name"] == "add"
    guild = discord.Object(fake.guilds[0].id)
    bot.tree.copy_global_to(guild=guild)
    assert {c.guild_id for c in await bot.tree.sync(guild=guild)} == {guild.id}
    assert fake.problems() == []


async def test_sync_refuses_a_too_long_description(fake: FakeDiscord, bot: ProbeBot) -> None:
    @bot.tree.command(description="x" * 101)  # discord.py sends it as it is
    async def wordy(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("never")

    # discord.py maps Discord's error paths back to the command, so the tree must be faithful.
    with pytest.raises(app_commands.CommandSyncFailure) as caught:
        await bot.tree.sync()
    assert caught.value.code == 50035
    assert "In command 'wordy'" in str(caught.value)
    assert "description: Must be between 1 and 100 in length (got 101)" in str(caught.value)


async def test_slash_command_answers_with_an_embed(fake: FakeDiscord, bot: ProbeBot) -> None:
    interaction = await (await fake.slash("paper", {"query": "BERT"})).wait()
    assert interaction.callback_type == 4
    assert interaction.message is not None
    assert interaction.message.embeds[0]["title"] == "Paper: BERT"
    assert interaction.message.allowed_mentions == {"parse": []}
    assert not fake.pinged(interaction.message)
    assert fake.problems() == []


async def test_autocomplete_returns_the_bots_choices(fake: FakeDiscord, bot: ProbeBot) -> None:
    choices = await fake.autocomplete("paper", "query", "att")
    assert choices == [{"name": TITLES[0], "value": TITLES[0]}]


async def test_deferred_response_is_edited(fake: FakeDiscord, bot: ProbeBot) -> None:
    interaction = await (await fake.slash("slow")).wait(edited=True)
    assert interaction.callback_type == 5
    assert interaction.message is not None and interaction.message.content == "done"
    assert interaction.message.flags == 0


async def test_first_followup_completes_a_deferral(fake: FakeDiscord, bot: ProbeBot) -> None:
    interaction = await (await fake.slash("later")).wait(edited=True)
    assert interaction.message is not None and interaction.message.content == "here you go"
    assert interaction.message.ephemeral
    assert interaction.followups == []


async def test_button_click_reaches_the_view(fake: FakeDiscord, bot: ProbeBot) -> None:
    vote = await (await fake.slash("vote")).wait()
    assert vote.message is not None
    click = await (await fake.click(vote.message, "vote:yes")).wait()
    assert click.callback_type == 7
    assert vote.message.content == f"{fake.member.name} voted"
    assert vote.message.components == []


async def test_select_reaches_the_view(fake: FakeDiscord, bot: ProbeBot) -> None:
    vote = await (await fake.slash("vote")).wait()
    assert vote.message is not None
    pick = await (await fake.select(vote.message, "vote:pick", ["bert"])).wait()
    assert pick.message is not None and pick.message.content == "picked bert"
    assert pick.message.ephemeral


async def test_subcommand_with_a_channel_option(fake: FakeDiscord, bot: ProbeBot) -> None:
    add = await (await fake.slash("list add", {"title": "BERT", "channel": "papers"})).wait()
    assert add.message is not None and add.message.content == "added BERT in #papers"
    assert add.payload["data"]["resolved"]["channels"].keys() == {str(fake.channel("papers").id)}
    with pytest.raises(ValueError, match="needs the options"):
        await fake.slash("list add", {"title": "BERT"})


async def test_raw_options_are_sent_as_given(fake: FakeDiscord, bot: ProbeBot) -> None:
    raw = [{"name": "query", "type": 3, "value": "GPT"}]
    paper = await (await fake.slash("paper", raw)).wait()
    assert paper.message is not None and paper.message.embeds[0]["title"] == "Paper: GPT"


async def test_message_context_menu(fake: FakeDiscord, bot: ProbeBot) -> None:
    target = fake.user_message("https://arxiv.org/abs/1706.03762")
    saved = await (await fake.message_command("Save paper", target)).wait()
    assert saved.message is not None
    assert saved.message.content == f"saved {target.content}"


async def test_default_permissions_hide_a_command(fake: FakeDiscord, bot: ProbeBot) -> None:
    with pytest.raises(PermissionError):
        await fake.slash("admin")
    manage_guild = str(discord.Permissions(manage_guild=True).value)
    admin = await (await fake.slash("admin", permissions=manage_guild)).wait()
    assert admin.message is not None and admin.message.content == "manage_guild=True"


async def test_enforced_nonce_gives_one_message(fake: FakeDiscord, bot: ProbeBot) -> None:
    channel = text_channel(bot, fake)
    first = await channel.send("This week: BERT", nonce="week-1")
    second = await channel.send("This week: BERT", nonce="week-1")
    assert first.id == second.id
    assert [m.content for m in fake.channel_messages("papers")] == ["This week: BERT"]
    assert fake.requests[-1].json["enforce_nonce"] is True


# discord.py retries a 429 in two places: its HTTP client and its webhook adapter.
@pytest.mark.parametrize("path", [r"/channels/\d+/messages", r"/interactions/\d+/\w+/callback"])
async def test_rate_limit_is_retried(fake: FakeDiscord, bot: ProbeBot, path: str) -> None:
    fake.rate_limit_next("POST", path, retry_after=0.05)
    interaction = await (await fake.slash("paper", {"query": "BERT"})).wait()
    await text_channel(bot, fake).send("hello")
    assert len([r for r in fake.requests if re.fullmatch(path, r.path)]) == 2
    assert interaction.callback_type == 4
    assert [m.content for m in fake.channel_messages("papers")] == ["hello"]
    assert fake.problems() == []


async def test_dropped_gateway_resumes_and_replays(fake: FakeDiscord, bot: ProbeBot) -> None:
    await fake.drop_gateway()
    interaction = await fake.slash("paper", {"query": "BERT"})  # sent while disconnected
    await interaction.wait()
    assert len(fake.resume_payloads) == 1 and len(fake.identify_payloads) == 1
    assert fake.resume_payloads[0]["session_id"] == fake.gateway.session_id
    assert fake.problems() == []


async def test_invalid_session_makes_the_client_identify_again(
    fake: FakeDiscord, bot: ProbeBot
) -> None:
    await fake.invalidate_session(resumable=False)
    await fake.wait_until(lambda: len(fake.identify_payloads) == 2)
    await (await fake.slash("paper", {"query": "BERT"})).wait()
    assert fake.problems() == []


async def test_multipart_upload_becomes_an_attachment(fake: FakeDiscord, bot: ProbeBot) -> None:
    channel = text_channel(bot, fake)
    sent = await channel.send("the list", file=discord.File(io.BytesIO(b"# Papers"), "list.md"))
    assert sent.attachments[0].filename == "list.md" and sent.attachments[0].size == 8
    assert fake.requests[-1].json["content"] == "the list"


async def test_too_long_embed_title_is_rejected(fake: FakeDiscord, bot: ProbeBot) -> None:
    channel = text_channel(bot, fake)
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(embed=discord.Embed(title="x" * 300))
    assert (caught.value.status, caught.value.code) == (400, 50035)
    assert "In embeds.0.title: Must be 256 or fewer in length" in str(caught.value)
    error = "embeds.0.title: Must be 256 or fewer in length (got 300)."
    assert fake.rejections == [Rejection("POST", f"/channels/{channel.id}/messages", [error])]


async def test_late_answer_expires_the_interaction(fake: FakeDiscord, bot: ProbeBot) -> None:
    fake.response_window = 0.1
    interaction = await fake.slash("sleepy")
    error = (await asyncio.wait_for(bot.errors.get(), 5)).__cause__
    assert isinstance(error, discord.NotFound) and error.code == 10062
    assert interaction.expired
    assert fake.problems() == ["interaction 'sleepy' expired"]


async def test_second_initial_callback_is_refused(fake: FakeDiscord, bot: ProbeBot) -> None:
    interaction = await (await fake.slash("paper", {"query": "BERT"})).wait()
    url = f"{fake.url}/api/v10/interactions/{interaction.id}/{interaction.token}/callback"
    again = {"type": 4, "data": {"content": "again"}}
    async with aiohttp.ClientSession() as session, session.post(url, json=again) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 40060


async def test_injected_failure_and_unknown_route(fake: FakeDiscord, bot: ProbeBot) -> None:
    channel = text_channel(bot, fake)
    fake.fail_next("POST", r"/channels/\d+/messages", 403, 50013, "Missing Permissions")
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("hello")
    assert caught.value.code == 50013
    with pytest.raises(discord.NotFound):
        await channel.fetch_message(1)
    with pytest.raises(discord.NotFound):
        [message async for message in channel.history(limit=1)]
    assert fake.unknown_routes == [f"GET /channels/{channel.id}/messages"]


async def test_pinged_follows_allowed_mentions(fake: FakeDiscord, bot: ProbeBot) -> None:
    channel = text_channel(bot, fake)
    await channel.send(f"<@{fake.member.id}> echoed")
    await channel.send(f"<@{fake.member.id}> hi", allowed_mentions=discord.AllowedMentions.all())
    quiet, loud = fake.channel_messages(channel.id)
    assert not fake.pinged(quiet)
    assert fake.pinged(loud)


BUTTON = {"type": 2, "style": 1, "label": "ok", "custom_id": "ok"}
LINK = {"type": 2, "style": 5, "label": "arXiv", "url": "https://arxiv.org"}
MENU: dict[str, Any] = {
    "type": 3,
    "custom_id": "pick",
    "options": [{"label": "BERT", "value": "bert"}],
}
FIELD = {"name": "n", "value": "v"}
OPTION = {"name": "query", "description": "Title words", "type": 3}


def embed(**parts: Any) -> dict[str, Any]:
    return {"embeds": [parts]}


def row(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(items)}


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ({"content": "x" * 2000}, None),
        ({"content": "x" * 2001}, "content: Must be 2000 or fewer in length (got 2001)."),
        ({"nonce": "x" * 26}, "nonce: Must be 25 or fewer"),
        (embed(title="x" * 257), "embeds.0.title: Must be 256 or fewer"),
        (embed(description="x" * 4097), "embeds.0.description: Must be 4096 or fewer"),
        (embed(fields=[FIELD] * 25), None),
        (embed(fields=[FIELD] * 26), "embeds.0.fields: Must be 25 or fewer"),
        (embed(fields=[FIELD | {"name": "x" * 257}]), "embeds.0.fields.0.name"),
        (embed(fields=[FIELD | {"value": "x" * 1025}]), "embeds.0.fields.0.value"),
        (embed(fields=[FIELD | {"value": ""}]), "value: Must be between 1 and 1024"),
        (embed(footer={"text": "x" * 2049}), "embeds.0.footer.text"),
        (embed(author={"name": "x" * 257}), "embeds.0.author.name"),
        ({"embeds": [{"description": "x" * 3000}] * 2}, None),
        ({"embeds": [{"description": "x" * 3001}] * 2}, "maximum size of 6000 (got 6002)"),
        ({"embeds": [{}] * 11}, "embeds: Must be 10 or fewer in length (got 11 items)."),
        ({"components": [row(BUTTON, LINK)] * 5}, None),
        ({"components": [row(BUTTON)] * 6}, "components: Must be 5 or fewer"),
        ({"components": [row(*[BUTTON] * 6)]}, "components.0.components: Must be 5 or fewer"),
        ({"components": [row(BUTTON | {"label": "x" * 81})]}, "components.0.components.0.label"),
        ({"components": [row(BUTTON | {"custom_id": ""})]}, "custom_id: Must be between 1 and"),
        ({"components": [row(BUTTON | {"custom_id": "x" * 101})]}, "custom_id: Must be"),
        ({"components": [row({"type": 2, "style": 5, "label": "arXiv"})]}, "needs a url"),
        ({"components": [row(LINK | {"custom_id": "x"})]}, "cannot have a custom_id"),
        ({"components": [row(LINK | {"url": "https://a.org/" + "x" * 498})]}, None),
        (
            {"components": [row(LINK | {"url": "https://a.org/" + "x" * 499})]},
            "components.0.components.0.url: Must be 512 or fewer in length (got 513).",
        ),
        (embed(url="https://a.org/" + "x" * 2034), None),
        (embed(url="https://a.org/" + "x" * 2035), "embeds.0.url: Must be 2048 or fewer"),
        (embed(author={"name": "a", "url": "h" * 2049}), "embeds.0.author.url: Must be 2048"),
        ({"components": [row(MENU)]}, None),
        ({"components": [row(MENU, BUTTON)]}, "must be alone in its action row"),
        ({"components": [row(MENU | {"options": []})]}, "options: Must be between 1 and 25"),
        ({"components": [row(MENU | {"options": MENU["options"] * 26})]}, "options: Must be"),
        (
            {"components": [row(MENU | {"options": [{"label": "x" * 101, "value": "v"}]})]},
            "components.0.components.0.options.0.label",
        ),
        ({"flags": 1 << 15, "components": [{"type": 10, "content": "x"}] * 6}, None),
    ],
)
def test_message_limits(message: dict[str, Any], error: str | None) -> None:
    errors = limits.message_errors(message)
    if error is None:
        assert errors == []
    else:
        assert len(errors) == 1 and error in errors[0], errors


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ({"name": "paper", "description": "Show a paper.", "options": [OPTION]}, None),
        ({"name": "größe", "description": "d"}, None),
        ({"name": "खोज", "description": "d"}, None),
        ({"name": "Paper", "description": "d"}, "must be lower case"),
        ({"name": "two words", "description": "d"}, "may only use"),
        ({"name": "x" * 33, "description": "d"}, "0.name: Must be between 1 and 32"),
        ({"name": "paper", "description": ""}, "0.description: Must be between 1 and 100"),
        ({"name": "paper", "description": "x" * 101}, "0.description"),
        ({"name": "paper", "description": "d", "options": [OPTION] * 26}, "0.options: Must"),
        (
            {"name": "paper", "description": "d", "options": [OPTION | {"description": ""}]},
            "0.options.0.description",
        ),
        (
            {"name": "paper", "description": "d", "name_localizations": {"de": "Papier"}},
            "0.name_localizations.de: Name 'Papier' must be lower case",
        ),
        (
            {"name": "paper", "description": "d", "description_localizations": {"de": "x" * 101}},
            "0.description_localizations.de",
        ),
        (
            {
                "name": "paper",
                "description": "d",
                "options": [OPTION | {"choices": [{"name": "n", "value": "v"}] * 26}],
            },
            "0.options.0.choices: Must be 25 or fewer",
        ),
        ({"name": "Save paper", "type": 3}, None),
        ({"name": "Save paper", "type": 3, "description": "d"}, "cannot have a description"),
    ],
)
def test_command_limits(command: dict[str, Any], error: str | None) -> None:
    errors = limits.command_errors([command])
    if error is None:
        assert errors == []
    else:
        assert len(errors) == 1 and error in errors[0], errors


def test_command_list_limits() -> None:
    many = [{"name": f"c{i}", "description": "d"} for i in range(101)]
    assert limits.command_errors(many) == [
        "commands: Must be 100 or fewer in length (got 101 items)."
    ]
    twice = [{"name": "paper", "description": "d"}] * 2
    assert limits.command_errors(twice) == ["1.name: Application command names must be unique."]


@pytest.mark.parametrize(
    ("choices", "error"),
    [
        ([{"name": "a", "value": "a"}] * 25, None),
        ([{"name": "a", "value": "a"}] * 26, "data.choices: Must be 25 or fewer"),
        ([{"name": "", "value": "a"}], "data.choices.0.name: Must be between 1 and 100"),
        ([{"name": "x" * 101, "value": "a"}], "data.choices.0.name"),
        ([{"name": "a", "value": "x" * 101}], "data.choices.0.value: Must be 100 or fewer"),
        ([{"name": "a", "value": 10**6}], None),
    ],
)
def test_autocomplete_limits(choices: list[dict[str, Any]], error: str | None) -> None:
    errors = limits.callback_errors({"type": 8, "data": {"choices": choices}})
    if error is None:
        assert errors == []
    else:
        assert len(errors) == 1 and error in errors[0], errors


@pytest.mark.parametrize(
    ("content", "allowed_mentions", "pings"),
    [
        ("<@42> hi", None, True),
        ("<@!42> hi", None, True),
        ("<@42> hi", {"parse": []}, False),
        ("<@42> hi", {"parse": [], "users": [42]}, True),
        ("<@&7> hi", {"parse": ["users"]}, False),
        ("<@&7> hi", {"parse": ["roles"]}, True),
        ("@everyone look", {"parse": ["users", "roles"]}, False),
        ("@here look", None, True),
        ("no mention at all", None, False),
        (None, None, False),
    ],
)
def test_would_ping(
    content: str | None, allowed_mentions: dict[str, Any] | None, pings: bool
) -> None:
    assert limits.would_ping(content, allowed_mentions) is pings


@pytest.mark.parametrize(
    ("message", "empty"),
    [({}, True), ({"content": ""}, True), ({"content": "x"}, False), ({"embeds": [{}]}, False)],
)
def test_empty_message(message: dict[str, Any], empty: bool) -> None:
    assert limits.is_empty_message(message) is empty
