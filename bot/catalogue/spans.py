"""The inline pieces of a heading, paragraph or list item, whichever reader read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Span:
    """One top-level inline piece: text, code, a line break, inline HTML, or a strong, em or
    link span holding the visible text inside it (not yet cleaned) and what nests in it."""

    kind: str  # text, code, softbreak, hardbreak, html, strong, em, link
    text: str = ""
    href: str = ""  # a link's target as written
    inner: frozenset[str] = frozenset()  # kinds of the strong, em and link spans inside
    hrefs: tuple[str, ...] = ()  # targets of the links inside
