"""Reading progress end to end: the card's toggles, /progress, /next, /reading list, export
and forget, across restarts and reloads, and the card's delete button."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.catalogue import parse_catalogue
from bot.library import Library
from bot.models import Catalogue
from bot.store import Store
from tests.conftest import DATA
from tests.e2e.conftest import TestBot, bot_running
from tests.fake_discord import FakeDiscord, User
from tests.fake_discord.server import Message
from tests.test_bibtex import is_valid_bibtex

NON_TRANSFORMER = "non-transformer"


def custom_ids(message: Message) -> list[str]:
    return [c.get("custom_id", "") for row in message.components for c in row["components"]]


async def card_of(fake: FakeDiscord, query: str, user: User | None = None) -> Message:
    answer = await (await fake.slash("paper", {"query": query}, user=user)).wait()
    assert answer.message is not None and answer.message.embeds
    return answer.message


async def click_text(fake: FakeDiscord, message: Message, custom_id: str) -> str:
    clicked = await (await fake.click(message, custom_id)).wait()
    assert clicked.message is not None and clicked.message.ephemeral
    return clicked.message.content


async def test_mark_read_answers_the_clicker_and_leaves_the_card_alone(
    fake: FakeDiscord, bot: TestBot
) -> None:
    card = await card_of(fake, "rwkv")
    before = (card.content, card.embeds, card.components)
    assert {"rl:read:2305.13048", "rl:save:2305.13048"} <= set(custom_ids(card))
    text = await click_text(fake, card, "rl:read:2305.13048")
    assert text.startswith("Marked as read: RWKV")
    assert (card.content, card.embeds, card.components) == before and card.edits == []
    assert (await click_text(fake, card, "rl:read:2305.13048")).startswith("Marked as unread")
    assert (await click_text(fake, card, "rl:save:2305.13048")).startswith("Saved for later")
    [mark] = await bot.store.reading_marks(fake.member.id)
    assert mark.read_at is None and mark.saved_at is not None
    # Another reader's marks are their own.
    other = User(fake.new_id(), "other")
    assert await bot.store.reading_marks(other.id) == []


async def test_progress_and_next_survive_a_restart(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "bot.db"
    async with bot_running(db, library):
        first = await (await fake.slash("next", {"section": NON_TRANSFORMER})).wait()
        card = first.message
        assert card is not None and card.ephemeral
        first_id = library.section(NON_TRANSFORMER).paper_ids[0]  # type: ignore[union-attr]
        assert card.embeds[0]["title"] == library.paper(first_id).title  # type: ignore[union-attr]
        await click_text(fake, card, f"rl:read:{first_id}")
        await click_text(fake, await card_of(fake, "mamba"), "rl:save:2312.00752")
    async with bot_running(db, library):  # a restart: a new process on the same database
        nxt = await (await fake.slash("next", {"section": NON_TRANSFORMER})).wait()
        assert nxt.message is not None
        assert nxt.message.embeds[0]["title"].startswith("On the Parameterization")  # the second
        progress = await (await fake.slash("progress", {"section": NON_TRANSFORMER})).wait()
        assert progress.message is not None and progress.message.ephemeral
        description = progress.message.embeds[0]["description"]
        assert "1 of 5 read · 1 saved" in description
        assert "`▰▰▱▱▱▱▱▱▱▱`" in description
        everything = await (await fake.slash("progress")).wait()
        assert everything.message is not None
        footer = everything.message.embeds[0]["footer"]["text"]
        assert (
            footer == f"In all: 1 of {len(library.catalogue.papers)} papers read, 1 saved for later"
        )


async def test_a_paper_that_leaves_the_list_stays_in_the_history(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "bot.db"
    async with bot_running(db, library):
        await click_text(fake, await card_of(fake, "rwkv"), "rl:read:2305.13048")
        await click_text(fake, await card_of(fake, "mamba"), "rl:read:2312.00752")
    smaller = _without(library.catalogue, "2305.13048")
    async with bot_running(db, Library.build(smaller, DATA / "aliases.toml")) as bot:
        assert bot.library.paper("2305.13048") is None
        listed = await (await fake.slash("reading list")).wait()
        assert listed.message is not None and listed.message.ephemeral
        lines = listed.message.embeds[0]["description"].split("\n")
        assert lines[0].startswith("**1.** Mamba")
        assert lines[2].startswith("**2.** RWKV") and "no longer listed" in lines[3]
        progress = await (await fake.slash("progress")).wait()
        assert progress.message is not None
        assert "In all: 1 of" in progress.message.embeds[0]["footer"]["text"]


def _without(catalogue: Catalogue, paper_id: str) -> Catalogue:
    """The catalogue after a reload that dropped one paper."""
    sections = tuple(
        type(s)(
            s.slug,
            s.heading,
            s.name,
            s.chapter,
            s.order,
            tuple(i for i in s.paper_ids if i != paper_id),
        )
        for s in catalogue.sections
    )
    return Catalogue(
        papers=tuple(p for p in catalogue.papers if p.id != paper_id),
        sections=sections,
        entries=catalogue.entries - 1,
        sources=catalogue.sources,
        digest=catalogue.digest + "-without",
    )


async def test_the_list_turns_pages_for_its_reader(fake: FakeDiscord, bot: TestBot) -> None:
    section = bot.library.section("decoder-only")
    assert section is not None and len(section.paper_ids) > 10
    for paper_id in section.paper_ids[:12]:
        card = await (await fake.slash("paper", {"query": paper_id})).wait()
        assert card.message is not None
        await click_text(fake, card.message, f"rl:save:{paper_id}")
    listed = await (await fake.slash("reading list")).wait()
    message = listed.message
    assert message is not None and message.embeds[0]["footer"]["text"].startswith("Page 1/2")
    turned = await (await fake.click(message, f"rl:mine:1:{fake.member.id}")).wait()
    assert turned.callback_type == 7
    assert message.embeds[0]["footer"]["text"].startswith("Page 2/2")


async def test_export_gives_a_list_that_parses_back_and_bibtex(
    fake: FakeDiscord, bot: TestBot, tmp_path: Path
) -> None:
    read = ["2305.13048", "2312.00752", "1706.03762"]
    for paper_id in read:
        await click_text(fake, await card_of(fake, paper_id), f"rl:read:{paper_id}")
    await click_text(fake, await card_of(fake, "lora"), "rl:save:2106.09685")
    export = await (await fake.slash("reading export")).wait(edited=True)
    message = export.message
    assert message is not None and message.ephemeral
    assert message.content.startswith("Your list: 3 papers read, 1 saved for later")
    files = {a["filename"]: fake.attachment_data(a).decode() for a in message.attachments}
    assert set(files) == {"reading-list.md", "reading-list.bib"}

    parsed = parse_catalogue(files["reading-list.md"], "export")
    assert parsed.problems == ()
    assert [s.heading for s in parsed.sections] == ["Read", "Saved for later"]
    assert list(parsed.sections[0].paper_ids) == [
        p.id for p in bot.library.catalogue.papers if p.id in read
    ]  # in the list's order
    assert parsed.sections[1].paper_ids == ("2106.09685",)
    for paper in parsed.papers:
        original = bot.library.paper(paper.id)
        assert original is not None
        assert (paper.title, paper.authors, paper.year, paper.venue) == (
            original.title,
            original.authors,
            original.year,
            original.venue,
        )

    entries = files["reading-list.bib"].strip().split("\n\n")
    assert len(entries) == 4 and all(is_valid_bibtex(e) for e in entries)
    eprints = set(re.findall(r"eprint = \{([^}]+)\}", files["reading-list.bib"]))
    assert eprints == {*read, "2106.09685"}


async def test_forget_deletes_everything_after_the_confirmation(
    fake: FakeDiscord, bot: TestBot
) -> None:
    other = User(fake.new_id(), "other")
    await click_text(fake, await card_of(fake, "rwkv"), "rl:read:2305.13048")
    await click_text(fake, await card_of(fake, "mamba"), "rl:save:2312.00752")
    card = await card_of(fake, "rwkv", user=other)
    await (await fake.click(card, "rl:read:2305.13048", user=other)).wait()

    asked = await (await fake.slash("reading forget")).wait()
    prompt = asked.message
    assert prompt is not None and prompt.ephemeral and "2 marked papers" in prompt.content
    assert len(await bot.store.reading_marks(fake.member.id)) == 2  # nothing deleted yet
    done = await (await fake.click(prompt, f"rl:forget:{fake.member.id}")).wait()
    assert done.callback_type == 7 and prompt.content.startswith("Done: 2 marks deleted")
    assert await bot.store.reading_marks(fake.member.id) == []
    assert len(await bot.store.reading_marks(other.id)) == 1  # only theirs
    again = await (await fake.slash("reading forget")).wait()
    assert again.message is not None and again.message.content == "Nothing is stored about you."


async def test_forget_leaves_no_row_in_the_database(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    db = tmp_path / "bot.db"
    async with bot_running(db, library):
        await click_text(fake, await card_of(fake, "rwkv"), "rl:read:2305.13048")
        prompt = (await (await fake.slash("reading forget")).wait()).message
        assert prompt is not None
        await (await fake.click(prompt, f"rl:forget:{fake.member.id}")).wait()

    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT * FROM reading WHERE user_id = ?", (fake.member.id,)).fetchall()
    assert rows == []
    async with await Store.open(db) as store:
        assert await store.reading_marks(fake.member.id) == []


async def test_the_asker_alone_can_delete_a_public_card(fake: FakeDiscord, bot: TestBot) -> None:
    card = await card_of(fake, "rwkv")
    delete = f"rl:del:{fake.member.id}"
    assert delete in custom_ids(card)
    stranger = User(fake.new_id(), "stranger")
    refused = await (await fake.click(card, delete, user=stranger)).wait()
    assert refused.message is not None and refused.message.ephemeral
    assert "Only the person who asked" in refused.message.content
    assert not card.deleted
    await (await fake.click(card, delete)).wait()
    await fake.wait_until(lambda: card.deleted)
    assert not any(r.path.startswith("/channels/") for r in fake.requests if r.method == "DELETE")
