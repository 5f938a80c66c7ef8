"""The real bot, on a real SQLite file, against the fake Discord."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.client import ReadingListBot, ShardedReadingListBot
from bot.config import ARXIV_API_URL, Settings
from bot.library import Library
from bot.models import Catalogue
from bot.store import Store
from tests.conftest import DATA, NOW, Clock
from tests.fake_discord import FakeDiscord, running


class TestBot(ReadingListBot):
    """The bot as shipped, minus discord.py's 5-second wait before re-identifying."""

    __test__ = False

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        pass


class TestShardedBot(TestBot, ShardedReadingListBot):
    """The sharded bot as shipped (DISCORD_SHARDS), minus the same wait."""

    __test__ = False


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake
        assert fake.problems() == []


@pytest.fixture(scope="session")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


@contextlib.asynccontextmanager
async def bot_running(db: Path, library: Library, **options: Any) -> AsyncIterator[TestBot]:
    """Start the bot on the database at `db`; stop it and close the database on exit."""
    async with await Store.open(db) as store:
        await store.replace_catalogue(library.catalogue, now=NOW)
        # Metadata off unless a test turns it on against the fake arXiv and Semantic Scholar.
        settings = options.pop("settings", None) or Settings.from_mapping(
            {"READINGLIST_DB": str(db), "READINGLIST_METADATA": "off"}
        )
        if settings.arxiv_api_url == ARXIV_API_URL:  # never the real service from a test
            settings = replace(settings, metadata_enabled=False)
        options.setdefault("clock", Clock())
        cls = TestShardedBot if settings.sharded else TestBot
        client = cls(
            store=store, library=library, settings=settings, guild_ready_timeout=0.05, **options
        )
        async with running(client) as bot:
            yield bot


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path, library: Library) -> AsyncIterator[TestBot]:
    async with bot_running(tmp_path / "bot.db", library) as bot:
        yield bot
