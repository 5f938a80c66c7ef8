"""A fast reader of the reading list's own shape, which gives up on anything else.

It reads a piece of the list (the lines after a heading) when every line is one it knows:
a blank line, a numbered entry "N. **Title...", or a line that starts with a letter, "[",
"*x" or "**x" (none of which can start a markdown block), indented by spaces only; and the
inline text uses only plain text, **strong** and *em* spans of plain text, `code` spans and
[label](url) links, optionally in brackets. On anything else (HTML, escapes, underscores,
tabs, nested lists, fences, quotes, a numbered line right after a paragraph...) it returns
None and markdown-it reads the piece. Where it reads, it reads as CommonMark (and
markdown-it) does, down to the flanking rules of emphasis: tests/catalogue/test_scan.py
compares the two.
"""

from __future__ import annotations

import re

from markdown_it.common.normalize_url import validateLink
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace, unescapeAll

from bot.catalogue.spans import Span

# Block kinds scan_lines returns, each with its lines [first, end) and spans.
ITEM = "item"
PARAGRAPH = "paragraph"

_ENTRY = re.compile(r"\d{1,9}\. {1,4}(?=\*\*[^\s*])")  # an ordered item with a bold start
_SAFE = re.compile(r"\*{1,2}[^\s*]|\[|[^\W\d_]")  # starts no block in CommonMark
_UNSAFE_LINE = re.compile(r"[\t\x00]")
# One construct of the inline text at a time: strong or em of plain text (no "*" inside,
# and not opened by white space), a link as [label](url) or [[label](url)], a line break, a
# backtick run, a stray "]"; or a character the scanner does not read ("bad").
_PLAIN = r"[^*`\[\]\\<_\x00]"
_LABEL = r"[^\[\]\n`*_\\<>]+"
_TARGET = r"[^\s()<>\\`*\[\]\x00-\x1f\x7f]*"
_TOKEN = re.compile(
    rf"(?P<strong>\*\*(?=[^\s*]){_PLAIN}*?\*\*)"
    rf"|(?P<em>\*(?=[^\s*]){_PLAIN}*?\*)"
    rf"|(?P<bracketed>\[\[(?P<blabel>{_LABEL})\]\((?P<btarget>{_TARGET})\)\](?!\())"
    rf"|(?P<link>\[(?P<label>{_LABEL})\]\((?P<target>{_TARGET})\))"
    r"|(?P<newline>\n)|(?P<backticks>`+)|(?P<bracket>\])|(?P<bad>[*\[\\<_\x00])"
)
_BACKTICKS = re.compile(r"`+")
_SOFTBREAK = Span("softbreak")

Block = tuple[str, int, int, list[Span]]


def scan_lines(lines: list[str], first: int, end: int) -> list[Block] | None:
    """The list items and paragraphs of lines [first, end), or None if any is not of the
    list's own shape."""
    blocks: list[Block] = []
    kind = ""  # the block being read: ITEM, PARAGRAPH, or "" between blocks
    start = last = width = 0
    paragraphs: list[list[str]] = []
    blank = True

    def close() -> bool:
        spans = _block_spans(paragraphs)
        if spans is None:
            return False
        blocks.append((kind, start, last + 1, spans))
        return True

    for i in range(first, end):
        line = lines[i]
        content = line.lstrip(" ")
        if not content:
            blank = True
            continue
        if _UNSAFE_LINE.search(line):
            return None
        indent = len(line) - len(content)
        entry = _ENTRY.match(line) if indent == 0 else None
        if entry is not None:
            # A numbered line ends an item; right after a paragraph line it may be text.
            if kind == PARAGRAPH and not blank:
                return None
            if kind and not close():
                return None
            kind, start, last, width = ITEM, i, i, entry.end()
            paragraphs = [[line[width:]]]
            blank = False
            continue
        if not _SAFE.match(content):
            return None
        if kind and not blank:  # the paragraph goes on (lazily, if indented too little)
            paragraphs[-1].append(content)
            last = i
            continue
        if kind == ITEM and indent >= width:  # another paragraph of the item
            if indent - width >= 4:
                return None
            paragraphs.append([content])
            last, blank = i, False
            continue
        if kind and not close():
            return None
        if indent >= 4:
            return None
        kind, start, last = PARAGRAPH, i, i
        paragraphs = [[content]]
        blank = False
    if kind and not close():
        return None
    return blocks


def _block_spans(paragraphs: list[list[str]]) -> list[Span] | None:
    """The spans of a block's paragraphs, a soft break between two."""
    spans: list[Span] = []
    for lines in paragraphs:
        found = inline_spans("\n".join(lines).rstrip(" "))
        if found is None:
            return None
        if spans:
            spans.append(_SOFTBREAK)
        spans.extend(found)
    return spans


def _space(ch: str) -> bool:
    return isWhiteSpace(ord(ch))


def _punct(ch: str) -> bool:
    return isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


def inline_spans(text: str) -> list[Span] | None:
    """The spans of a paragraph's text (lines joined, leading spaces removed), or None when
    it holds anything but plain text, strong, em, code and links."""
    if not text or text[-1].isspace():
        return None  # markdown-it trims the end with its own idea of white space
    spans: list[Span] = []
    pending = ""  # text not yet emitted: adjacent text is one span
    last_runs: dict[int, int] | None = None
    n = len(text)
    pos = 0
    while found := _TOKEN.search(text, pos):
        i, end = found.span()
        pending += text[pos:i]
        kind = found.lastgroup
        if kind == "strong" or kind == "em":
            if not _pairs(text, i, end, 2 if kind == "strong" else 1):
                return None
            if pending:
                spans.append(Span("text", pending))
                pending = ""
            run = 2 if kind == "strong" else 1
            spans.append(Span(kind, text[i + run : end - run].replace("\n", " ")))
        elif kind == "bracketed" or kind == "link":
            bracketed = kind == "bracketed"
            label, href = (
                found.group("blabel", "btarget") if bracketed else found.group("label", "target")
            )
            if "&" in href:  # an entity (the pattern admits no backslash escape)
                href = unescapeAll(href)
            if href and not href.startswith(("https://", "http://")) and not validateLink(href):
                return None
            pending += "[" if bracketed else ""
            if pending:
                spans.append(Span("text", pending))
            spans.append(Span("link", label, href))
            pending = "]" if bracketed else ""
        elif kind == "newline":
            if pending:
                spans.append(Span("text", pending))
                pending = ""
            spans.append(_SOFTBREAK)
        elif kind == "backticks":
            # Once a run found no closer, where each length of run last starts tells whether
            # a search can succeed (as markdown-it does): many open runs stay linear.
            if last_runs is None or last_runs.get(end - i, -1) >= end:
                end, code = _code(text, i, end)
                if code is None and last_runs is None:
                    last_runs = {len(r.group()): r.start() for r in _BACKTICKS.finditer(text)}
            else:
                code = None
            if code is None:
                pending += text[i:end]
            else:
                if pending:
                    spans.append(Span("text", pending))
                    pending = ""
                spans.append(Span("code", code))
        elif kind == "bracket":  # no "[" is open: every one was a link's
            pending += "]"
        else:
            return None
        pos = end
    pending += text[pos:n]
    if pending:
        spans.append(Span("text", pending))
    return spans


def _pairs(text: str, i: int, end: int, run: int) -> bool:
    """Whether the delimiters of text[i:end] (runs of `run` stars around text with no star)
    make a strong or em span in CommonMark: the opener cannot close (white space or the
    start before it), the closer is right-flanking, and neither run is longer."""
    if i and text[i - 1] not in " \n":
        return False
    if end < len(text) and text[end] == "*":
        return False
    before = text[end - run - 1]
    if before.isalnum():  # neither white space nor punctuation
        return True
    following = text[end] if end < len(text) else " "
    return not (_space(before) or (_punct(before) and not (_space(following) or _punct(following))))


def _code(text: str, i: int, pos: int) -> tuple[int, str | None]:
    """The code span opened by the backticks text[i:pos], as markdown-it's backticks rule
    reads it: the position after it and its content, or None when no run of the same length
    closes it (the backticks are then text)."""
    n = len(text)
    length = pos - i
    match_end = pos
    while (match_start := text.find("`", match_end)) != -1:
        match_end = match_start + 1
        while match_end < n and text[match_end] == "`":
            match_end += 1
        if match_end - match_start == length:
            content = text[pos:match_start].replace("\n", " ")
            if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                content = content[1:-1]
            return match_end, content
    return pos, None
