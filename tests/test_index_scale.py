"""The search index's shape at scale (issue 14): what it keeps grows with the list's size,
not with its authors' and title words' every combination. Sizes and object counts, not
seconds: tests/benchmarks/startup.py measures the time."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from bot.catalogue import SectionTable, parse_catalogue
from bot.catalogue.aliases import read_aliases
from bot.chinese import read_glossary
from bot.config import PACKAGE_DATA
from bot.search import SearchIndex
from tests.benchmarks.generate import generate_list


@pytest.fixture(scope="module")
def indexes() -> dict[int, SearchIndex]:
    table = SectionTable.from_toml(PACKAGE_DATA / "sections.toml")
    aliases = read_aliases(PACKAGE_DATA / "aliases.toml")
    glossary = read_glossary(PACKAGE_DATA / "glossary.toml")
    return {
        n: SearchIndex(parse_catalogue(generate_list(n), str(n), table), aliases, glossary)
        for n in (500, 2000)
    }


def _objects(index: SearchIndex) -> int:
    """The containers (dicts, lists, sets: what the collector tracks) a stored index is
    read back as."""
    data = index.dumps()
    gc.collect()
    before = len(gc.get_objects())
    again = SearchIndex.loads(data, index.catalogue, index.aliases, index.glossary)
    count = len(gc.get_objects()) - before
    assert again.search("transformer").hits
    return count


def test_the_stored_index_grows_linearly(indexes: dict[int, SearchIndex]) -> None:
    small, large = (len(indexes[n].dumps()) for n in (500, 2000))
    assert large / small <= 4 * 1.15  # 4x the papers: at most ~4x the bytes
    assert large / 2000 < 1000  # bytes a paper (about 900; the index held 4 KB a paper)


def test_the_index_holds_few_objects_a_paper(indexes: dict[int, SearchIndex]) -> None:
    # A dict per posting and per name, and an object per name and paper, were over 30.
    small, large = (_objects(indexes[n]) for n in (500, 2000))
    assert large / 2000 < 8
    assert large / small <= 4 * 1.15


def _memory(index: SearchIndex) -> int:
    """The bytes a stored index takes once read back."""
    data = index.dumps()
    gc.collect()
    tracemalloc.start()
    try:
        again = SearchIndex.loads(data, index.catalogue, index.aliases, index.glossary)
        size = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert again.search("transformer").hits
    return size


def test_the_index_memory_a_paper_is_small(indexes: dict[int, SearchIndex]) -> None:
    # What each further paper costs (the glossary and the vocabulary are shared): about
    # 1,550 bytes; dicts of the links, arXiv ids and names, and sets of section members,
    # took 2,100.
    small, large = (_memory(indexes[n]) for n in (500, 2000))
    assert (large - small) / 1500 < 1800
    assert large / small <= 4 * 1.15
