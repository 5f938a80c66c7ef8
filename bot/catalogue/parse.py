"""Markdown reading list -> headings and entries, read from markdown-it tokens.

The parser never raises on text: whatever it cannot read becomes a Problem with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.catalogue.names import clean_text, latex_to_unicode, split_authors
from bot.models import Problem

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


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


def parse_markdown(text: str, source: str = "") -> ParsedText:
    """Read the headings and numbered entries of a reading list, in order."""
    text = latex_to_unicode(text.replace("\r\n", "\n").replace("\r", "\n"))
    reader = _Reader(text.split("\n"), source)
    for offset, chunk in _chunks(reader.lines):
        reader.read(_MD.parse(chunk), offset)
    return ParsedText(reader.blocks, reader.problems)


def _chunks(lines: list[str]) -> Iterator[tuple[int, str]]:
    """The text cut before each heading outside a code fence.

    A heading always ends the blocks before it, so the pieces parse exactly as the whole
    does, while the tokens of only one piece are alive at a time (large lists parse in
    linear time and bounded memory).
    """
    start, fenced = 0, False
    for n, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and n > start and _ATX.match(line):
            yield start, "\n".join(lines[start:n])
            start = n
    yield start, "\n".join(lines[start:])


class _Reader:
    """Turns markdown-it block tokens into headings, entries and problems."""

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
        return "\n".join(self.lines[offset + tok.map[0] : offset + tok.map[1]]).strip()

    def read(self, tokens: list[Token], offset: int) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            line = offset + (tok.map[0] + 1 if tok.map else 0)
            if tok.type == "heading_open":
                inline = tokens[i + 1]
                self.blocks.append(Heading(int(tok.tag[1:]), _plain(inline.children or []), line))
                i += 3
            elif tok.type in ("ordered_list_open", "bullet_list_open"):
                end = _close_of(tokens, i)
                self.read_list(tok, list(_items(tokens, i + 1, end)), offset)
                i = end + 1
            elif tok.type == "paragraph_open":
                self.read_paragraph(tok, tokens[i + 1].children or [], line, offset)
                i = _close_of(tokens, i) + 1
            else:
                i += 1

    def read_list(self, tok: Token, items: list[tuple[Token, list[Token]]], offset: int) -> None:
        if tok.type == "bullet_list_open" and _is_table_of_contents(items):
            return
        for start, children in items:
            if not children:
                continue  # "1." with nothing after it is no entry
            line = offset + (start.map[0] + 1 if start.map else 0)
            raw = self.source_of(start, offset)
            entry = _entry(children, line, raw)
            if entry is None:
                self.problem(line, "no bold title", raw)
            else:
                self.blocks.append(entry)

    def read_paragraph(self, tok: Token, children: list[Token], line: int, offset: int) -> None:
        raw = self.source_of(tok, offset)
        last = self.blocks[-1] if self.blocks else None
        if isinstance(last, Entry) and _continues(last, children):
            _read_into(last, children)
            last.raw += "\n" + raw
        elif _looks_like_entry(children):
            entry = _entry(children, line, raw)
            if entry is not None:
                self.blocks.append(entry)
                self.problem(line, "entry is not a numbered list item; read it anyway", raw)


def _close_of(tokens: Sequence[Token], i: int) -> int:
    """Index of the token that closes the one opened at i."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _items(tokens: Sequence[Token], start: int, end: int) -> Iterator[tuple[Token, list[Token]]]:
    """Each top-level list item of a list, with the inline children of all its paragraphs."""
    j = start
    while j < end:
        if tokens[j].type == "list_item_open":
            close = _close_of(tokens, j)
            children: list[Token] = []
            for tok in tokens[j + 1 : close]:
                if tok.type == "inline" and tok.children:
                    if children:
                        children.append(Token("softbreak", "br", 0))
                    children.extend(tok.children)
            yield tokens[j], children
            j = close + 1
        else:
            j += 1


def _is_table_of_contents(items: list[tuple[Token, list[Token]]]) -> bool:
    """A bullet list of in-page #anchor links, and nothing else."""
    for _, children in items:
        hrefs = [str(t.attrs.get("href", "")) for t in children if t.type == "link_open"]
        if not hrefs or not all(h.startswith("#") for h in hrefs):
            return False
    return bool(items)


def _plain(children: Sequence[Token]) -> str:
    """The visible text of inline tokens; inline HTML such as <img> icons is dropped."""
    parts: list[str] = []
    for t in children:
        if t.type in ("text", "code_inline"):
            parts.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return clean_text("".join(parts))


def _entry(children: list[Token], line: int, raw: str) -> Entry | None:
    """An entry from the inline tokens of a list item; None without a bold title."""
    entry = Entry(line=line, title="", raw=raw)
    _read_into(entry, children)
    return entry if entry.title else None


def _read_into(entry: Entry, children: list[Token]) -> None:
    """Fill the fields an entry is still missing from a run of inline tokens.

    Title is the first bold span, venue the first code span after it, authors the first
    emphasis, links the [label](url) links, and the year the last year-like number in the
    plain text that follows them.
    """
    k = 0
    trailing: list[str] = []
    while k < len(children):
        t = children[k]
        if t.type in ("strong_open", "em_open", "link_open"):
            close = _close_inline(children, k)
            text = _plain(children[k + 1 : close])
            if t.type == "strong_open" and not entry.title:
                entry.title = text.strip()
            elif t.type == "em_open" and not entry.authors and entry.title:
                entry.authors, entry.et_al = split_authors(text)
            elif t.type == "link_open":
                url = _clean_url(str(t.attrs.get("href", "")))
                if url:
                    entry.links.append((text.strip("[] ").lower(), url))
                trailing = []
            k = close + 1
            continue
        if t.type == "code_inline" and entry.title and not entry.venue:
            entry.venue = clean_text(t.content)
        elif t.type == "text" and entry.title:
            trailing.append(t.content)
        k += 1
    years = _YEAR.findall(" ".join(trailing))
    if years and entry.year is None:
        entry.year = int(years[-1])


def _close_inline(children: list[Token], k: int) -> int:
    depth = 0
    for j in range(k, len(children)):
        depth += children[j].nesting
        if depth == 0:
            return j
    return len(children) - 1


def _clean_url(href: str) -> str:
    """A link target as a usable absolute URL; "" for an empty or in-page one."""
    url = href.strip().rstrip(".,;")
    if not url or url.startswith("#"):
        return ""
    if not _SCHEME.match(url):
        url = "https://" + url.lstrip("/")
    # Spaces and non-ASCII characters percent-encoded: Discord refuses invalid embed URLs.
    url = quote(url, safe="%/:=&?~#+!$,;'@()*[]")
    return url.removesuffix(".git") if "github.com/" in url else url


def _continues(entry: Entry, children: list[Token]) -> bool:
    """A paragraph that carries the rest of the entry above it (its author line fell out of the
    list item because it was indented too little)."""
    first = next((t for t in children if t.type != "softbreak"), None)
    return first is not None and first.type == "em_open" and not entry.authors


def _looks_like_entry(children: list[Token]) -> bool:
    types = {t.type for t in children}
    return "strong_open" in types and ("em_open" in types or "link_open" in types)
