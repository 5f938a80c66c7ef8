"""`readinglist-bot check`: the reading list linted against itself and its metadata. Pure.

Each finding names the file and line of an entry, what the list says and what it should
say according to arXiv, Semantic Scholar or the canonical form of a link:
the same paper twice in one section, a title that differs from arXiv's (a typo such as
"decodingr"), authors or a year that differ from the metadata, malformed or non-canonical
links, a missing year or venue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rapidfuzz import fuzz

from bot.catalogue.names import arxiv_id_from_url, fold, title_key
from bot.catalogue.parse import Entry, Heading, parse_markdown
from bot.metadata.models import PaperMetadata
from bot.models import Catalogue, Paper
from bot.text import web_url

KINDS = ("duplicate", "title", "authors", "year", "link", "missing-year", "missing-venue")
_NON_WORD = re.compile(r"[\W_]+")
_TRACKING = re.compile(r"^(utm_\w+|_hs\w+|fbclid|gclid|mc_\w+|ref_?src|share)$", re.IGNORECASE)
_ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org")
_ARXIV_MIRRORS = ("ar5iv.org", "ar5iv.labs.arxiv.org", "www.alphaxiv.org", "alphaxiv.org")
_SHOWN_AUTHORS = 8


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix in the list."""

    source: str  # the file (or URL) of the list
    line: int
    kind: str  # one of KINDS
    paper_id: str
    title: str  # the entry's title, to find it by eye
    listed: str  # what the list says
    expected: str  # what it should say ("" when unknown)
    expected_from: str  # "arXiv", "Semantic Scholar", "canonical form", "line N"

    def to_json(self) -> dict[str, object]:
        """The finding as JSON-ready data."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The finding for a terminal: where, what, the list's value, the expected one."""
        where = f"{self.source}:{self.line}" if self.source else f"line {self.line}"
        head = f"{where}: {_DESCRIPTIONS[self.kind]} ({self.title[:70]})"
        lines = [head, f"    list:  {self.listed or '(none)'}"]
        if self.expected:
            lines.append(f"    {self.expected_from}: {self.expected}")
        return lines


_DESCRIPTIONS = {
    "duplicate": "listed twice in one section",
    "title": "title differs",
    "authors": "authors differ",
    "year": "year differs",
    "link": "malformed or non-canonical link",
    "missing-year": "no year",
    "missing-venue": "no venue",
}


def check_list(
    texts: Sequence[tuple[str, str]],
    catalogue: Catalogue,
    metadata: Mapping[str, PaperMetadata],
) -> list[Finding]:
    """Every finding in the lists `texts` ((source, markdown) pairs, as loaded into
    `catalogue`), in list order."""
    by_arxiv = {p.arxiv_id: p for p in catalogue.papers if p.arxiv_id}
    by_title: dict[str, list[Paper]] = {}
    for listed in catalogue.papers:
        by_title.setdefault(title_key(listed.title), []).append(listed)
    findings: list[Finding] = []
    for source, text in texts:
        seen: dict[str, int] = {}
        for block in parse_markdown(text, source).blocks:
            if isinstance(block, Heading):
                seen = {}
                continue
            paper = _paper_of(block, by_arxiv, by_title)
            key = paper.id if paper else title_key(block.title)
            found = _Entry(source, block, paper)
            if key in seen:
                findings.append(
                    found.finding("duplicate", block.title, f"line {seen[key]}", "first listed")
                )
            else:
                seen[key] = block.line
            meta = metadata.get(paper.id) if paper else None
            findings += _entry_findings(found, meta)
    return findings


@dataclass(frozen=True, slots=True)
class _Entry:
    source: str
    entry: Entry
    paper: Paper | None

    def finding(self, kind: str, listed: str, expected: str, expected_from: str) -> Finding:
        return Finding(
            self.source,
            self.entry.line,
            kind,
            self.paper.id if self.paper else "",
            self.entry.title,
            listed,
            expected,
            expected_from,
        )


def _paper_of(
    entry: Entry, by_arxiv: dict[str, Paper], by_title: dict[str, list[Paper]]
) -> Paper | None:
    """The catalogue's paper for an entry: by arXiv link, else by title (and year, for
    editions the catalogue keeps apart)."""
    for _, url in entry.links:
        arxiv_id = arxiv_id_from_url(url)
        if arxiv_id and arxiv_id in by_arxiv:
            return by_arxiv[arxiv_id]
    same = by_title.get(title_key(entry.title), [])
    return next((p for p in same if p.year == entry.year), same[0] if same else None)


def _entry_findings(found: _Entry, meta: PaperMetadata | None) -> list[Finding]:
    entry = found.entry
    findings: list[Finding] = []
    arxiv, scholar = (meta.arxiv, meta.scholar) if meta else (None, None)
    # Titles: arXiv's is the author's own; Semantic Scholar's where arXiv has none.
    reference = (arxiv, "arXiv") if arxiv and arxiv.title else (scholar, "Semantic Scholar")
    if reference[0] and reference[0].title and _form(entry.title) != _form(reference[0].title):
        findings.append(found.finding("title", entry.title, reference[0].title, reference[1]))
    authors_from = arxiv if arxiv and arxiv.authors else scholar
    if (
        authors_from
        and entry.authors
        and _authors_differ(entry.authors, entry.et_al, authors_from.authors)
    ):
        findings.append(
            found.finding(
                "authors",
                _names(entry.authors, entry.et_al),
                _names(authors_from.authors, False),
                "arXiv" if authors_from is arxiv else "Semantic Scholar",
            )
        )
    years = _years(meta)
    if entry.year is not None and years and entry.year not in {y for y, _ in years}:
        findings.append(
            found.finding("year", str(entry.year), "; ".join(w for _, w in years), "metadata")
        )
    if entry.year is None:
        findings.append(
            found.finding("missing-year", "", "; ".join(w for _, w in years), "metadata")
        )
    if not entry.venue.strip():
        venue = meta.venue if meta else ""
        findings.append(found.finding("missing-venue", "", venue, "Semantic Scholar"))
    for _, url in entry.links:
        canonical = canonical_link(url)
        if canonical != url:
            findings.append(
                found.finding("link", url, canonical or "(not a web link)", "canonical form")
            )
    return findings


def canonical_link(url: str) -> str | None:
    """The canonical form of a link: `https://arxiv.org/abs/ID` or `/pdf/ID` without a
    version or ".pdf" (mirrors and export.arxiv.org too), `https://doi.org/...`, no
    tracking parameters; None when it is not a web link at all."""
    if web_url(url) is None:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    arxiv_id = arxiv_id_from_url(url) or (
        _mirror_id(parts.path) if host in _ARXIV_MIRRORS else None
    )
    if arxiv_id and (host in _ARXIV_HOSTS or host in _ARXIV_MIRRORS):
        kind = "pdf" if "/pdf/" in parts.path else "abs"
        return f"https://arxiv.org/{kind}/{arxiv_id}"
    if host in ("dx.doi.org", "doi.org", "www.doi.org"):
        return urlunsplit(("https", "doi.org", parts.path, parts.query, parts.fragment))
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if not _TRACKING.match(k)]
    if len(kept) != len(query):
        return urlunsplit(parts._replace(query=urlencode(kept)))
    return url


def _mirror_id(path: str) -> str | None:
    match = re.search(r"(\d{4}\.\d{4,5})(?:v\d+)?", path)
    return match.group(1) if match else None


def _form(title: str) -> str:
    """A title compared without case, accents, punctuation or spacing."""
    return " ".join(_NON_WORD.sub(" ", fold(title)).split())


def _surname(name: str) -> str:
    words = _form(name).split()
    return words[-1] if words else ""


def _authors_differ(listed: Sequence[str], et_al: bool, known: Sequence[str]) -> bool:
    """Listed authors differ when the first is another person, a listed name is not among
    the known ones, or (unless the list says "et al.") the count differs."""
    mine = [_surname(n) for n in listed if _surname(n)]
    theirs = [_surname(n) for n in known if _surname(n)]
    if not mine or not theirs:
        return False

    def among(name: str) -> bool:
        return name in theirs or any(fuzz.ratio(name, t) >= 85 for t in theirs)

    if fuzz.ratio(mine[0], theirs[0]) < 85:  # another first author
        return True
    if not all(map(among, mine)):
        return True
    return not et_al and len(mine) != len(theirs)


def _names(names: Sequence[str], et_al: bool) -> str:
    shown = ", ".join(names[:_SHOWN_AUTHORS])
    more = len(names) - _SHOWN_AUTHORS
    if more > 0:
        shown += f" … ({len(names)} authors)"
    return shown + (" et al." if et_al else "")


def _years(meta: PaperMetadata | None) -> list[tuple[int, str]]:
    """The years the sources give, with where each comes from."""
    years: list[tuple[int, str]] = []
    if meta and meta.arxiv and meta.arxiv.year:
        when = meta.arxiv.published or str(meta.arxiv.year)
        years.append((meta.arxiv.year, f"{meta.arxiv.year} (arXiv, first version {when})"))
    if meta and meta.scholar and meta.scholar.year:
        years.append((meta.scholar.year, f"{meta.scholar.year} (Semantic Scholar)"))
    return years
