"""The loaded reading list as the commands see it: the catalogue and its search index."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

from bot.catalogue.aliases import read_aliases
from bot.chinese import read_glossary
from bot.metadata.models import PaperMetadata
from bot.models import Catalogue, Paper, Section
from bot.search import AuthorIndex, SearchIndex


@dataclass(frozen=True)
class Library:
    """One catalogue load, immutable: a reload builds a new Library and swaps it in whole,
    so a command never sees half of one list and half of another."""

    catalogue: Catalogue
    index: SearchIndex
    loaded_at: datetime | None = None
    # What arXiv and Semantic Scholar say about the papers, by paper id (bot.metadata); it
    # arrives in the background after a load, and a Library with it replaces this one whole.
    paper_metadata: Mapping[str, PaperMetadata] = field(default_factory=dict)
    _sections: dict[str, Section] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sections", {s.slug: s for s in self.catalogue.sections})

    @classmethod
    def build(
        cls,
        catalogue: Catalogue,
        aliases_path: Path,
        loaded_at: datetime | None = None,
        metadata: Mapping[str, PaperMetadata] | None = None,
        index: SearchIndex | None = None,
    ) -> Library:
        """Index a catalogue with the curated nicknames and the Chinese-English glossary
        (`glossary.toml` beside the nicknames' table), and the papers' metadata; `index`, the
        catalogue's index without metadata (stored with it), saves building it again."""
        known = dict(metadata or {})
        if index is None:
            glossary = read_glossary(aliases_path.with_name("glossary.toml"))
            index = SearchIndex(catalogue, read_aliases(aliases_path), glossary, known)
        elif known:
            index = index.with_metadata(known)
        return cls(catalogue, index, loaded_at, known)

    def with_metadata(
        self, metadata: Mapping[str, PaperMetadata], *, index: bool = True
    ) -> Library:
        """This library with other metadata, the search index's abstracts and TL;DRs
        included (seconds for a large list: call it in a worker thread); with `index`
        False, for the cards only, at once (the index as it was)."""
        known = dict(metadata)
        if not index:
            return replace(self, paper_metadata=known)
        if known == self.paper_metadata and known == self.index.metadata:
            return self
        return replace(self, index=self.index.with_metadata(known), paper_metadata=known)

    def metadata(self, paper_id: str) -> PaperMetadata | None:
        """What the metadata sources say about a paper, when they have been asked."""
        return self.paper_metadata.get(paper_id)

    @cached_property
    def authors(self) -> AuthorIndex:
        """The list's authors, indexed on first use."""
        return AuthorIndex(self.catalogue)

    def paper(self, paper_id: str) -> Paper | None:
        """The paper with this stable id."""
        return self.catalogue.paper(paper_id)

    def section(self, slug: str) -> Section | None:
        """The section with this slug."""
        return self._sections.get(slug)

    def sections_of(self, paper: Paper) -> list[Section]:
        """The sections a paper is listed in, in list order."""
        return [s for slug in paper.sections if (s := self._sections.get(slug))]

    def papers_of(self, section: Section) -> list[Paper]:
        """A section's papers in the curator's order."""
        return [p for pid in section.paper_ids if (p := self.catalogue.paper(pid))]

    def neighbours(self, paper: Paper, slug: str) -> tuple[Paper | None, Paper | None]:
        """The papers before and after `paper` in a section."""
        section = self._sections.get(slug)
        if section is None or paper.id not in section.paper_ids:
            return None, None
        k = section.paper_ids.index(paper.id)
        before = self.paper(section.paper_ids[k - 1]) if k > 0 else None
        after = self.paper(section.paper_ids[k + 1]) if k + 1 < len(section.paper_ids) else None
        return before, after

    def random_paper(self, rng: random.Random, section: Section | None = None) -> Paper | None:
        """A paper picked at random, from one section or the whole list."""
        pool = self.papers_of(section) if section else list(self.catalogue.papers)
        return rng.choice(pool) if pool else None
