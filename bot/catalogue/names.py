"""Text of an entry: LaTeX accents, author lists, arXiv ids, title keys and slugs."""

from __future__ import annotations

import gc
import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

# A BibTeX-style accent group such as {\"{u}}, {\'e} or {\u{g}}: the only LaTeX the lists use.
_LATEX_GROUP = re.compile(r"\{\\[^{}\n]*(?:\{[^{}\n]*\}[^{}\n]*)*\}")
_LATEX_DISTINCT = 5000  # distinct accent groups converted per text (real lists have a few)
_ET_AL = re.compile(r"[,\s]*\bet\.?\s+al\b\.?$", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+|^and\s+", re.IGNORECASE)
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
_BARE_ARXIV = re.compile(r"(?<![\w./])(?P<id>\d{4}\.\d{4,5})(?:v\d+)?(?![\w/])")
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=1)
def _latex() -> LatexNodes2Text:
    return LatexNodes2Text()


def latex_to_unicode(text: str) -> str:
    """Replace BibTeX accent groups with their characters: Sch{\\"{u}}tze -> Schütze."""
    if "{\\" not in text:
        return text
    # pylatexenc takes about 0.1 ms a group: each distinct group is converted once (a real
    # list repeats a handful), and past _LATEX_DISTINCT of them the rest are left as written,
    # so a hostile file of distinct groups still parses in bounded time.
    converted: dict[str, str] = {}

    def convert(match: re.Match[str]) -> str:
        group = match.group(0)
        if group not in converted:
            if len(converted) >= _LATEX_DISTINCT:
                return group
            converted[group] = _latex().latex_to_text(group)
        return converted[group]

    text = _LATEX_GROUP.sub(convert, text)
    if converted:
        # pylatexenc leaves reference cycles (an exception and its traceback), which hold
        # the frames that called it, and with them the caller's text, until the collector
        # next runs; it is paused while a list is parsed, so collect them now.
        gc.collect(0)
    return text


def clean_text(text: str) -> str:
    """Collapse white space and compose accents (NFC)."""
    text = " ".join(text.split())  # str.split's white space is the regex \s
    if not text.isascii():  # ASCII is NFC already
        text = unicodedata.normalize("NFC", text)
    return text.strip()


def split_authors(raw: str) -> tuple[tuple[str, ...], bool]:
    """Split an author line into display names, and say whether it ended in "et al.".

    Handles "A, B, and C", BibTeX "Last, First and Last, First", missing spaces after commas
    and organisations such as "Google." or "The Vicuna Team.".
    """
    text = clean_text(raw).strip(" .,;")
    # "et al" can only match where the text ends in "al" (the search is slow on long lines).
    et_al = text[-2:].lower() == "al" and bool(_ET_AL.search(text))
    if et_al:
        text = _ET_AL.sub("", text).strip(" .,;")
    if not text:
        return (), et_al
    # (the pattern matches only ASCII letters, so text without "and" has nothing to split)
    pieces = _AND.split(text) if "and" in text.lower() else [text]
    parts = [p.strip(" ,") for p in pieces if p.strip(" ,")]
    if len(parts) > 1 and all(_is_bibtex_name(p) for p in parts):
        names = [" ".join(reversed([s.strip() for s in p.split(",")])) for p in parts]
    else:
        names = [n.strip() for p in parts for n in p.split(",") if n.strip()]
        names = _merge_leading_bibtex_name(names)
    return tuple(names), et_al


def _is_bibtex_name(part: str) -> bool:
    if part.count(",") != 1:
        return False
    last, first = (s.strip() for s in part.split(","))
    return bool(last) and bool(first)


def _merge_leading_bibtex_name(names: list[str]) -> list[str]:
    # "Ding, Ning, Yujia Qin, ..." : a lone surname then a lone given name before full names.
    lone = len(names) >= 3 and " " not in names[0] and " " not in names[1]
    if lone and all(" " in n for n in names[2:]):
        return [f"{names[1]} {names[0]}", *names[2:]]
    return names


def arxiv_id_from_url(url: str) -> str | None:
    """The arXiv id of an arxiv.org abs/pdf/html link, without its version: 1706.03762."""
    match = _ARXIV.search(url)
    return match.group("id").lower() if match else None


def arxiv_id_in_text(text: str) -> str | None:
    """An arXiv id in free text: a link or a bare new-style id such as 2305.13048v2."""
    match = _ARXIV.search(text) or _BARE_ARXIV.search(text)
    return match.group("id").lower() if match else None


def fold(text: str) -> str:
    """Case-, accent- and width-insensitive form of a text, for comparing and searching."""
    if text.isascii():  # most of any list: nothing to decompose (same result, 10x faster)
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def title_key(title: str) -> str:
    """A normalised title: the same paper written with other case, accents or punctuation."""
    return _NON_WORD.sub("-", fold(title)).strip("-_")


def slugify(text: str) -> str:
    """A lowercase hyphenated slug; letters of any script are kept."""
    return title_key(text)
