"""What the metadata sources say about papers: plain frozen values. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

ARXIV = "arxiv"
SCHOLAR = "semanticscholar"
SOURCES = (ARXIV, SCHOLAR)


@dataclass(frozen=True, slots=True)
class Facts:
    """What one source says about one paper; empty fields are unknown."""

    title: str = ""
    authors: tuple[str, ...] = ()
    abstract: str = ""
    tldr: str = ""
    year: int | None = None
    published: str = ""  # ISO date of the first version (arXiv)
    venue: str = ""
    journal_ref: str = ""
    doi: str = ""
    primary_category: str = ""
    categories: tuple[str, ...] = ()
    citation_count: int | None = None
    influential_citation_count: int | None = None
    external_ids: tuple[tuple[str, str], ...] = ()  # ("ArXiv", "2305.13048"), ("DOI", ...)
    open_access_pdf: str = ""
    arxiv_id: str = ""
    url: str = ""  # the source's page for the paper

    def to_json(self) -> str:
        """The non-empty fields as JSON."""
        data = {k: v for k, v in asdict(self).items() if v not in ("", (), None)}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Facts:
        """Facts from `to_json`; unknown keys (from a newer version) are ignored."""
        data: dict[str, Any] = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("authors", "categories"):
            if key in values:
                values[key] = tuple(values[key])
        if "external_ids" in values:
            values["external_ids"] = tuple((str(k), str(v)) for k, v in values["external_ids"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One source's answer about one paper, and when it was fetched."""

    paper_id: str
    source: str  # ARXIV or SCHOLAR
    fetched_at: datetime
    facts: Facts | None  # None: the source does not know the paper


@dataclass(frozen=True, slots=True)
class PaperMetadata:
    """Everything known about one paper, by source, with the merged view cards show."""

    paper_id: str
    arxiv: Facts | None = None
    scholar: Facts | None = None

    @property
    def abstract(self) -> str:
        """arXiv's abstract, else Semantic Scholar's (which publishers sometimes withhold)."""
        return (self.arxiv.abstract if self.arxiv else "") or (
            self.scholar.abstract if self.scholar else ""
        )

    @property
    def tldr(self) -> str:
        """Semantic Scholar's one-sentence summary (machine-written)."""
        return self.scholar.tldr if self.scholar else ""

    @property
    def citation_count(self) -> int | None:
        """How often the paper is cited, by Semantic Scholar's count."""
        return self.scholar.citation_count if self.scholar else None

    @property
    def venue(self) -> str:
        """Semantic Scholar's venue, else arXiv's journal reference."""
        return (self.scholar.venue if self.scholar else "") or (
            self.arxiv.journal_ref if self.arxiv else ""
        )

    @property
    def year(self) -> int | None:
        """Semantic Scholar's year (the publication's), else the arXiv first version's."""
        if self.scholar and self.scholar.year:
            return self.scholar.year
        return self.arxiv.year if self.arxiv else None

    @property
    def doi(self) -> str:
        """The DOI, from arXiv or Semantic Scholar's external ids."""
        if self.arxiv and self.arxiv.doi:
            return self.arxiv.doi
        return self.scholar.doi if self.scholar else ""

    @property
    def open_access_pdf(self) -> str:
        """An open-access PDF Semantic Scholar knows of."""
        return self.scholar.open_access_pdf if self.scholar else ""

    @property
    def found(self) -> bool:
        """Whether any source knows the paper."""
        return self.arxiv is not None or self.scholar is not None


def merge_records(records: Iterable[SourceRecord]) -> dict[str, PaperMetadata]:
    """The records of every paper, by paper id; papers no source knows are left out."""
    merged: dict[str, PaperMetadata] = {}
    for record in records:
        if record.facts is None:
            continue
        current = merged.get(record.paper_id) or PaperMetadata(record.paper_id)
        if record.source == ARXIV:
            current = PaperMetadata(record.paper_id, record.facts, current.scholar)
        elif record.source == SCHOLAR:
            current = PaperMetadata(record.paper_id, current.arxiv, record.facts)
        merged[record.paper_id] = current
    return merged
