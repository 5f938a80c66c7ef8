"""Links too long for a button (512 characters) or an embed (2,048): cards and weekly posts
still go out, through the fake Discord, which refuses what Discord refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalogue import SectionTable, parse_catalogue
from bot.library import Library
from tests.conftest import DATA
from tests.e2e.conftest import TestBot, bot_running
from tests.fake_discord import FakeDiscord

MANAGER = str(1 << 5)
TRACKED = "https://example.org/papers/long.pdf?utm_source=" + "x" * 600  # 648 characters
CODE = "https://github.com/x/long-links"
HUGE = "https://example.org/papers/" + "y" * 3000 + ".pdf"


def one_paper(pdf: str, code: str = "") -> Library:
    links = f"[[PDF]({pdf})]" + (f"[[Code]({code})]" if code else "")
    text = (
        "# Long links\n\n## Section\n"
        f"1. **A paper with a long link.** `arXiv`\n   *Ann Author, Bo Writer.* {links}, 2024.\n"
    )
    table = SectionTable.from_toml(DATA / "sections.toml")
    return Library.build(parse_catalogue(text, "long.md", table), DATA / "aliases.toml")


@pytest.fixture
async def tracked(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[TestBot]:
    async with bot_running(tmp_path / "bot.db", one_paper(TRACKED, CODE)) as bot:
        yield bot


def link_buttons(components: list[dict]) -> dict[str, str]:
    return {b["label"]: b["url"] for row in components for b in row["components"] if "url" in b}


async def test_a_pdf_link_over_512_characters_gets_no_button(
    fake: FakeDiscord, tracked: TestBot
) -> None:
    card = await (await fake.slash("paper", {"query": "a paper with a long link"})).wait()
    assert card.message is not None and card.message.embeds  # accepted: no 400
    assert link_buttons(card.message.components) == {"Code": CODE}
    assert card.message.embeds[0]["url"] == TRACKED  # the title still links it


async def test_its_weekly_post_goes_out(fake: FakeDiscord, tracked: TestBot) -> None:
    await (
        await fake.slash(
            "weekly set", {"channel": "papers", "day": "monday", "time": "9"}, permissions=MANAGER
        )
    ).wait(edited=True)
    answer = await (await fake.slash("weekly now", permissions=MANAGER)).wait(edited=True)
    assert answer.message is not None and "Posted:" in answer.message.content
    [post] = [m for m in fake.channel_messages("papers") if m.author.id == fake.bot.id]
    assert link_buttons(post.components) == {"Code": CODE}


async def test_a_link_over_2048_characters_links_neither_button_nor_title(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    code = "https://github.com/x/long-links"
    async with bot_running(tmp_path / "bot.db", one_paper(HUGE, code)):
        card = await (await fake.slash("paper", {"query": "a paper with a long link"})).wait()
    assert card.message is not None
    assert link_buttons(card.message.components) == {"Code": code}
    assert card.message.embeds[0]["url"] == code
