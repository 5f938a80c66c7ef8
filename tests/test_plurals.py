"""Counts read as English (issue 15): "1 paper", not "1 papers"; empty queries ask for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import MESSAGES, t
from bot.library import Library
from bot.models import Catalogue
from bot.replies import author_reply, find_reply
from tests.conftest import DATA
from tests.test_cli import cli


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


@pytest.mark.parametrize(
    ("key", "values", "english"),
    [
        ("author.footer", {"n": 1}, "1 paper in the reading list"),
        ("author.footer", {"n": 2}, "2 papers in the reading list"),
        ("about.problems", {"n": 1}, "1 entry could not be read"),
        ("section.count", {"n": 1}, "1 paper"),
        ("diff.added", {"n": 1}, "1 paper added"),
        ("search.footer", {"page": 1, "pages": 1, "n": 1}, "Page 1/1 · 1 paper · /search"),
        ("search.footer", {"page": 1, "pages": 2, "n": 12}, "Page 1/2 · 12 papers, best first"),
    ],
)
def test_a_count_of_one_reads_singular(key: str, values: dict[str, int], english: str) -> None:
    assert t("en", key, **values).startswith(english)


def test_every_singular_form_belongs_to_a_message() -> None:
    singular = [k for k in MESSAGES if k.endswith("_one")]
    assert singular and all(k.removesuffix("_one") in MESSAGES for k in singular)


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("see arXiv:2305.13048", "The reference is in the reading list."),
        ("arXiv:2305.13048 and arXiv:2201.11903", "All 2 references are in the reading list."),
        ("arXiv:2305.13048 and arXiv:2999.99999", "1 of the 2 references is in the reading list."),
    ],
)
def test_find_counts_its_references_in_english(library: Library, text: str, sentence: str) -> None:
    assert sentence in find_reply(library, text, "en").content


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_empty_author_query_asks_for_a_name(library: Library, lang: str) -> None:
    reply = author_reply(library, "  ", lang)
    assert reply.ephemeral and '""' not in reply.content
    assert reply.content == t(lang, "author.empty")


def test_load_summary_counts_in_english(tmp_path: Path) -> None:
    one = tmp_path / "one.md"
    one.write_text("# C\n## S\n1. **Only Paper.** `x`\n   *A B.*\n", encoding="utf-8")
    out = cli("load", "--catalogue", str(one), "--db", str(tmp_path / "x.db"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("1 paper (1 entry) in 1 section from ")
