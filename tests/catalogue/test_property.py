"""The parser never raises, whatever the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalogue import parse_catalogue

# Fragments of the list's own syntax, so generated texts reach deep into the parser.
FRAGMENTS = st.sampled_from(
    [
        "\n",
        "\n\n",
        "# ",
        "## ",
        "### ",
        "1. ",
        "10. ",
        "- ",
        "   ",
        "**",
        "*",
        "`",
        "``",
        "[[PDF](",
        "https://arxiv.org/abs/2305.13048",
        ")]",
        "[[Code]()]",
        ", 2020.",
        '{\\"{u}}',
        "{\\'e}",
        "<img src=x />",
        "[a](#b)",
        "\\",
        "et al.",
        " and ",
        ",",
        "Title",
        "Author",
        "{",
        "}",
        "{\\",
        "\x00",
        "\u200b",
        "\u202e",
        "😀",
        "\r\n",
        ">",
        "```",
        "|",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=60).map("".join))
def test_parser_never_raises_on_list_like_text(text: str) -> None:
    catalogue = parse_catalogue(text)
    assert catalogue.entries >= len({p.id for p in catalogue.papers}) or not catalogue.papers
    assert all(p.title for p in catalogue.papers)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parser_never_raises_on_any_text(text: str) -> None:
    catalogue = parse_catalogue(text)
    assert len({s.slug for s in catalogue.sections}) == len(catalogue.sections)
