"""Headings and entries -> a Catalogue: sections, merged papers, stable ids."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace

from bot.catalogue.names import arxiv_id_from_url, title_key
from bot.catalogue.parse import Entry, Heading, ParsedText
from bot.catalogue.sections import SectionTable, fallback_slug
from bot.models import Catalogue, Paper, Problem, Section

_MAX_ID = 60  # ids go into button custom ids (100 characters at most)


@dataclass(slots=True)
class _Section:
    heading: str
    name: str
    chapter: str
    curated: str | None = None  # the section table's slug for this heading
    fallback: tuple[str, str] = ("", "")  # text and chapter of a slug made for it
    slug: str = ""  # given once every file is read (see _give_slugs)
    entries: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """One parsed file with its name."""

    source: str
    parsed: ParsedText


def assemble(documents: list[Document], table: SectionTable) -> Catalogue:
    """Build one catalogue from one or more parsed files, in order."""
    problems: list[Problem] = []
    sections: list[_Section] = []
    for doc in documents:
        problems.extend(doc.parsed.problems)
        sections.extend(_sections_of(doc, table, problems))
    _give_slugs(sections, table)

    entries = [e for s in sections for e in s.entries]
    ids = _paper_ids(entries)
    # One mutable draft per paper, filled as entries come and frozen once at the end, and
    # ordered sets (dicts): rebuilding a tuple at every repeat made a section of 40,000
    # entries, or a paper listed 20,000 times with its own link each time, quadratic (tens
    # of seconds), and a frozen Paper replaced per entry was a third of the assembling.
    drafts: dict[str, _Draft] = {}
    section_ids: list[dict[str, None]] = []
    for section in sections:
        members: dict[str, None] = {}
        for entry in section.entries:
            ident = ids[id(entry)]
            pid = ident.id
            draft = drafts.get(pid)
            if draft is None:
                drafts[pid] = draft = _Draft(entry, ident, len(drafts))
            else:
                draft.merge(entry)
            draft.urls.update(dict.fromkeys(u for _, u in entry.links))
            draft.slugs[section.slug] = None
            members[pid] = None
        section_ids.append(members)

    catalogue = Catalogue(
        papers=tuple(draft.paper() for draft in drafts.values()),
        sections=tuple(
            Section(
                slug=s.slug,
                heading=s.heading,
                name=s.name,
                chapter=s.chapter,
                order=n,
                paper_ids=tuple(members),
            )
            for n, (s, members) in enumerate(zip(sections, section_ids, strict=True))
        ),
        problems=tuple(sorted(problems, key=lambda p: (p.source, p.line))),
        entries=len(entries),
        sources=tuple(d.source for d in documents),
    )
    # The digest covers what was read, not the raw text: a new section table changes it too.
    content = repr((catalogue.papers, catalogue.sections, catalogue.problems, catalogue.entries))
    return replace(catalogue, digest=hashlib.sha256(content.encode("utf-8", "replace")).hexdigest())


def _sections_of(doc: Document, table: SectionTable, problems: list[Problem]) -> list[_Section]:
    """Group a file's entries under its section headings.

    The section level is the deepest heading level that has entries under it; the nearest
    shallower heading is the chapter. An empty heading at that level is an empty section.
    """
    blocks = doc.parsed.blocks
    level = _section_level(blocks)
    out: list[_Section] = []
    chapter = ""
    current: _Section | None = None
    for block in blocks:
        if isinstance(block, Heading):
            if block.level < level:
                chapter, current = block.text, None
            elif block.level == level or current is None:
                known = table.lookup(block.text, chapter)
                name = known.name if known else block.text
                curated = known.slug if known else None
                current = _Section(block.text, name, chapter, curated, (block.text, chapter))
                out.append(current)
            continue
        if current is None:
            # The text cut as the parser cuts its problems': a 10 MB line is no log line.
            problems.append(
                Problem(
                    block.line,
                    "entry before the first section heading",
                    block.raw[:500],
                    doc.source,
                )
            )
            current = _Section("Unsorted", "Unsorted", chapter, fallback=("unsorted", ""))
            out.append(current)
        current.entries.append(block)
    return out


def _give_slugs(sections: list[_Section], table: SectionTable) -> None:
    """Unique slugs. A heading the section table knows gets the table's slug (the first such
    heading, where the table gives one slug to several), whatever came before it; any other
    heading gets one made from its text that is no slug of the table, so a section keeps
    its slug when a curated heading is added to the list above it."""
    taken = {name.slug for name in table.sections.values()}
    given: set[str] = set()
    for section in sections:
        if section.curated and section.curated not in given:
            section.slug = section.curated
            given.add(section.curated)
    numbers: dict[str, int] = {}  # where fallback_slug's numbering of each base stopped
    for section in sections:
        if not section.slug:
            text, chapter = section.fallback
            section.slug = fallback_slug(text, chapter, taken, numbers)
            taken.add(section.slug)


def _section_level(blocks: list[Heading | Entry]) -> int:
    level_with_entries = 0
    last: Heading | None = None
    for block in blocks:
        if isinstance(block, Heading):
            last = block
        elif last is not None:
            level_with_entries = max(level_with_entries, last.level)
    if level_with_entries:
        return level_with_entries
    return max((b.level for b in blocks if isinstance(b, Heading)), default=2)


@dataclass(frozen=True, slots=True)
class _Id:
    id: str
    arxiv: str | None


def _paper_ids(entries: list[Entry]) -> dict[int, _Id]:
    """A stable id per entry: its arXiv id, or the arXiv id another entry with the same title
    has, or else its normalised title."""
    arxiv_of_title: dict[str, set[str]] = defaultdict(set)
    found: list[tuple[str | None, str]] = []  # each entry's arXiv id and title key
    for entry in entries:
        arxiv, key = _arxiv_id(entry), title_key(entry.title)
        found.append((arxiv, key))
        if arxiv:
            arxiv_of_title[key].add(arxiv)
    ids: dict[int, _Id] = {}
    first_of_title: dict[str, Entry] = {}
    for entry, (arxiv, key) in zip(entries, found, strict=True):
        if arxiv is None and len(arxiv_of_title.get(key, ())) == 1:
            arxiv = next(iter(arxiv_of_title[key]))
        if arxiv:
            ids[id(entry)] = _Id(arxiv, arxiv)
            continue
        first = first_of_title.setdefault(key, entry)
        if _another_edition(first, entry):
            key = f"{key}-{entry.year}"
        ids[id(entry)] = _Id(_title_id(key), None)
    return ids


def _another_edition(first: Entry, entry: Entry) -> bool:
    """Same title, other year and other link: a different work (GPT-4 vs GPT-4o reports)."""
    return (
        first.year is not None
        and entry.year is not None
        and first.year != entry.year
        and first.links[:1] != entry.links[:1]
    )


def _title_id(key: str) -> str:
    if len(key) <= _MAX_ID:
        return key or "untitled"
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return f"{key[: _MAX_ID - 9].rstrip('-')}-{digest}"


def _arxiv_id(entry: Entry) -> str | None:
    for _, url in entry.links:
        found = arxiv_id_from_url(url)
        if found:
            return found
    return None


def _first_link(entry: Entry, label: str) -> str | None:
    return next((u for name, u in entry.links if name == label), None)


class _Draft:
    """A paper as first listed, with the fields later entries add where it had none, and
    the links and sections of all its entries."""

    __slots__ = (
        "authors",
        "code",
        "et_al",
        "first",
        "ident",
        "pdf",
        "position",
        "slugs",
        "urls",
        "venue",
        "year",
    )

    def __init__(self, entry: Entry, ident: _Id, position: int) -> None:
        self.first = entry
        self.ident = ident
        self.position = position
        self.authors, self.et_al = entry.authors, entry.et_al
        self.venue, self.year = entry.venue, entry.year
        self.pdf, self.code = _first_link(entry, "pdf"), _first_link(entry, "code")
        self.urls: dict[str, None] = {}
        self.slugs: dict[str, None] = {}

    def merge(self, entry: Entry) -> None:
        if not self.authors:
            self.authors, self.et_al = entry.authors, entry.et_al
        self.venue = self.venue or entry.venue
        if self.year is None:
            self.year = entry.year
        self.pdf = self.pdf or _first_link(entry, "pdf")
        self.code = self.code or _first_link(entry, "code")

    def paper(self) -> Paper:
        first = self.first
        return Paper(
            id=self.ident.id,
            title=first.title.rstrip(". ") or first.title,
            authors=self.authors,
            et_al=self.et_al,
            venue=self.venue,
            year=self.year,
            pdf=self.pdf,
            code=self.code,
            links=tuple(u for u in self.urls if u not in (self.pdf, self.code)),
            arxiv_id=self.ident.arxiv,
            sections=tuple(self.slugs),
            position=self.position,
            line=first.line,
        )
