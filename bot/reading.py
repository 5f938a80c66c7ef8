"""A reader's progress through the list: what they read and saved, per section, what comes
next, and their list as markdown and BibTeX. Pure: no Discord, no database, no clock (every
moment is handed in).

A reader's marks are kept by stable paper id with the paper's title at the time, so a paper
that leaves the list stays in their history, shown as no longer listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from bot import bibtex
from bot.models import Catalogue, Paper, Section

Kind = Literal["read", "saved"]
BAR_WIDTH = 10


@dataclass(frozen=True, slots=True)
class Mark:
    """What one reader did with one paper: read it (when), saved it for later (when)."""

    paper_id: str
    title: str
    read_at: datetime | None = None
    saved_at: datetime | None = None

    @property
    def empty(self) -> bool:
        """Neither read nor saved: nothing is kept."""
        return self.read_at is None and self.saved_at is None


def toggled(mark: Mark | None, paper: Paper, kind: Kind, now: datetime) -> Mark:
    """The mark after a click on Mark read / Save for later: on when it was off, off when it
    was on. The title is refreshed from the list."""
    mark = replace(mark, title=paper.title) if mark else Mark(paper.id, paper.title)
    if kind == "read":
        return replace(mark, read_at=None if mark.read_at else now)
    return replace(mark, saved_at=None if mark.saved_at else now)


def is_on(mark: Mark | None, kind: Kind) -> bool:
    """Whether the mark has `kind` set."""
    if mark is None:
        return False
    return (mark.read_at if kind == "read" else mark.saved_at) is not None


@dataclass(frozen=True, slots=True)
class SectionProgress:
    """One section of the list, for one reader."""

    section: Section
    read: int
    saved: int

    @property
    def total(self) -> int:
        return len(self.section.paper_ids)


def progress(
    catalogue: Catalogue, marks: Iterable[Mark], section: str | None = None
) -> list[SectionProgress]:
    """Read and saved papers per section, in list order (only `section`'s, a slug, if given)."""
    by_id = {m.paper_id: m for m in marks}
    found = []
    for s in catalogue.sections:
        if section is not None and s.slug != section:
            continue
        marked = [by_id[p] for p in s.paper_ids if p in by_id]
        found.append(
            SectionProgress(
                s,
                read=sum(m.read_at is not None for m in marked),
                saved=sum(m.saved_at is not None for m in marked),
            )
        )
    return found


def totals(catalogue: Catalogue, marks: Iterable[Mark]) -> tuple[int, int, int]:
    """Papers of the list read, saved, and in all (papers no longer listed not counted)."""
    listed = [m for m in marks if catalogue.paper(m.paper_id) is not None]
    return (
        sum(m.read_at is not None for m in listed),
        sum(m.saved_at is not None for m in listed),
        len(catalogue.papers),
    )


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """ "▰▰▰▱▱▱▱▱▱▱": `done` of `total` as a bar of `width` cells."""
    filled = 0 if total <= 0 else round(width * min(done, total) / total)
    return "▰" * filled + "▱" * (width - filled)


def next_unread(
    catalogue: Catalogue, marks: Iterable[Mark], section: Section | None = None
) -> Paper | None:
    """The first paper in the curator's order the reader has not read (in `section`, or in
    the whole list); None when they read them all."""
    read = {m.paper_id for m in marks if m.read_at is not None}
    ids: Sequence[str] = section.paper_ids if section else [p.id for p in catalogue.papers]
    for paper_id in ids:
        if paper_id not in read and (paper := catalogue.paper(paper_id)) is not None:
            return paper
    return None


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a reader's list: the mark and the paper, None when no longer listed."""

    mark: Mark
    paper: Paper | None

    @property
    def listed(self) -> bool:
        return self.paper is not None


def history(catalogue: Catalogue, marks: Iterable[Mark]) -> list[Entry]:
    """A reader's marks, listed papers first in the list's order, then the papers no longer
    listed, most recent first."""
    entries = [Entry(m, catalogue.paper(m.paper_id)) for m in marks if not m.empty]
    listed = sorted(
        (e for e in entries if e.paper), key=lambda e: e.paper.position if e.paper else 0
    )
    gone = sorted(
        (e for e in entries if not e.paper),
        key=lambda e: max(d for d in (e.mark.read_at, e.mark.saved_at) if d is not None),
        reverse=True,
    )
    return [*listed, *gone]


# --- export -------------------------------------------------------------------------------

# Characters that would end or open markdown emphasis or code inside an entry's fields.
_MARKDOWN = str.maketrans({"*": "\\*", "`": "'", "[": "(", "]": ")", "\n": " "})


def export_markdown(catalogue: Catalogue, marks: Iterable[Mark], headings: dict[str, str]) -> str:
    """The reader's papers as a reading list in the format of the list itself (which
    bot.catalogue parses back): sections `headings["read"]`, `headings["saved"]` and
    `headings["gone"]` (no longer listed, titles only), under `headings["title"]`."""
    entries = history(catalogue, marks)
    groups = (
        ("read", [e for e in entries if e.listed and e.mark.read_at]),
        ("saved", [e for e in entries if e.listed and e.mark.saved_at]),
        ("gone", [e for e in entries if not e.listed]),
    )
    lines = [f"# {headings['title']}", ""]
    for key, group in groups:
        if not group:
            continue
        lines += [f"## {headings[key]}", ""]
        for n, entry in enumerate(group, 1):
            lines += _entry_lines(n, entry)
    return "\n".join(lines).rstrip() + "\n"


def _entry_lines(number: int, entry: Entry) -> list[str]:
    paper = entry.paper
    title = _md(entry.mark.title if paper is None else paper.title).rstrip(".")
    if paper is None:
        return [f"{number}. **{title}.**", ""]
    venue = f" `{_md(paper.venue)}`" if paper.venue else ""
    authors = ", ".join(_md(a) for a in paper.authors) + (" et al" if paper.et_al else "")
    pdf = paper.pdf or paper.arxiv_url
    # The arXiv link is what the stable id is made of: kept whatever the PDF link is.
    arxiv = paper.arxiv_url if paper.arxiv_id and "arxiv.org" not in (pdf or "") else None
    labelled = (("PDF", pdf), ("arXiv", arxiv), ("Code", paper.code))
    links = "".join(f"[[{label}]({url})]" for label, url in labelled if url)
    year = f", {paper.year}" if paper.year else ""
    second = " ".join(part for part in (f"*{authors}.*" if authors else "", links) if part)
    return [f"{number}. **{title}.**{venue}", f"   {second}{year}.", ""]


def _md(text: str) -> str:
    return " ".join(text.translate(_MARKDOWN).split())


def export_bibtex(catalogue: Catalogue, marks: Iterable[Mark]) -> str:
    """BibTeX entries of the reader's listed papers, read and saved, in the list's order."""
    papers = [e.paper for e in history(catalogue, marks) if e.paper is not None]
    return "\n\n".join(bibtex.citation(p) for p in papers) + ("\n" if papers else "")


# --- the server board ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardLine:
    """One paper of the week on a server's board: how many of the server's readers read it,
    and those of them who show their name there (user ids)."""

    paper_id: str
    title: str
    listed: bool
    readers: int
    named: tuple[int, ...]


def board(
    catalogue: Catalogue,
    posts: Iterable[tuple[str, str]],
    reads: Iterable[tuple[str, int, bool]],
) -> list[BoardLine]:
    """A server's board: each paper its weekly posts posted (`posts`, newest first, as
    (paper id, title then); a paper posted in two cycles once, where it was newest), with
    how many of the server's readers read it (`reads`: paper id, user id, whether they show
    their name there) and who of them show their name, in the order they read it."""
    readers: dict[str, list[tuple[int, bool]]] = {}
    for paper_id, user_id, shown in reads:
        readers.setdefault(paper_id, []).append((user_id, shown))
    lines: list[BoardLine] = []
    seen: set[str] = set()
    for paper_id, title in posts:
        if paper_id in seen:
            continue
        seen.add(paper_id)
        paper = catalogue.paper(paper_id)
        who = dict.fromkeys(readers.get(paper_id, ()))  # one reader once, in order
        lines.append(
            BoardLine(
                paper_id,
                paper.title if paper else title,
                paper is not None,
                readers=len({user for user, _ in who}),
                named=tuple(dict.fromkeys(user for user, shown in who if shown)),
            )
        )
    return lines
