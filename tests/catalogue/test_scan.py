"""The scanner (bot.catalogue.scan) reads exactly what markdown-it reads, or gives up.

markdown-it is the reference: every text is parsed with the scanner on and off and the
blocks and problems compared. The texts are entry-like markdown (bold titles, code venues,
emphasised authors, links with odd targets, headings with <img> icons, continuation lines
indented every way, fences, Chinese text, CRLF, tabs) with the characters that change
what markdown means sprinkled in, so both the scanner's paths and its refusals are met.
"""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.catalogue import parse_texts
from bot.catalogue.parse import _chunks, _Reader, parse_markdown
from tests.benchmarks.generate import generate_list
from tests.conftest import CHAPTER_LIST, FULL_LIST

# Plain words and punctuation that means nothing to markdown mid-line; now and then (see
# `sprinkled`) a character that does.
PLAIN = st.sampled_from(
    [
        *("Attention", "is all", "you need", "Mamba", "GPT-4", "大语言模型", "综述", "Schütze"),
        *("é", "a", "2020", "1999", " ", " ", ". ", ", ", ": ", "(x)", "!", "&", "#1", "~", "|"),
        *("'", "-", "?"),
    ]
)
ODD = st.sampled_from(
    [
        *"*_`[]()<>\\!&#~|.,:;'\"-+=/",
        *("\t", "\u3000", "\xa0", "\u200b", "\x00", "  ", "\n", "\n\n", "\n1. ", "\n- ", "&amp;"),
    ]
)
WORDS = st.lists(PLAIN, min_size=1, max_size=6).map("".join)
CLEAN_WORDS = WORDS.map(lambda w: w.strip(" ") or "x")
URL = st.sampled_from(
    ["https://arxiv.org/abs/2305.13048", "https://arxiv.org/pdf/2001.08361v2"] * 4
    + ["github.com/a_b/c.git", "https://github.com/x/y", "", "https://x.org/?a=1&b=2"] * 2
    + [
        " https://x.org ",
        "\n   https://x.org/a.\n   ",
        "javascript:alert(1)",
        "data:text/html,1",
        "https://x.org/a(b)",
        "https://x.org/a*b*",
        "http://例子.中国/é",
        "https://x.org/?a=1&amp;b=2",
        "https://x.org/a\\_b",
        "<https://x.org>",
        "#anchor",
        "https://x.org 'title'",
    ]
)
INLINE = st.one_of(
    WORDS,
    WORDS.map(lambda w: f" **{w}**"),
    WORDS.map(lambda w: f" *{w}*"),
    WORDS.map(lambda w: f" `{w}`"),
    st.sampled_from(["``", " ", ", 2020.", ", 2023", "et al.", " and ", ", ", "<img src=x />"]),
    st.tuples(st.sampled_from(["PDF", "Code", "x", ""]), URL).map(lambda t: f"[[{t[0]}]({t[1]})]"),
    st.tuples(st.sampled_from(["PDF", "Code"]), URL).map(lambda t: f" [{t[0]}]({t[1]})"),
)
RUN = st.lists(INLINE, max_size=4).map("".join)
INDENT = st.sampled_from(["", "   ", "   ", "    ", "    ", " ", "  ", "     ", "        ", "\t"])
CANONICAL_RUN = st.lists(
    st.sampled_from(
        [
            *(" [[PDF](https://arxiv.org/abs/2305.13048)]", "[[Code](https://github.com/x/y)]"),
            *(" [[Code]()]", ", 2020.", ", 2023", " ", "  "),
        ]
    ),
    max_size=4,
).map("".join)


def pick(clean: bool, usual: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(usual if clean else usual + odd)


@st.composite
def entry(draw: st.DrawFn, clean: bool) -> str:
    """A numbered entry: a title line and continuation lines, as the lists write them."""
    number = draw(pick(clean, ["1", "2", "3", "10", "15"], ["99", "0", "1234567890"]))
    marker = draw(pick(clean, ["."], [")"]))
    gap = draw(pick(clean, [" ", "  "], ["   ", "    ", "     ", ""]))
    title = draw(CLEAN_WORDS if clean else WORDS)
    close = draw(pick(clean, ["**"], ["** ", "*", "***", " **"]))
    venue = draw(pick(clean, [" `arXiv`", " `NeurIPS`    ", " ``", ""], [" `a``b`", "`x`"]))
    run = draw(CANONICAL_RUN if clean else st.one_of(CANONICAL_RUN, RUN))
    lines = [f"{number}{marker}{gap}**{title}{close}{venue}{run}"]
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "", "   "])))
        words = st.lists(CLEAN_WORDS, min_size=1, max_size=3) if clean else st.lists(WORDS)
        authors = draw(st.sampled_from([", ", " and ", " ", "\n"])).join(draw(words))
        run = draw(CANONICAL_RUN if clean else st.one_of(CANONICAL_RUN, RUN))
        indent = draw(INDENT if not clean else st.sampled_from(["", "  ", "   ", "    "]))
        lines.append(f"{indent}*{authors}*{run}")
    return "\n".join(lines)


HEADING = st.tuples(
    st.sampled_from(["#", "##", "##", "###", "####", " ##", "#######", "##\t", "##\xa0"]),
    st.sampled_from(["", '<img src="..\\figure\\star.svg" width="25" height="25" />']),
    WORDS,
).map(lambda t: f"{t[0]} {t[1]}{t[2]}")
CLEAN_HEADING = st.tuples(st.sampled_from(["##", "###"]), CLEAN_WORDS).map(" ".join)
CLEAN_LINE = st.one_of(
    entry(clean=True), entry(clean=True), entry(clean=True), CLEAN_HEADING, st.just("")
)
LINE = st.one_of(
    entry(clean=False),
    entry(clean=True),
    HEADING,
    st.tuples(INDENT, RUN).map("".join),
    st.sampled_from(["", "", "   ", "```", "~~~", "- [a](#a)", "  - [b](#b)", "> quote", "---"]),
    st.sampled_from(["* bullet", "- **T.** *A*", "<div>", "1.", "1.  ", "2. just words"]),
)


@st.composite
def sprinkled(draw: st.DrawFn) -> str:
    """Entry-like lines, mostly in the lists' own shape, with odd lines and characters put
    anywhere in some texts."""
    mixed = st.lists(st.one_of(CLEAN_LINE, CLEAN_LINE, CLEAN_LINE, LINE), max_size=25)
    lines = draw(st.one_of(st.lists(CLEAN_LINE, max_size=25), mixed))
    text = draw(st.sampled_from(["\n", "\n", "\r\n"])).join(lines)
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(ODD) + text[at:]
    return text


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sprinkled())
@example("## s\n1. **T.** `x`\n   *A B.* [[PDF](https://x.org)], 2020")
@example("## s\n10. **T.** `x`\n\n   *A B.*[[PDF](https://x.org)], 2020.")
@example("## s\n*A B.*\n2. **T.** *C*")
def test_the_scanner_reads_exactly_what_markdown_it_reads(text: str) -> None:
    assert parse_markdown(text, "t.md") == parse_markdown(text, "t.md", scan=False)


@pytest.mark.parametrize(
    "text",
    [
        generate_list(300, seed=3),
        generate_list(300, seed=4, per_section=3),
        FULL_LIST.read_text(encoding="utf-8"),
        CHAPTER_LIST.read_text(encoding="utf-8"),
    ],
    ids=["generated", "generated-small-sections", "full-list", "chapter"],
)
def test_the_scanner_reads_the_lists_as_markdown_it_does(text: str) -> None:
    assert parse_markdown(text, "l.md") == parse_markdown(text, "l.md", scan=False)


def test_the_scanner_reads_every_section_of_a_generated_list() -> None:
    """Its speed comes from reading the lists' own shape: every piece of a generated list
    but the first (a table of contents, a bullet list) is read without markdown-it."""
    lines = generate_list(2_000, seed=5).split("\n")
    reader = _Reader(lines, "g.md")
    read = [reader.scan(start, end) for start, end in _chunks(lines)]
    assert read[0] is False
    assert all(read[1:]) and len(read) > 50


def test_the_scanner_gives_up_on_what_it_does_not_know() -> None:
    for text in ["## s\n1. **T** <b>x</b>", "## s\n1. **T\\*.**", "## s\n- **T.**", "## s\n\tx"]:
        lines = text.split("\n")
        assert _Reader(lines, "t.md").scan(0, len(lines)) is False, text


def test_parsing_leaves_the_garbage_collector_as_it_found_it() -> None:
    """parse_texts pauses the cyclic collector while it parses (see its docstring), and
    gives it back running if it was, paused if it was not."""
    text = generate_list(20)
    assert gc.isenabled()
    parse_texts([("a.md", text)])
    assert gc.isenabled()
    gc.disable()
    try:
        parse_texts([("a.md", text)])
        assert not gc.isenabled()
    finally:
        gc.enable()
