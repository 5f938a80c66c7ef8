"""The loader skips all work for an unchanged source, and does the heavy work off the loop."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

import bot.loader
from bot.config import Settings
from bot.loader import load_catalogue, open_library
from bot.models import Catalogue
from bot.store import Store
from tests.conftest import CHAPTER_LIST, FULL_LIST, NOW


def settings_for(path: Path, db: Path) -> Settings:
    return Settings.from_mapping({"READINGLIST_CATALOGUE": str(path), "READINGLIST_DB": str(db)})


def editable_copy(tmp_path: Path) -> Settings:
    """Settings over copies of the chapter list and of the data folder (its tables), for
    tests that edit them."""
    data = tmp_path / "data"
    shutil.copytree(Path(bot.loader.__file__).parent.parent / "data", data)
    source = tmp_path / "list.md"
    shutil.copy(CHAPTER_LIST, source)
    env = {"READINGLIST_CATALOGUE": str(source), "READINGLIST_DB": str(tmp_path / "db")}
    return Settings.from_mapping(env, data_dir=data)


def threads_calling(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """The threads bot.loader's function `name` runs in, one entry a call."""
    seen: list[str] = []
    original = getattr(bot.loader, name)

    def recorded(*args: object) -> object:
        seen.append(threading.current_thread().name)
        return original(*args)

    monkeypatch.setattr(bot.loader, name, recorded)
    return seen


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads the loader parsed in, one entry a parse."""
    return threads_calling(monkeypatch, "_parse")


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
    settings = editable_copy(tmp_path)
    async with await Store.open(settings.db_path) as store:
        await load_catalogue(store, settings, now=NOW)
        table = settings.sections_table
        table.write_text(table.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        await load_catalogue(store, settings, now=NOW)
    assert len(parses) == 2


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads the loader built a search index in, one entry a build."""
    return threads_calling(monkeypatch, "_indexed")


async def test_a_restart_reads_the_stored_index_back(tmp_path: Path, builds: list[str]) -> None:
    """The index is stored with its catalogue and read back at start-up, not built again
    (issue 14); it answers as the one built."""
    source = tmp_path / "list.md"
    shutil.copy(FULL_LIST, source)
    settings = settings_for(source, tmp_path / "db")
    async with await Store.open(settings.db_path) as store:
        first = await load_catalogue(store, settings, now=NOW)
        assert first.index is not None and len(builds) == 1
        assert threading.main_thread().name not in builds
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=NOW)
    assert len(builds) == 1
    for query in ("rwkv", "tri dao", "selfrag", "papers on mixture of experts", "思维链"):
        found = [h.paper.id for h in library.index.search(query, 5).hits]
        assert found == [h.paper.id for h in first.index.search(query, 5).hits], query
        assert found, query


async def test_a_stale_or_damaged_index_is_built_again(tmp_path: Path, builds: list[str]) -> None:
    settings = editable_copy(tmp_path)
    async with await Store.open(settings.db_path) as store:
        await open_library(store, settings, now=NOW)
        assert len(builds) == 1
        # new nicknames: the stored index is another's, so it is built again, and stored
        aliases = settings.aliases_table
        aliases.write_text(aliases.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
        await open_library(store, settings, now=NOW)
        assert len(builds) == 2
        await open_library(store, settings, now=NOW)
        assert len(builds) == 2
        # bytes that are no index (or would run code) are refused, and the index rebuilt
        fingerprint = bot.loader.index_fingerprint(await _stored(store), settings)
        await store.save_search_index((await _stored(store)).digest, fingerprint, b"junk")
        library = await open_library(store, settings, now=NOW)
        assert len(builds) == 3 and library.index.search("rwkv").best is not None


async def _stored(store: Store) -> Catalogue:
    catalogue = await store.load_catalogue()
    assert catalogue is not None
    return catalogue


def test_the_load_summary_names_url_sources_without_their_secrets(tmp_path: Path) -> None:
    from bot.catalogue import SectionTable, parse_texts
    from bot.loader import LoadReport, summary, summary_lines

    url = "https://reader:pa55@lists.example.org/llm/list.md?token=s3cret#top"
    text = "## Models\n\n1. **A paper**. Someone. 2020. [PDF](https://arxiv.org/abs/2001.00001)\n2. ??\n"
    catalogue = parse_texts([(url, text)], SectionTable())
    assert catalogue.problems  # the second entry cannot be read: its source is named too
    shown = "\n".join(summary_lines(LoadReport(catalogue, changed=True), tmp_path / "x.db"))
    shown += json.dumps(summary(catalogue))
    assert "https://lists.example.org/llm/list.md" in shown
    assert "s3cret" not in shown and "pa55" not in shown and "#top" not in shown
