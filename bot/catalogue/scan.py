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
_SPECIAL = re.compile(r"[*`\[\]\n\\<_\x00]")
_NOT_PLAIN = re.compile(r"[`\[\]\\<_\x00]")  # what may not appear inside strong or em
_LINK = re.compile(r"\[([^\[\]\n`*_\\<>]+)\]\(([^\s()<>\\`*\[\]\x00-\x1f\x7f]*)\)")
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
    pending: list[str] = []  # text not yet emitted: adjacent text is one span

    def flush() -> None:
        if pending:
            spans.append(Span("text", "".join(pending)))
            pending.clear()

    n = len(text)
    pos = 0
    while True:
        found = _SPECIAL.search(text, pos)
        if found is None:
            if pos < n:
                pending.append(text[pos:])
            break
        i = found.start()
        if i > pos:
            pending.append(text[pos:i])
        ch = text[i]
        if ch == "\n":
            flush()
            spans.append(_SOFTBREAK)
            pos = i + 1
        elif ch == "*":
            emphasis = _emphasis(text, i)
            if emphasis is None:
                return None
            flush()
            spans.append(emphasis[0])
            pos = emphasis[1]
        elif ch == "`":
            pos = _code(text, i, spans, pending)
        elif ch == "[":
            link = _link(text, i)
            if link is None:
                return None
            span, after, bracketed = link
            if bracketed:
                pending.append("[")
            flush()
            spans.append(span)
            if bracketed:
                pending.append("]")
            pos = after
        elif ch == "]":  # no "[" is open: every one was a link's
            pending.append("]")
            pos = i + 1
        else:
            return None
    flush()
    return spans


def _emphasis(text: str, i: int) -> tuple[Span, int] | None:
    """The strong or em span opened at i and the position after it, when it is plain text
    between delimiters that CommonMark pairs with each other and nothing else."""
    run = 2 if text.startswith("**", i) else 1
    if i > 0 and text[i - 1] not in " \n":  # so the opener cannot close
        return None
    after = i + run
    if after >= len(text) or text[after] == "*" or _space(text[after]):
        return None
    close = text.find("*", after)
    if close < 0 or text.startswith("*" * (run + 1), close):
        return None
    if run == 2 and not text.startswith("**", close):
        return None
    inner = text[after:close]
    if _NOT_PLAIN.search(inner):
        return None
    before = text[close - 1]
    end = close + run
    following = text[end] if end < len(text) else " "
    if _space(before) or (_punct(before) and not (_space(following) or _punct(following))):
        return None  # the closer is not right-flanking
    return Span("strong" if run == 2 else "em", inner.replace("\n", " ")), end


def _code(text: str, i: int, spans: list[Span], pending: list[str]) -> int:
    """A code span at i (or the backticks as text when no run of the same length closes
    it), as markdown-it's backticks rule; the position after it."""
    n = len(text)
    pos = i + 1
    while pos < n and text[pos] == "`":
        pos += 1
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
            if pending:
                spans.append(Span("text", "".join(pending)))
                pending.clear()
            spans.append(Span("code", content))
            return match_end
    pending.append(text[i:pos])
    return pos


def _link(text: str, i: int) -> tuple[Span, int, bool] | None:
    """The link at i, or in brackets "[[label](url)]" (the list's own form), with the
    position after it and whether it was bracketed; None for any other "["."""
    bracketed = text.startswith("[[", i)
    found = _LINK.match(text, i + 1 if bracketed else i)
    if found is None:
        return None
    after = found.end()
    if bracketed:
        if not text.startswith("]", after) or text.startswith("](", after):
            return None
        after += 1
    label, target = found.groups()
    href = ""
    if target:
        href = unescapeAll(target)
        if not validateLink(href):
            return None
    return Span("link", label, href), after, bracketed
