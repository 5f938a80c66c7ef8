"""Find in reading list: references in a message, looked up in the list."""

from __future__ import annotations

import pytest

from bot.finder import proposed_entry, references
from bot.library import Library
from bot.models import Catalogue
from bot.replies import find_reply
from tests.conftest import DATA
from tests.fake_discord import limits


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("see https://arxiv.org/abs/2312.00752v2.", [("arxiv", "2312.00752")]),
        ("arXiv:2201.11903 and 2305.13048", [("arxiv", "2201.11903"), ("arxiv", "2305.13048")]),
        (
            "https://arxiv.org/pdf/1706.03762 https://arxiv.org/abs/1706.03762",
            [("arxiv", "1706.03762")],
        ),
        ("code: https://github.com/state-spaces/mamba)", [("link", None)]),
        (
            "read “Lost in the middle: How language models use long contexts” today",
            [("title", None)],
        ),
        ("《Attention is all you need》", [("title", None)]),
        ("version 1.2.3, nothing else", []),
        ("", []),
    ],
)
def test_references(text: str, found: list[tuple[str, str | None]]) -> None:
    assert [(r.kind, r.arxiv_id) for r in references(text)] == found


def test_two_arxiv_links_one_listed_one_not(library: Library) -> None:
    reply = find_reply(
        library, "https://arxiv.org/abs/2305.13048 vs https://arxiv.org/abs/2501.01234v1", lang="en"
    )
    assert reply.ephemeral
    assert [e.title for e in reply.embeds] == ["RWKV: Reinventing RNNs for the Transformer Era"]
    assert "1 of the 2 references is in the reading list." in reply.content
    assert "Not in the reading list: https://arxiv.org/abs/2501.01234v1" in reply.content
    assert proposed_entry("2501.01234") in reply.content
    assert limits.message_errors(reply.payload()) == []


def test_proposed_entry_parses_as_an_entry_of_the_list() -> None:
    from bot.catalogue import parse_catalogue

    entry = proposed_entry("2501.01234").replace("TITLE", "A new paper").replace("AUTHORS", "A B")
    [paper] = parse_catalogue("# C\n## S\n" + entry + "\n").papers
    assert (paper.id, paper.title, paper.year) == ("2501.01234", "A new paper", 2025)


def test_links_titles_and_nothing(library: Library) -> None:
    reply = find_reply(
        library,
        'try https://github.com/BlinkDL/RWKV-LM and "Scaling laws for neural language models"',
        lang="en",
    )
    assert [e.title for e in reply.embeds] == [
        "RWKV: Reinventing RNNs for the Transformer Era",
        "Scaling laws for neural language models",
    ]
    nothing = find_reply(library, "good morning everyone", lang="en")
    assert nothing.embeds == () and "no arXiv id, link or quoted title" in nothing.content


def test_many_references_stay_within_limits(library: Library) -> None:
    text = " ".join(
        f"https://arxiv.org/abs/{p.arxiv_id}" for p in library.catalogue.papers if p.arxiv_id
    )
    text += " " + " ".join(f"https://arxiv.org/abs/2501.{n:05d}" for n in range(30))
    reply = find_reply(library, text, lang="en")
    assert len(reply.embeds) == 5
    assert limits.message_errors(reply.payload()) == []
    assert reply.content.count("```") % 2 == 0
