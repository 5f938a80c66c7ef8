"""Metadata in the running bot: fetched in the background after start-up and after a
reload, never in a command's way, shown on cards and behind the Abstract button."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from bot.catalogue import SectionTable, parse_catalogue
from bot.config import Settings
from bot.library import Library
from bot.models import Catalogue
from tests.conftest import CHAPTER_LIST, DATA
from tests.e2e.conftest import TestBot, bot_running
from tests.e2e.test_commands import buttons
from tests.fake_discord import FakeDiscord
from tests.fake_metadata import FakeMetadata, from_catalogue


def settings_for(meta: FakeMetadata, db: Path, catalogue: Path | None = None) -> Settings:
    env = {
        "READINGLIST_DB": str(db),
        "ARXIV_API_URL": meta.arxiv_url,
        "SEMANTIC_SCHOLAR_API_URL": meta.scholar_url,
    }
    if catalogue is not None:
        env["READINGLIST_CATALOGUE"] = str(catalogue)
    # The politeness delays are parameters: the fakes need none.
    return replace(Settings.from_mapping(env), arxiv_interval=0, scholar_interval=0)


async def settled(bot: TestBot) -> None:
    assert bot.metadata is not None
    await asyncio.wait_for(bot.metadata.settled.wait(), 10)


async def test_cards_gain_what_the_paper_is_about_after_start_up(
    fake: FakeDiscord, tmp_path: Path, library: Library, full: Catalogue
) -> None:
    async with from_catalogue(full) as meta:
        settings = settings_for(meta, tmp_path / "db")
        async with bot_running(tmp_path / "db", library, settings=settings) as bot:
            await settled(bot)
            answer = await (await fake.slash("paper", {"query": "rwkv"})).wait()
            card = answer.message
            assert card is not None
            assert card.embeds[0]["description"].startswith("**TL;DR** This paper introduces RWKV")
            assert " · cited " in card.embeds[0]["description"]
            assert list(buttons(card)) == [
                "PDF",
                "arXiv",
                "Code",
                "Abstract",
                "Cite (BibTeX)",
                "◀ Previous in section",
                "Next in section ▶",
                "Mark read / Unread",
                "Save for later",
                "🗑",
            ]
            assert buttons(card)["PDF"]["url"] == "https://arxiv.org/pdf/2305.13048"
            abstract = await (await fake.click(card, "rl:abs:2305.13048")).wait()
            assert abstract.message is not None and abstract.message.ephemeral
            assert abstract.message.embeds[0]["description"].startswith("We study RWKV")
            # The search found the paper by a word only its abstract holds (issue 12).
            found = await (await fake.slash("paper", {"query": "zq30513048"})).wait()
            assert found.message is not None and "RWKV" in found.message.embeds[0]["title"]
            about = await (await fake.slash("about")).wait()
            assert about.message is not None and "CC0" in str(about.message.embeds)
        requests = len(meta.requests)
        # A restart shows the stored metadata at once and fetches nothing: none is due.
        async with bot_running(tmp_path / "db", library, settings=settings) as bot:
            assert bot.library.metadata("2305.13048") is not None
            await settled(bot)
        assert len(meta.requests) == requests


async def test_a_slow_source_never_delays_a_command(
    fake: FakeDiscord, tmp_path: Path, library: Library, full: Catalogue
) -> None:
    async with from_catalogue(full) as meta:
        meta.hold = asyncio.Event()  # every metadata answer waits
        settings = settings_for(meta, tmp_path / "db")
        async with bot_running(tmp_path / "db", library, settings=settings) as bot:
            await asyncio.wait_for(_until(lambda: bool(meta.requests)), 5)
            answer = await (await fake.slash("paper", {"query": "mamba"})).wait(timeout=2)
            assert answer.message is not None  # answered while arXiv is still thinking
            assert "TL;DR" not in answer.message.embeds[0]["description"]
            meta.hold.set()
            await settled(bot)
            later = await (await fake.slash("paper", {"query": "mamba"})).wait()
            assert later.message is not None
            assert later.message.embeds[0]["description"].startswith("**TL;DR**")


async def test_a_reload_fetches_only_the_new_papers(fake: FakeDiscord, tmp_path: Path) -> None:
    path = tmp_path / "list.md"
    text = CHAPTER_LIST.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    sections = SectionTable.from_toml(DATA / "sections.toml")
    chapter = parse_catalogue(text, str(path), sections)
    grown_text = text + (
        "\n1. **TriForce: Lossless Acceleration of Long Sequence Generation.** `arXiv`\n"
        "   *Hanshi Sun, Zhuoming Chen.* [[PDF](https://arxiv.org/abs/2404.11912)], 2024.\n"
    )
    grown = parse_catalogue(grown_text, str(path), sections)
    async with from_catalogue(grown) as meta:
        settings = settings_for(meta, tmp_path / "db", path)
        library = Library.build(chapter, settings.aliases_table)
        async with bot_running(tmp_path / "db", library, settings=settings) as bot:
            await settled(bot)
            meta.requests.clear()
            path.write_text(grown_text, encoding="utf-8")
            report = await bot.reload()
            assert report.changed
            await settled(bot)
            [asked] = meta.of("/api/query")
            assert asked.query["id_list"] == "2404.11912"
            [batch] = meta.of("/graph/v1/paper/batch")
            assert batch.body["ids"] == ["ARXIV:2404.11912"]
            assert bot.library.metadata("2404.11912") is not None


async def _until(predicate: object) -> None:
    while not predicate():  # type: ignore[operator]
        await asyncio.sleep(0.01)
