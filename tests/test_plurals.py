"""Counts read as English (issue 15): "1 paper", not "1 papers"; empty queries ask for one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import reading
from bot.i18n import MESSAGES, t
from bot.library import Library
from bot.models import Catalogue
from bot.replies import author_reply, export_reply, find_reply
from tests.conftest import DATA, NOW
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
        ("reading.footer", {"page": 1, "pages": 1, "n": 1}, "Page 1/1 · 1 paper · /reading list"),
        ("export.read_count", {"n": 1}, "1 paper read"),
        ("forget.confirm", {"n": 1}, "This deletes everything stored about you: 1 marked paper "),
        ("forget.done", {"n": 1}, "Done: 1 mark deleted."),
        ("progress.more", {"n": 1}, "… and 1 more section: /progress section"),
        ("time.days", {"n": 1}, "a day"),
    ],
)
def test_a_count_of_one_reads_singular(key: str, values: dict[str, int], english: str) -> None:
    assert t("en", key, **values).startswith(english)


# Messages counting {n} things that never count one: the count is always two or more, or
# fixed in the code.
NEVER_ONE = {
    "paper.ambiguous": "several papers fit",
    "source.redirects": "a constant limit",
    "card.cited": "card.cited_once says once",
}


def test_every_count_of_things_has_a_singular_form() -> None:
    counted = re.compile(r"\{n\}(?: more)? [a-z]+s\b")
    missing = [
        key
        for key, (english, _) in MESSAGES.items()
        if counted.search(english) and f"{key}_one" not in MESSAGES and key not in NEVER_ONE
    ]
    assert missing == []


def test_export_counts_read_papers_in_english(library: Library) -> None:
    paper = library.catalogue.papers[0]
    marks = [reading.toggled(None, paper, "read", NOW)]
    assert export_reply(library, marks, "en").content.startswith(
        "Your list: 1 paper read, 0 saved for later"
    )
    assert export_reply(library, marks, "zh").content.startswith(
        "你的列表：已读 1 篇，稍后阅读 0 篇"
    )


def test_check_summary_counts_in_english(tmp_path: Path) -> None:
    one = tmp_path / "one.md"
    one.write_text("# C\n## S\n1. **Only Paper.** `x`\n   *A B.*\n", encoding="utf-8")
    args = ("--catalogue", str(one), "--db", str(tmp_path / "x.db"))
    out = cli("check", *args)
    assert out.returncode == 1, out.stderr
    assert out.stdout.splitlines()[-1] == (
        "1 finding in 1 paper (0 with metadata; `readinglist-bot enrich` fetches it): "
        "1 missing-year"
    )


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
