"""The catalogue's data model: plain frozen values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a catalogue file that could not be read as intended."""

    line: int  # 1-based line number in the source file
    message: str
    text: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, however many times and in however many sections the list names it."""

    id: str  # stable: the arXiv id where there is one, else the normalised title
    title: str
    authors: tuple[str, ...] = ()
    et_al: bool = False  # the list itself cut the author list short
    venue: str = ""
    year: int | None = None
    pdf: str | None = None
    code: str | None = None
    links: tuple[str, ...] = ()  # further distinct links seen in repeated entries
    arxiv_id: str | None = None
    sections: tuple[str, ...] = ()  # section slugs, in list order
    position: int = 0  # order of first appearance in the list, from 0
    line: int = 0  # source line of the first entry

    @property
    def arxiv_url(self) -> str | None:
        """The arXiv abstract page, where the paper has an arXiv id."""
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the list with the papers under it, in the curator's order."""

    slug: str
    heading: str  # the original heading, icons stripped
    name: str  # English name
    chapter: str = ""  # the original heading of the enclosing chapter
    order: int = 0
    paper_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A parsed reading list: papers in list order, sections in list order, and problems."""

    papers: tuple[Paper, ...] = ()
    sections: tuple[Section, ...] = ()
    problems: tuple[Problem, ...] = ()
    entries: int = 0  # numbered entries read, repeats included
    sources: tuple[str, ...] = ()
    digest: str = ""  # sha256 of the source texts: equal digests, equal catalogues
    _by_id: dict[str, Paper] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {p.id: p for p in self.papers})

    def paper(self, paper_id: str) -> Paper | None:
        """The paper with this stable id, if the catalogue has it."""
        return self._by_id.get(paper_id)

    def section(self, slug: str) -> Section | None:
        """The section with this slug, if any."""
        return next((s for s in self.sections if s.slug == slug), None)
