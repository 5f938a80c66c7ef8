"""Malformed reading lists: parsed in bounded time, stored whole or not at all, loaded or
refused in one line with the previous catalogue kept.

The lists are generated here (none is committed): binary junk, the real list truncated (also
inside a UTF-8 sequence), a 10 MB line, deep nesting, only headings, repeats, encodings and
line endings, HTML and fenced code, and entries with 10,000 authors, a 50,000-character title
or 10,000 links. A failure names the list (the test id).
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from bot import replies
from bot.catalogue import CatalogueError, SectionTable, parse_texts
from bot.catalogue.assemble import Document, assemble
from bot.catalogue.diff import drops_most
from bot.catalogue.parse import Entry, Heading, ParsedText
from bot.config import Settings
from bot.library import Library
from bot.loader import load_catalogue
from bot.models import Catalogue
from bot.sources import SourceError, decode_text
from bot.store import Store, StoreError
from tests.conftest import DATA, FULL_LIST, NOW
from tests.fake_discord import limits

# No list, however malformed, parses more than PARSE_RATIO times slower per character than
# the real list, timed in the same run so that a busy machine slows both alike (the slowest
# here is 5 to 10 times; the quadratic cases this file found were hundreds of times). A tiny
# list costs what _OVERHEAD_CHARS characters of the real list do. Absolute figures:
# `python -m tests.benchmarks.hostile_parse`.
PARSE_RATIO = 30.0
_OVERHEAD_CHARS = 10_000
# Assembling 10 times the entries takes at most this many times as long (linear: about 10).
ASSEMBLE_RATIO = 30.0
_ENTRY = (
    "1. **A title.** `Venue`\n"
    "   *Ann Author, Bob Author.* [[PDF](https://arxiv.org/abs/2305.13048)], 2023\n"
)


def malformed_lists() -> list[tuple[str, bytes]]:
    """(label, bytes) of every malformed list; labels are unique."""
    rng = random.Random(20)
    full = FULL_LIST.read_bytes()
    text = full.decode("utf-8")
    cases: list[tuple[str, bytes]] = []
    for n in range(3):
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1_000, 100_000)))
        cases.append((f"binary-{n}", junk))
    cases.append(("binary-nul-heavy", b"\x00" * 5_000 + b"## x\n" + b"\x00\xff" * 5_000))
    # The real list cut at 20 offsets: 10 anywhere, 10 moved onto a UTF-8 continuation byte,
    # so the cut falls inside a character.
    for n in range(10):
        cut = rng.randrange(len(full))
        cases.append((f"truncated-{n}-at-{cut}", full[:cut]))
    for n in range(10):
        cut = rng.randrange(len(full) - 1000)
        while not 0x80 <= full[cut] < 0xC0:
            cut += 1
        cases.append((f"truncated-mid-utf8-{n}-at-{cut}", full[:cut]))
    cases.append(("10mb-single-line", b"1. **" + b"x" * (10 * 2**20) + b".** *a*"))
    cases += [
        (label, body.encode())
        for label, body in {
            "nested-bullets-500": "".join("  " * d + "- **t.** *a*\n" for d in range(500)),
            "nested-ordered-500": "".join("   " * d + "1. **t.** *a*\n" for d in range(500)),
            "nested-markers-500-one-line": "## s\n" + "- " * 250 + "1. " * 250 + "**t.** *a*\n",
            "quotes-500": "## s\n" + ">" * 500 + " 1. **t.** *a*\n",
            "quotes-500-spaced": "## s\n" + "> " * 500 + "1. **t.** *a*\n" + _ENTRY,
            "headings-only-1000": "".join(f"{'#' * (1 + n % 6)} h {n}\n" for n in range(1000)),
            "same-heading-20000": "## s\n" * 20_000,
            "empty": "",
            "whitespace-only": " \t\n\r\n \u00a0\u3000\n\t ",
            "toc-only": text.split("## 语言模型基础")[0],
            "crlf": text.replace("\n", "\r\n"),
            "cr-only": text.replace("\n", "\r"),
            "mixed-tabs": "\n".join(
                line.replace("   ", "\t", 1) if n % 2 else line
                for n, line in enumerate(text.split("\n"))
            ),
            "html-blocks": "## s\n<div>\n\n"
            + _ENTRY
            + "\n</div>\n<table><tr><td>\n"
            + _ENTRY
            + "</td></tr></table>\n<!--\n"
            + _ENTRY
            + "-->\n<script>\n"
            + _ENTRY
            + "</script>\n"
            + _ENTRY,
            "fenced-fake-entries": "## s\n```\n"
            + _ENTRY * 50
            + "```\n~~~\n## fake heading\n"
            + _ENTRY * 50
            + "~~~\n"
            + _ENTRY,
            "unclosed-fence": "## s\n" + _ENTRY + "```\n" + _ENTRY * 50,
            "10000-authors": "## s\n1. **Title.** `V`\n   *"
            + ", ".join(f"Given{n} Surname{n}" for n in range(10_000))
            + ".* [[PDF](https://arxiv.org/abs/2305.13048)], 2023\n",
            "10000-authors-bibtex": "## s\n1. **Title.** `V`\n   *"
            + " and ".join(f"Surname{n}, Given{n}" for n in range(10_000))
            + ".*, 2023\n",
            "title-50000": "## s\n1. **" + "word " * 10_000 + ".** `V`\n   *A B.*, 2023\n",
            "title-50000-one-word": "## s\n1. **" + "w" * 50_000 + ".** *A B.*, 2023\n",
            "10000-links": "## s\n1. **Title.** `V`\n   *A B.* "
            + "".join(f"[[L{n}](https://e.com/{n})]" for n in range(10_000))
            + ", 2023\n",
            "10000-arxiv-links": "## s\n1. **Title.** *A B.* "
            + "".join(f"[[PDF](https://arxiv.org/abs/2312.{10_000 + n})]" for n in range(10_000))
            + "\n",
            "one-title-10000-times-own-link": "## s\n"
            + "".join(f"{n}. **T.** *a* [[x](https://e.com/{n})]\n" for n in range(10_000)),
            "one-section-10000-entries": "## s\n"
            + "".join(f"{n}. **t{n}.** *a*\n" for n in range(10_000)),
            "latex-20000-distinct-groups": "## s\n1. **"
            + "".join(f"{{\\'{n:x}}}" for n in range(20_000))
            + ".** *A*\n",
            "latex-unclosed": '## s\n1. **T{\\"{u}}' + "{\\" * 5_000 + ".** *A*\n",
            "emphasis-bomb": "## s\n1. **T.** " + "*a _b " * 20_000 + "\n",
            "brackets-bomb": "## s\n1. **T.** " + "[" * 20_000 + "](" * 5_000 + "\n",
            "mentions-and-markdown": "## @everyone <@&1>\n1. **@everyone ||x|| <@1>.** `<@1>`\n"
            "   *@here, <@!2>.* [[PDF](javascript:alert(1))][[Code](<@&1>)], 2023\n",
            "control-characters": "## s\x01\x02\n1. **t\x07\x1b[31m.** `v\x0b`\n   *a\x0c b.*, 2023\n"
            + _ENTRY,
            "bidi-and-zero-width": "## \u202es\u2066\n1. **\u200b\ufeff.** *\u202e*\n" + _ENTRY,
            "heading-junk": "#\n" * 500 + "######\n" * 500 + "####### seven\n" + _ENTRY,
            "entries-before-any-heading": _ENTRY * 3 + "## s\n" + _ENTRY,
            "only-bullets-of-anchors": "- [a](#a)\n- [b](#b)\n",
        }.items()
    ]
    cases += [
        ("full-list-5-times", full * 5),
        ("utf8-bom", b"\xef\xbb\xbf" + full),
        ("utf16", text[:2000].encode("utf-16")),
        ("latin1", "## sé\n1. **tï.** *ä*\n".encode("latin-1")),
        ("encoded-surrogate", b"## s\n1. **t\xed\xa0\x80.** *a*\n"),
        ("overlong-utf8", b"## s\n1. **t\xc0\xaf.** *a*\n"),
    ]
    labels = [label for label, _ in cases]
    assert len(labels) == len(set(labels)), "labels must be unique"
    return cases


CASES = malformed_lists()
IDS = [label for label, _ in CASES]


def as_text(raw: bytes) -> str:
    """What the parser is given: the bytes decoded leniently."""
    return raw.decode("utf-8", errors="replace")


@cache
def parsed(label: str) -> Catalogue:
    """A malformed list parsed once for all the tests that use it (the parse test times its
    own parse)."""
    raw = dict(CASES)[label]
    table = SectionTable.from_toml(DATA / "sections.toml")
    return parse_texts([(f"{label}.md", as_text(raw))], table)


def test_the_corpus_is_what_the_brief_asks_for() -> None:
    labels = " ".join(IDS)
    assert len(CASES) >= 40
    assert labels.count("truncated-") == 20 and labels.count("truncated-mid-utf8-") == 10
    assert max(len(raw) for _, raw in CASES) >= 10 * 2**20


def _parse_seconds(text: str, table: SectionTable) -> tuple[Catalogue, float]:
    start = time.perf_counter()
    catalogue = parse_texts([("list.md", text)], table)
    return catalogue, time.perf_counter() - start


def _real_list_rate() -> float:
    """Seconds per character of parsing the real list, now."""
    table = SectionTable.from_toml(DATA / "sections.toml")
    text = FULL_LIST.read_text(encoding="utf-8")
    return min(_parse_seconds(text, table)[1] for _ in range(2)) / len(text)


_reference_rate = cache(_real_list_rate)


def slowdown(seconds: float, text: str, rate: float) -> float:
    """How many times slower per character than the real list (at `rate`) `text` parsed."""
    return seconds / (rate * (len(text) + _OVERHEAD_CHARS))


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_parsing_is_bounded_and_reports_what_it_cannot_read(
    table: SectionTable, label: str, raw: bytes
) -> None:
    text = as_text(raw)
    catalogue, seconds = _parse_seconds(text, table)
    ratio = slowdown(seconds, text, _reference_rate())
    if ratio > PARSE_RATIO:  # timed again beside a fresh reference: a pause is not a bug
        again = _parse_seconds(text, table)[1]
        ratio = min(ratio, slowdown(again, text, _real_list_rate()))
    assert ratio <= PARSE_RATIO, f"parsed {ratio:.0f} times slower per character than the real list"

    lines = len(text.splitlines()) + 1
    for problem in catalogue.problems:
        assert 1 <= problem.line <= lines and problem.message and len(problem.text) <= 500
    slugs = {s.slug for s in catalogue.sections}
    assert len(slugs) == len(catalogue.sections)
    ids = {p.id for p in catalogue.papers}
    assert len(ids) == len(catalogue.papers)
    for paper in catalogue.papers:
        assert paper.id and len(paper.id) <= 60 and paper.title
        assert paper.sections and set(paper.sections) <= slugs
    for section in catalogue.sections:
        assert set(section.paper_ids) <= ids
        assert len(section.slug) <= 81  # chapter-base, each at most 40: fits a custom id


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_what_a_malformed_list_parses_into_still_makes_valid_messages(
    label: str, raw: bytes
) -> None:
    catalogue = parsed(label)
    library = Library.build(catalogue, DATA / "aliases.toml")
    shown = [replies.paper_card(library, paper, lang="en") for paper in catalogue.papers[:10]]
    shown += [replies.citation(library, paper, lang="en") for paper in catalogue.papers[:10]]
    shown += [replies.section_page(library, s, 0, 42, lang="en") for s in catalogue.sections[:10]]
    shown += [
        replies.section_reply(library, "qqqq", lang="en"),
        replies.about_reply(library, lang="en"),
    ]
    shown += [replies.paper_reply(library, p.title, lang="en") for p in catalogue.papers[:3]]
    for reply in shown:
        payload = reply.payload()
        assert limits.message_errors(payload) == []
        assert not limits.is_empty_message(payload)
        assert not limits.would_ping(reply.content, None)
    choices = [{"name": o.label, "value": o.value} for o in replies.paper_choices(library, "t")]
    choices += [
        {"name": o.label, "value": o.value} for o in replies.section_choices(library, "", lang="en")
    ]
    choices += [{"name": o.label, "value": o.value} for o in replies.author_choices(library, "")]
    assert limits.choice_errors(choices[:25], "c") == []


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
def test_decoding_accepts_utf8_and_refuses_anything_else_in_one_sentence(
    label: str, raw: bytes
) -> None:
    try:
        strict = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        strict = None
    try:
        decoded = decode_text(raw, f"{label}.md")
    except SourceError as exc:
        message = str(exc)
        assert message.startswith(f"{label}.md: ") and "\n" not in message
        assert strict is None or "\x00" in strict or raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        return
    assert decoded == strict
    assert "mid-utf8" not in label, "a cut inside a character is not UTF-8"


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
async def test_the_store_holds_the_old_or_the_new_catalogue_never_a_mix(
    tmp_path: Path, chapter: Catalogue, label: str, raw: bytes
) -> None:
    bad = parsed(label)
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await store.replace_catalogue(chapter, now=NOW)
        try:
            await store.replace_catalogue(bad, now=NOW)
        except StoreError:
            expected = chapter
        else:
            expected = bad
        assert await store.integrity_check() == "ok"
        assert await store.load_catalogue() == expected
    async with await Store.open(tmp_path / "db.sqlite") as store:  # and so after a reopen
        assert await store.load_catalogue() == expected


@pytest.mark.parametrize(("label", "raw"), CASES, ids=IDS)
async def test_the_loader_loads_or_refuses_in_one_line_and_keeps_the_previous_list(
    tmp_path: Path, label: str, raw: bytes
) -> None:
    def settings(path: Path) -> Settings:
        return Settings.from_mapping(
            {"READINGLIST_CATALOGUE": str(path), "READINGLIST_DB": str(tmp_path / "db.sqlite")}
        )

    good = tmp_path / "good.md"
    good.write_bytes(FULL_LIST.read_bytes())
    bad = tmp_path / "bad.md"
    bad.write_bytes(raw)
    async with await Store.open(settings(good).db_path) as store:
        previous = (await load_catalogue(store, settings(good), now=NOW)).catalogue
        try:
            report = await load_catalogue(store, settings(bad), now=NOW)
        except CatalogueError as exc:
            message = str(exc)
            assert message and "\n" not in message and len(message) < 500
            stored = await store.load_catalogue()
            assert stored == previous
        else:
            assert not drops_most(previous, report.catalogue)
            assert report.catalogue.papers
            stored = await store.load_catalogue()
            # Unchanged (the same entries in other bytes: CRLF, a BOM) stores nothing.
            assert stored == (report.catalogue if report.changed else previous)
        assert await store.integrity_check() == "ok"


def _entry(line: int, title: str, url: str) -> Entry:
    return Entry(line=line, title=title, authors=("A B",), links=[("pdf", url)])


def _one_section(n: int) -> list[Heading | Entry]:
    return [Heading(2, "s", 1)] + [_entry(k, f"t{k}", f"https://e.com/{k}") for k in range(2, n)]


def _one_title_own_links(n: int) -> list[Heading | Entry]:
    return [Heading(2, "s", 1)] + [_entry(k, "T", f"https://e.com/{k}") for k in range(2, n)]


def _same_named_sections(n: int) -> list[Heading | Entry]:
    pairs = (
        (Heading(2, "s", 2 * k + 1), _entry(2 * k + 2, "T", "https://e.com")) for k in range(n)
    )
    return [block for pair in pairs for block in pair]


def _assemble_seconds(blocks: list[Heading | Entry], table: SectionTable) -> float:
    gc.collect()  # a collection left over from building the blocks is not assembling's cost
    start = time.perf_counter()
    catalogue = assemble([Document("list.md", ParsedText(blocks, []))], table)
    seconds = time.perf_counter() - start
    assert catalogue.entries == sum(isinstance(b, Entry) for b in blocks)
    return seconds


@pytest.mark.parametrize(
    ("build", "n"),
    [(_one_section, 40_000), (_one_title_own_links, 40_000), (_same_named_sections, 20_000)],
    ids=["one-section-40000-papers", "one-title-40000-times-own-link", "20000-same-sections"],
)
def test_assembling_is_linear_in_the_entries(
    table: SectionTable, build: Callable[[int], list[Heading | Entry]], n: int
) -> None:
    """Without markdown (whose cost hides it), the step from entries to papers: each of these
    was quadratic (a list, a tuple rebuilt per repeat, slug numbers counted from 2 each time)
    and took from ten seconds to minutes. Ten times the entries, at most ASSEMBLE_RATIO times
    the time (each timed at its best of three)."""
    small, large = build(n // 10), build(n)
    best = [min(_assemble_seconds(blocks, table) for _ in "abc") for blocks in (small, large)]
    ratio = best[1] / best[0]
    assert ratio < ASSEMBLE_RATIO, f"10 times the entries took {ratio:.0f} times as long"
