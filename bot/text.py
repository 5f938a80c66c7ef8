"""Text for Discord: escaping, cleaning, truncation and link checks. Pure: no Discord import.

Text from the list, a metadata source or a user reaches a message only through `escape`
(places where Discord renders markdown) or `plain` (footer and author name, which Discord
shows verbatim), and then `truncate`.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

__all__ = [
    "ELLIPSIS",
    "URL_LIMIT",
    "clean",
    "escape",
    "no_mentions",
    "plain",
    "sentences",
    "truncate",
    "web_url",
]

URL_LIMIT = 2048  # embed URLs; link buttons take at most 512
ELLIPSIS = "…"

_ZWSP = "\u200b"
# Format characters that scripts and emoji need: joiners, direction marks. Every other format
# character (zero-width space, BOM, bidi overrides and isolates, soft hyphen...) is removed.
_KEPT_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c")
_EMOJI_TAGS = ("\U000e0020", "\U000e007f")  # flag sequences such as England's
# Brackets are swapped for these control characters (which cleaning has removed from the text)
# while the markdown is escaped: the masked-link rule would otherwise swallow `[...](...)`
# whole, escaping only the first `[` and nothing inside.
_OPEN, _CLOSE = "\x00", "\x01"
# Discord's markdown, as discord.utils.escape_markdown(ignore_links=False) escapes it.
_MARKDOWN = re.compile(
    r"(?P<markdown>[_\\~|\*`]|^>(?:>>)?\s|\[.+\]\(.+\)|^#{1,3}|^\s*-)", re.MULTILINE
)
_ORDERED_ITEM = re.compile(r"^(\d+)([.)])(?=\s|$)", re.MULTILINE)  # "1. x" starts a list
_PLUS_ITEM = re.compile(r"^\+(?=\s)", re.MULTILINE)
# A zero-width space after "@" keeps @everyone/@here (and, behind the escaped "<", <@1> and
# <@&1>) from rendering as mentions.
_MENTION_AT = re.compile(r"@(?=everyone|here)|(?<=<)@", re.IGNORECASE)
_PLAIN_MENTION = re.compile(r"@(?=everyone|here)|<(?=[@#])", re.IGNORECASE)
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?")
# Kept as they are in a URL (RFC 3986 reserved and unreserved, and "%" of existing escapes);
# everything else (non-ASCII, quotes, braces, backslash...) is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
# A sentence ends at . ! or ? followed by a space and a capital, digit or opening quote; not
# after a one-letter initial or a common abbreviation ("e.g.", "et al.", "Fig.").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(\[])")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "fig.", "eq.", "cf.", "resp.")


def escape(text: str, *, multiline: bool = False) -> str:
    """Text from the catalogue or a user made safe to show where Discord renders markdown.

    Markdown is escaped (every character discord.py's `escape_markdown` escapes, plus every
    bracket, "<", and the list markers it misses), mentions cannot render, control and
    invisible characters are removed, and whitespace is collapsed: to single spaces, or per
    line when `multiline`. Escaped characters render as themselves.
    """
    text = clean(text, multiline=multiline)
    if "\n" in text:  # one line at a time: the `^\s*-` rule spans blank lines
        return "\n".join(map(escape, text.split("\n")))
    text = text.replace("[", _OPEN).replace("]", _CLOSE)
    text = _MARKDOWN.sub(lambda m: "\\" + m.group("markdown"), text)
    text = text.replace(_OPEN, "\\[").replace(_CLOSE, "\\]").replace("<", "\\<")
    text = _PLUS_ITEM.sub(r"\\+", _ORDERED_ITEM.sub(r"\1\\\2", text))
    return _MENTION_AT.sub("@" + _ZWSP, text)


def no_mentions(text: str) -> str:
    """`text` with @everyone, @here and <@…> kept from rendering as mentions (code blocks)."""
    return _MENTION_AT.sub("@" + _ZWSP, text)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters: cut at a word boundary where possible, ending in "…".

    A cut never leaves a dangling escape backslash, so truncating escaped text is safe.
    """
    if limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")
    if len(text) <= limit:
        return text
    if limit == 0:
        return ""
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= (limit - 1) * 2 // 3:  # a word boundary that keeps most of the text
        head = head[:space]
    return _tidy_end(head) + ELLIPSIS


def sentences(text: str, limit: int) -> str:
    """The opening sentences of `text` that fit in `limit` characters (at least the first
    sentence, truncated at a word when it alone is too long)."""
    text = clean(text)
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()]
        if candidate.casefold().endswith(_ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", candidate):
            continue
        parts.append(candidate)
        start = match.end()
    parts.append(text[start:])
    shown = ""
    for part in parts:
        grown = f"{shown} {part}" if shown else part
        if len(grown) > limit:
            break
        shown = grown
    return shown or truncate(text, limit)


def clean(text: str, *, multiline: bool = False) -> str:
    """Without control and invisible characters; whitespace collapsed (per line if multiline)."""
    if not (text.isascii() and text.isprintable()):
        text = "".join(c for c in text if c.isspace() or _visible(c))
    if multiline:
        lines = (" ".join(line.split()) for line in text.splitlines())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return " ".join(text.split())


def plain(text: str) -> str:
    """Text for places Discord shows verbatim (footer, author name): cleaned, no mentions."""
    return _PLAIN_MENTION.sub(r"\g<0>" + _ZWSP, clean(text))


def web_url(url: str | None, limit: int = URL_LIMIT) -> str | None:
    """`url` as Discord accepts it (http(s), a host, at most `limit` characters), or None."""
    if not url or any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if not (_HOST.fullmatch(host) or (":" in host and re.fullmatch(r"[0-9a-f:.]+", host))):
        return None
    url = quote(url, safe=_URL_SAFE)
    return url if len(url) <= limit else None


def _visible(character: str) -> bool:
    category = unicodedata.category(character)
    if category == "Cf":
        return character in _KEPT_FORMAT or _EMOJI_TAGS[0] <= character <= _EMOJI_TAGS[1]
    return category not in ("Cc", "Cs")


def _tidy_end(text: str) -> str:
    """`text` without trailing spaces, separators, joiners or an unpaired escape backslash."""
    while True:
        text = text.rstrip(" ,;:·\u200d")
        backslashes = len(text) - len(text.rstrip("\\"))
        if backslashes % 2 == 0:
            return text
        text = text[:-1]


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def display_name(source: str) -> str:
    """The source as it may be shown and logged: a URL without userinfo, query or fragment.

    Plain string surgery rather than a URL parser, so even a malformed URL is cleaned.
    """
    match = _URL_SCHEME.match(source)
    if not match:
        return source
    rest = re.split(r"[?#]", source[match.end() :], maxsplit=1)[0]
    authority, slash, path = rest.partition("/")
    return f"{match.group(0)}{authority.rpartition('@')[2]}{slash}{path}"
