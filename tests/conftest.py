"""Shared fixtures: paths to the real reading lists and the shipped data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.catalogue import SectionTable, parse_catalogue
from bot.models import Catalogue

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared" / "catalogues"
FULL_LIST = SHARED / "foundations-of-llms-paper-list.md"
CHAPTER_LIST = SHARED / "llm-chapter.md"
# The moment tests store things at: no test depends on the wall clock.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class Clock:
    """A clock tests set by hand: the bot reads the time from it, never from the wall."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def table() -> SectionTable:
    return SectionTable.from_toml(DATA / "sections.toml")


@pytest.fixture(scope="session")
def full(table: SectionTable) -> Catalogue:
    """The whole real-world list, read from ../shared."""
    return parse_catalogue(FULL_LIST.read_text(encoding="utf-8"), str(FULL_LIST), table)


@pytest.fixture(scope="session")
def chapter(table: SectionTable) -> Catalogue:
    """The commissioned list as shipped in data/."""
    path = DATA / "reading-list.md"
    return parse_catalogue(path.read_text(encoding="utf-8"), str(path), table)
