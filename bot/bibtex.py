"""BibTeX entries built from the list's own fields. Pure: no Discord, no I/O."""

from __future__ import annotations

import re
import unicodedata

from bot.models import Paper
from bot.text import clean, truncate, web_url

__all__ = ["citation"]

# Venues that are not a publication venue at all give @misc.
_MISC_VENUES = frozenset({"", "arxiv", "corr", "online", "github", "book"})
# A venue with one of these words is a journal (@article); any other is a conference.
_JOURNAL_WORDS = frozenset(
    {
        "journal",
        "transactions",
        "transaction",
        "computation",
        "computing",
        "letters",
        "review",
        "magazine",
        "communications",
        "frontiers",
        "trends",
        "nature",
        "nat",
        "jmlr",
        "tacl",
        "tmlr",
        "tpami",
        "jasa",
    }
)
_KEY_STOPWORDS = frozenset(
    "a an the on of in for to and with at by from via is are do does can how what why when"
    " towards toward".split()
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# BibTeX counts every brace, escaped or not, so braces become brace-balanced commands.
_BIB_SPECIALS = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_KEY_PART_CHARS = 30


def citation(
    paper: Paper,
    *,
    max_authors: int | None = None,
    text_chars: int | None = None,
    doi: str = "",
) -> str:
    """A BibTeX entry built from the list's own fields; valid BibTeX for any paper.

    The entry type follows the venue: @misc for arXiv, Online, GitHub, BOOK or none;
    @article when the venue has a journal word (Journal, Transactions, Computation,
    Computing, Letters, Review, ... or JMLR, TACL, TPAMI ...); else @inproceedings.
    The key is surname + year + first significant title word, as in `vaswani2017attention`.
    `max_authors` and `text_chars` shorten the entry (the rest of the authors become
    "others"); `doi` (from the paper's metadata) adds a doi field.
    """

    def text(value: str) -> str:
        value = clean(value)
        return _bib_escape(value if text_chars is None else truncate(value, text_chars))

    venue = clean(paper.venue)
    words = set(re.findall(r"[a-z]+", venue.casefold()))
    if venue.casefold() in _MISC_VENUES or venue.casefold().startswith("arxiv"):
        kind, venue_field = "misc", ""
    elif words & _JOURNAL_WORDS:
        kind, venue_field = "article", "journal"
    else:
        kind, venue_field = "inproceedings", "booktitle"
    authors = [_bib_name(text(a)) for a in paper.authors if clean(a)]
    et_al = paper.et_al
    if max_authors is not None and len(authors) > max_authors:
        authors, et_al = authors[:max_authors], True
    if authors and et_al:
        authors.append("others")
    fields = [("title", "{" + text(paper.title) + "}"), ("author", " and ".join(authors))]
    if venue_field:
        fields.append((venue_field, text(venue)))
    fields.append(("year", year_of(paper)))
    if paper.arxiv_id and clean(paper.arxiv_id):
        fields += [("eprint", text(paper.arxiv_id)), ("archivePrefix", "arXiv")]
    if clean(doi):
        fields.append(("doi", text(doi)))
    fields.append(("url", web_url(paper.pdf) or web_url(paper.arxiv_url) or ""))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{_citation_key(paper)},\n{body}\n}}"


def year_of(paper: Paper) -> str:
    """The paper's year, where it is one (a number from 1 to 9999)."""
    return str(paper.year) if paper.year is not None and 0 < paper.year < 10_000 else ""


def _bib_escape(text: str) -> str:
    return text.translate(_BIB_SPECIALS)


def _bib_name(name: str) -> str:
    """A name as BibTeX reads it; braced when a comma or "and" would split it wrongly."""
    if "," in name or re.search(r"\band\b", name, re.IGNORECASE) or name.lower() == "others":
        return "{" + name + "}"
    return name


def _citation_key(paper: Paper) -> str:
    surname = ""
    if paper.authors:
        first = clean(paper.authors[0])
        parts = first.split(",")[0].split() if "," in first else first.split()
        letters = [_ascii_letters(part) for part in parts]
        surname = next((w for w in reversed(letters) if w and w not in _NAME_SUFFIXES), "")
    words = re.findall(r"[a-z]+", _ascii(paper.title).lower())
    word = next((w for w in words if w not in _KEY_STOPWORDS), "")
    return f"{surname[:_KEY_PART_CHARS] or 'anon'}{year_of(paper)}{word[:_KEY_PART_CHARS]}"


def _ascii(text: str) -> str:
    """Accents dropped, then anything not ASCII: Jürgen -> Jurgen."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _ascii_letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", _ascii(text).lower())
