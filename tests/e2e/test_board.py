"""The server board end to end (/progress server:True): off until a manager turns it on,
counts the server's readers of each paper of the week, names only those who chose to show
them, forgets a reader who asks, pages, and is a server's only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.conftest import TestBot
from tests.e2e.test_reading import click_text, custom_ids
from tests.e2e.test_weekly import MANAGER, MONDAY_0900_BERLIN, posts, weekly
from tests.e2e.test_weekly_discussion import paper_of, set_weekly
from tests.fake_discord import FakeDiscord, User
from tests.fake_discord.server import Message


async def board(fake: FakeDiscord, user: User | None = None, locale: str = "en-US") -> Message:
    slash = await fake.slash("progress", {"server": True}, user=user, locale=locale)
    answer = await slash.wait(edited=True)
    assert answer.message is not None and answer.message.ephemeral
    return answer.message


def description(message: Message) -> str:
    assert message.embeds, message.content
    return str(message.embeds[0]["description"])


async def test_the_board_counts_readers_and_names_only_those_who_share(
    fake: FakeDiscord, bot: TestBot
) -> None:
    off = await board(fake)
    assert off.content == (
        "The reading board is off in this server. A server manager can turn it on with "
        "/weekly set … board:True."
    )
    zh = await board(fake, locale="zh-CN")
    assert zh.content.startswith("本服务器的阅读榜未开启")

    text = await set_weekly(fake, board=True)
    assert "Reading board of the papers of the week (/progress server:True): on." in text
    await weekly(bot).tick(MONDAY_0900_BERLIN)
    [post] = posts(fake)
    paper_id = paper_of(post)
    assert f"rl:read:{paper_id}" in custom_ids(post)

    sharer, quiet = fake.member, User(fake.new_id(), "quiet")
    for reader in (sharer, quiet):
        clicked = await (await fake.click(post, f"rl:read:{paper_id}", user=reader)).wait()
        assert clicked.message is not None and clicked.message.content.startswith("Marked as read")
    shared = await (await fake.slash("reading share", {"show_name": True}, user=sharer)).wait(
        edited=True
    )
    assert shared.message is not None and shared.message.ephemeral
    assert shared.message.content.startswith("Your name is now shown")

    shown = description(await board(fake, user=quiet))
    title = bot.library.paper(paper_id).title  # type: ignore[union-attr]
    assert shown.startswith(f"**1.** {title[:40]}")
    assert "read by 2 members" in shown
    assert f"<@{sharer.id}>" in shown and f"<@{quiet.id}>" not in shown
    # A reader who marked it read elsewhere (their own install, in a DM) is not counted.
    elsewhere, dm = User(fake.new_id(), "elsewhere"), fake.elsewhere(1)
    card = await (
        await fake.slash("paper", {"query": paper_id}, user=elsewhere, elsewhere=dm)
    ).wait()
    assert card.message is not None
    await (await fake.click(card.message, f"rl:read:{paper_id}", user=elsewhere)).wait()
    assert len(await bot.store.reading_marks(elsewhere.id)) == 1
    assert "read by 2 members" in description(await board(fake, user=quiet))

    # /reading forget deletes the marks and the opt-in: off the board.
    prompt = (await (await fake.slash("reading forget", user=sharer)).wait()).message
    # (one marked paper here: "the servers where it counts on the reading board")
    assert prompt is not None and "counts on the reading board (with whether your name" in (
        prompt.content
    )
    await (await fake.click(prompt, f"rl:forget:{sharer.id}", user=sharer)).wait()
    assert await bot.store.reader_servers(sharer.id) == {}
    after = description(await board(fake, user=quiet))
    assert "read by 1 member" in after and f"<@{sharer.id}>" not in after


async def test_sharing_stops_the_name_not_the_count(fake: FakeDiscord, bot: TestBot) -> None:
    await set_weekly(fake, board=True)
    await weekly(bot).tick(MONDAY_0900_BERLIN)
    [post] = posts(fake)
    await click_text(fake, post, f"rl:read:{paper_of(post)}")
    await (await fake.slash("reading share", {"show_name": True})).wait(edited=True)
    assert f"<@{fake.member.id}>" in description(await board(fake))
    stopped = await (await fake.slash("reading share", {"show_name": False})).wait(edited=True)
    assert stopped.message is not None and "no longer shown" in stopped.message.content
    shown = description(await board(fake))
    assert "read by 1 member" in shown and f"<@{fake.member.id}>" not in shown


async def test_the_board_turns_pages_newest_first(fake: FakeDiscord, bot: TestBot) -> None:
    await set_weekly(fake, board=True)
    for week in range(12):
        await weekly(bot).tick(MONDAY_0900_BERLIN + timedelta(weeks=week))
    posted = [paper_of(p) for p in posts(fake)]
    assert len(posted) == 12
    first = await board(fake)
    assert first.embeds[0]["footer"]["text"].startswith("Page 1/2 · 12 posted")
    newest = bot.library.paper(posted[-1]).title  # type: ignore[union-attr]
    assert description(first).startswith(f"**1.** {newest[:40]}")
    turned = await (await fake.click(first, f"rl:board:1:{fake.member.id}")).wait()
    assert turned.callback_type == 7
    assert first.embeds[0]["footer"]["text"].startswith("Page 2/2")
    oldest = bot.library.paper(posted[0]).title  # type: ignore[union-attr]
    assert f"**12.** {oldest[:40]}" in description(first)


@pytest.mark.parametrize("context", [0, 1, 2])
async def test_the_board_and_sharing_work_only_in_a_server_with_the_bot(
    fake: FakeDiscord, bot: TestBot, context: int
) -> None:
    where = fake.elsewhere(context, guild_id=fake.new_id() if context == 0 else None)
    for name, options in (("progress", {"server": True}), ("reading share", {"show_name": True})):
        answer = await (await fake.slash(name, options, elsewhere=where)).wait()
        assert answer.message is not None and answer.message.ephemeral
        assert answer.message.content == (
            "The reading board belongs to a server: use it in a server the bot is in."
        )
    assert await bot.store.reader_servers(fake.member.id) == {}


async def test_a_manager_turns_the_board_off_again(fake: FakeDiscord, bot: TestBot) -> None:
    await set_weekly(fake, board=True)
    text = await set_weekly(fake)  # without board: kept as it was
    assert "(/progress server:True): on." in text
    text = await set_weekly(fake, board=False)
    assert "(/progress server:True): off." in text
    assert (await board(fake)).content.startswith("The reading board is off")
    show = await (await fake.slash("weekly show", permissions=MANAGER)).wait(edited=True)
    assert show.message is not None and "(/progress server:True): off." in show.message.content
