"""Markdown reading list -> headings and entries.

The parser never raises on text: whatever it cannot read becomes a Problem with its line.

Two readers turn the text into the same spans (the inline pieces of a heading, paragraph or
list item), from which one reader of entries (`_Reader`) builds headings, entries and
problems: markdown-it, which reads any CommonMark, and `bot.catalogue.scan`, which reads
only the list's own shape (numbered entries of bold titles, code venues, emphasised authors
and [[label](url)] links) ten times faster and gives up on anything else. The text is cut
into pieces before each heading; a piece the scanner gives up on is read by markdown-it,
so every text parses exactly as markdown-it alone parses it (tests/catalogue/test_scan.py
compares the two on generated lists).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.catalogue.names import clean_text, latex_to_unicode, split_authors
from bot.catalogue.scan import ITEM, scan_lines
from bot.catalogue.spans import Span
from bot.models import Problem

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_QUOTED = re.compile(r"[A-Za-z0-9_.~%/:=&?#+!$,;'@()*\[\]-]*")  # what quote() keeps below
_CONTAINERS = {"strong_open": "strong", "em_open": "em", "link_open": "link"}
_VISIBLE = frozenset({"text", "code", "strong", "em", "link"})
_LEAVES = {
    "text": "text",
    "code_inline": "code",
    "softbreak": "softbreak",
    "hardbreak": "hardbreak",
    "html_inline": "html",
}


@dataclass(slots=True)
class Heading:
    """A markdown heading, icons stripped."""

    level: int
    text: str
    line: int


@dataclass(slots=True)
class Entry:
    """One numbered entry as written in the list."""

    line: int
    title: str
    authors: tuple[str, ...] = ()
    et_al: bool = False
    venue: str = ""
    year: int | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url), in order
    raw: str = ""


Block = Heading | Entry


@dataclass(slots=True)
class ParsedText:
    """The blocks of one file in order, and what could not be read."""

    blocks: list[Block]
    problems: list[Problem]


def _markdown() -> MarkdownIt:
    # Only the rules a reading list uses: fewer rules, faster parsing of large lists.
    md = MarkdownIt("commonmark", {"html": True})
    md.disable(["image", "autolink", "entity", "reference", "lheading", "code"])
    # Links are cleaned by _clean_url; markdown-it's percent-encoding pass is a third of
    # the inline time on large lists.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    return md


_MD = _markdown()
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_HEADING = re.compile(r"#{1,6}( |$)")  # a heading line the scanner hands to markdown-it


def parse_markdown(text: str, source: str = "", *, scan: bool = True) -> ParsedText:
    """Read the headings and numbered entries of a reading list, in order.

    With `scan` off every piece is read by markdown-it (the reference the scanner is
    tested against).
    """
    text = latex_to_unicode(text.replace("\r\n", "\n").replace("\r", "\n"))
    reader = _Reader(text.split("\n"), source)
    for start, end in _chunks(reader.lines):
        if not (scan and reader.scan(start, end)):
            reader.read(_MD.parse("\n".join(reader.lines[start:end])), start)
    return ParsedText(reader.blocks, reader.problems)


def _chunks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """The text cut before each heading outside a code fence, as (first line, end line).

    A heading always ends the blocks before it, so the pieces parse exactly as the whole
    does, while the tokens of only one piece are alive at a time (large lists parse in
    linear time and bounded memory).
    """
    start, fenced = 0, False
    for n, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and n > start and _ATX.match(line):
            yield start, n
            start = n
    yield start, len(lines)


@lru_cache(maxsize=1024)
def _heading(line: str) -> tuple[int, list[Span]] | None:
    """The level and spans of a heading line as markdown-it reads it (None if it does not,
    or if the line is not plainly one); lists repeat headings such as "## Code"."""
    if not _HEADING.match(line):
        return None
    tokens = _MD.parse(line)
    if len(tokens) != 3 or tokens[0].type != "heading_open":
        return None
    return int(tokens[0].tag[1:]), spans_of(tokens[1].children or [])


class _Reader:
    """Turns headings, lists and paragraphs (as spans) into headings, entries and problems."""

    def __init__(self, lines: list[str], source: str) -> None:
        self.lines = lines
        self.source = source
        self.blocks: list[Block] = []
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str, raw: str = "") -> None:
        self.problems.append(Problem(line, message, raw[:500], self.source))

    def source_of(self, tok: Token, offset: int) -> str:
        if not tok.map:
            return ""
        return self.raw(offset + tok.map[0], offset + tok.map[1])

    def raw(self, first: int, end: int) -> str:
        """The text of lines [first, end), as written."""
        return "\n".join(self.lines[first:end]).strip()

    def scan(self, start: int, end: int) -> bool:
        """Read lines [start, end) with the scanner; False (nothing read) where it gives up.

        A heading line is read by markdown-it alone: a heading is one line, so it reads
        the same as in the piece.
        """
        lines, first = self.lines, start
        heading: tuple[int, list[Span]] | None = None
        if start < end and _ATX.match(lines[start]):
            heading = _heading(lines[start])
            if heading is None:
                return False
            first += 1
        blocks = scan_lines(lines, first, end)
        if blocks is None:
            return False
        if heading:
            self.heading(heading[0], heading[1], start + 1)
        for kind, line, stop, spans in blocks:
            if kind == ITEM:
                self.list_items(False, [(line + 1, self.raw(line, stop), spans)])
            else:
                self.paragraph(line + 1, self.raw(line, stop), spans)
        return True

    def read(self, tokens: list[Token], offset: int) -> None:
        """Read markdown-it's block tokens of the piece that starts at line `offset`."""
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            line = offset + (tok.map[0] + 1 if tok.map else 0)
            if tok.type == "heading_open":
                self.heading(int(tok.tag[1:]), spans_of(tokens[i + 1].children or []), line)
                i += 3
            elif tok.type in ("ordered_list_open", "bullet_list_open"):
                end = _close_of(tokens, i)
                items = [
                    (offset + (t.map[0] + 1 if t.map else 0), self.source_of(t, offset), spans)
                    for t, spans in _items(tokens, i + 1, end)
                ]
                self.list_items(tok.type == "bullet_list_open", items)
                i = end + 1
            elif tok.type == "paragraph_open":
                spans = spans_of(tokens[i + 1].children or [])
                self.paragraph(line, self.source_of(tok, offset), spans)
                i = _close_of(tokens, i) + 1
            else:
                i += 1

    def heading(self, level: int, spans: list[Span], line: int) -> None:
        self.blocks.append(Heading(level, _plain(spans), line))

    def list_items(self, bullet: bool, items: list[tuple[int, str, list[Span]]]) -> None:
        """The items of one list: (line, raw text, spans of all its paragraphs)."""
        if bullet and _is_table_of_contents([spans for _, _, spans in items]):
            return
        for line, raw, spans in items:
            if not spans:
                continue  # "1." with nothing after it is no entry
            entry = _entry(spans, line, raw)
            if entry is None:
                self.problem(line, "no bold title", raw)
            else:
                self.blocks.append(entry)

    def paragraph(self, line: int, raw: str, spans: list[Span]) -> None:
        last = self.blocks[-1] if self.blocks else None
        if isinstance(last, Entry) and _continues(last, spans):
            _read_into(last, spans)
            last.raw += "\n" + raw
        elif _looks_like_entry(spans):
            entry = _entry(spans, line, raw)
            if entry is not None:
                self.blocks.append(entry)
                self.problem(line, "entry is not a numbered list item; read it anyway", raw)


def _close_of(tokens: Sequence[Token], i: int) -> int:
    """Index of the token that closes the one opened at i (block or inline tokens)."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _items(tokens: Sequence[Token], start: int, end: int) -> Iterator[tuple[Token, list[Span]]]:
    """Each top-level list item of a list, with the spans of all its paragraphs."""
    j = start
    while j < end:
        if tokens[j].type == "list_item_open":
            close = _close_of(tokens, j)
            spans: list[Span] = []
            for tok in tokens[j + 1 : close]:
                if tok.type == "inline" and tok.children:
                    if spans:
                        spans.append(Span("softbreak"))
                    spans.extend(spans_of(tok.children))
            yield tokens[j], spans
            j = close + 1
        else:
            j += 1


def spans_of(children: Sequence[Token]) -> list[Span]:
    """markdown-it's inline tokens as spans: each strong, em or link one span, holding the
    visible text inside it and what is nested in it."""
    spans: list[Span] = []
    k = 0
    while k < len(children):
        t = children[k]
        kind = _CONTAINERS.get(t.type)
        if kind is None:
            spans.append(Span(_LEAVES.get(t.type, t.type), t.content))
            k += 1
            continue
        close = _close_of(children, k)
        inner = children[k + 1 : close]
        spans.append(
            Span(
                kind,
                _visible(inner),
                str(t.attrs.get("href", "")) if kind == "link" else "",
                frozenset(_CONTAINERS[x.type] for x in inner if x.type in _CONTAINERS),
                tuple(str(x.attrs.get("href", "")) for x in inner if x.type == "link_open"),
            )
        )
        k = close + 1
    return spans


def _visible(tokens: Sequence[Token]) -> str:
    """The visible text of inline tokens, not yet cleaned; inline HTML is dropped."""
    parts: list[str] = []
    for t in tokens:
        if t.type in ("text", "code_inline"):
            parts.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _is_table_of_contents(items: list[list[Span]]) -> bool:
    """A bullet list of in-page #anchor links, and nothing else."""
    for spans in items:
        hrefs = [h for s in spans for h in ((s.href,) if s.kind == "link" else ()) + s.hrefs]
        if not hrefs or not all(h.startswith("#") for h in hrefs):
            return False
    return bool(items)


def _plain(spans: Sequence[Span]) -> str:
    """The visible text of spans; inline HTML such as <img> icons is dropped."""
    parts: list[str] = []
    for s in spans:
        if s.kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif s.kind in _VISIBLE:
            parts.append(s.text)
    return clean_text("".join(parts))


def _entry(spans: list[Span], line: int, raw: str) -> Entry | None:
    """An entry from the spans of a list item; None without a bold title."""
    entry = Entry(line=line, title="", raw=raw)
    _read_into(entry, spans)
    return entry if entry.title else None


def _read_into(entry: Entry, spans: list[Span]) -> None:
    """Fill the fields an entry is still missing from a run of spans.

    Title is the first bold span, venue the first code span after it, authors the first
    emphasis, links the [label](url) links, and the year the last year-like number in the
    plain text that follows them.
    """
    trailing: list[str] = []
    for s in spans:
        kind = s.kind
        if kind == "strong":
            if not entry.title:
                entry.title = clean_text(s.text).strip()
        elif kind == "em":
            if not entry.authors and entry.title:  # (split_authors cleans the text)
                entry.authors, entry.et_al = split_authors(s.text)
        elif kind == "link":
            url = _clean_url(s.href)
            if url:
                entry.links.append((clean_text(s.text).strip("[] ").lower(), url))
            trailing = []
        elif kind == "code":
            if entry.title and not entry.venue:
                entry.venue = clean_text(s.text)
        elif kind == "text" and entry.title:
            trailing.append(s.text)
    if entry.year is None:
        years = _YEAR.findall(" ".join(trailing))
        if years:
            entry.year = int(years[-1])


def _clean_url(href: str) -> str:
    """A link target as a usable absolute URL; "" for an empty or in-page one."""
    url = href.strip().rstrip(".,;")
    if not url or url.startswith("#"):
        return ""
    if not _SCHEME.match(url):
        url = "https://" + url.lstrip("/")
    # Spaces and non-ASCII characters percent-encoded: Discord refuses invalid embed URLs.
    if not _QUOTED.fullmatch(url):  # (quote leaves such a URL as it is)
        url = quote(url, safe="%/:=&?~#+!$,;'@()*[]")
    return url.removesuffix(".git") if "github.com/" in url else url


def _continues(entry: Entry, spans: list[Span]) -> bool:
    """A paragraph that carries the rest of the entry above it (its author line fell out of the
    list item because it was indented too little)."""
    first = next((s for s in spans if s.kind != "softbreak"), None)
    return first is not None and first.kind == "em" and not entry.authors


def _looks_like_entry(spans: list[Span]) -> bool:
    kinds = {s.kind for s in spans}.union(*(s.inner for s in spans))
    return "strong" in kinds and ("em" in kinds or "link" in kinds)
