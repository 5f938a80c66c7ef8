"""The loader skips all work for an unchanged source, and does the heavy work off the loop."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

import bot.loader
from bot.config import Settings
from bot.loader import load_catalogue, open_library
from bot.store import Store
from tests.conftest import CHAPTER_LIST, FULL_LIST, NOW


def settings_for(path: Path, db: Path) -> Settings:
    return Settings.from_mapping({"READINGLIST_CATALOGUE": str(path), "READINGLIST_DB": str(db)})


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads the loader parsed in, one entry a parse."""
    seen: list[str] = []
    original = bot.loader._parse

    def parse(*args: object) -> object:
        seen.append(threading.current_thread().name)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.loader, "_parse", parse)
    return seen


async def test_an_unchanged_file_is_not_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    source = tmp_path / "list.md"
    shutil.copy(FULL_LIST, source)
    settings = settings_for(source, tmp_path / "db")
    async with await Store.open(settings.db_path) as store:
        first = await load_catalogue(store, settings, now=NOW)
        assert first.changed and len(parses) == 1
        again = await load_catalogue(store, settings, now=NOW, current=first.catalogue)
        assert not again.changed and again.catalogue == first.catalogue
        assert len(parses) == 1
    # a restart starts from the stored catalogue, without parsing the unchanged list
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=NOW)
        assert library.catalogue == first.catalogue
        assert len(parses) == 1


async def test_a_changed_file_is_parsed_in_a_worker_thread(
    tmp_path: Path, parses: list[str]
) -> None:
    source = tmp_path / "list.md"
    shutil.copy(CHAPTER_LIST, source)
    settings = settings_for(source, tmp_path / "db")
    async with await Store.open(settings.db_path) as store:
        await load_catalogue(store, settings, now=NOW)
        source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        report = await load_catalogue(store, settings, now=NOW)
    assert not report.changed  # a blank line more: same catalogue, parsed again to know it
    assert len(parses) == 2
    assert threading.main_thread().name not in parses


async def test_a_changed_section_table_parses_again(tmp_path: Path, parses: list[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(bot.loader.__file__).parent.parent / "data", data)
    source = tmp_path / "list.md"
    shutil.copy(CHAPTER_LIST, source)
    env = {"READINGLIST_CATALOGUE": str(source), "READINGLIST_DB": str(tmp_path / "db")}
    settings = Settings.from_mapping(env, data_dir=data)
    async with await Store.open(settings.db_path) as store:
        await load_catalogue(store, settings, now=NOW)
        table = settings.sections_table
        table.write_text(table.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        await load_catalogue(store, settings, now=NOW)
    assert len(parses) == 2
