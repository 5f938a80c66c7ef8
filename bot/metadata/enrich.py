"""Fetching the metadata that is due and storing it: papers never fetched, and those
fetched longer ago than the TTL (or every paper, with `force`).

arXiv is asked first (in batches of 100), then Semantic Scholar's batch endpoint (500 at a
time, by arXiv id, ACL Anthology id or DOI), then its title match for the papers it could
not find by id. Each batch is stored as it arrives, so an interrupted run keeps what it got.
A source that cannot be reached is reported and skipped: its papers stay due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.metadata.http import Clients, SourceUnavailable
from bot.metadata.models import ARXIV, SCHOLAR, PaperMetadata, SourceRecord, merge_records
from bot.metadata.scholar import lookup_id
from bot.models import Catalogue, Paper
from bot.store import Store

log = logging.getLogger(__name__)

ARXIV_BATCH = 100
SCHOLAR_BATCH = 500
Progress = Callable[[int, int], None]  # (papers done, papers due)
T = TypeVar("T")


@dataclass
class EnrichReport:
    """What a run fetched and what is now known about the catalogue's papers."""

    papers: int
    asked: dict[str, int] = field(default_factory=dict)  # papers asked of each source
    requests: dict[str, int] = field(default_factory=dict)
    waited: dict[str, float] = field(default_factory=dict)  # politeness delay, seconds
    stored: int = 0  # answers stored
    abstracts: int = 0
    tldrs: int = 0
    citations: int = 0
    not_found: list[Paper] = field(default_factory=list)  # no source knows them
    unavailable: dict[str, str] = field(default_factory=dict)  # source -> why
    metadata: dict[str, PaperMetadata] = field(default_factory=dict, repr=False)

    def summary(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "papers": self.papers,
            "asked": self.asked,
            "requests": self.requests,
            "stored": self.stored,
            "with_abstract": self.abstracts,
            "with_tldr": self.tldrs,
            "with_citation_count": self.citations,
            "not_found": [{"id": p.id, "title": p.title, "line": p.line} for p in self.not_found],
            "unavailable": self.unavailable,
        }

    def lines(self) -> list[str]:
        """The report for a terminal."""
        asked = ", ".join(f"{n} asked of {_NAMES[s]}" for s, n in self.asked.items()) or "none due"
        requests = ", ".join(f"{n} to {_NAMES[s]}" for s, n in self.requests.items() if n)
        lines = [f"{self.papers} papers: {asked}" + (f"; requests: {requests}" if requests else "")]
        lines += [
            f"  with an abstract:      {self.abstracts}",
            f"  with a TL;DR:          {self.tldrs}",
            f"  with a citation count: {self.citations}",
            f"  not found anywhere:    {len(self.not_found)}",
        ]
        lines += [f"    line {p.line}: {p.title}" for p in self.not_found]
        lines += [f"{_NAMES[s]} unavailable: {why}" for s, why in self.unavailable.items()]
        return lines


_NAMES = {ARXIV: "arXiv", SCHOLAR: "Semantic Scholar"}


def due(
    papers: Iterable[Paper],
    records: Mapping[tuple[str, str], SourceRecord],
    source: str,
    *,
    now: datetime,
    ttl: timedelta,
    force: bool = False,
) -> list[Paper]:
    """The papers whose `source` metadata was never fetched or is older than `ttl`."""
    stale = now - ttl
    return [
        p
        for p in papers
        if force or (record := records.get((p.id, source))) is None or record.fetched_at <= stale
    ]


async def enrich(
    store: Store,
    catalogue: Catalogue,
    clients: Clients,
    *,
    now: datetime,
    ttl: timedelta,
    force: bool = False,
    progress: Progress | None = None,
) -> EnrichReport:
    """Fetch what is due for `catalogue`, store it, and report what is known."""
    records = {(r.paper_id, r.source): r for r in await store.metadata_records()}
    report = EnrichReport(papers=len(catalogue.papers))
    arxiv_due = [
        p
        for p in due(catalogue.papers, records, ARXIV, now=now, ttl=ttl, force=force)
        if p.arxiv_id
    ]
    scholar_due = due(catalogue.papers, records, SCHOLAR, now=now, ttl=ttl, force=force)
    report.asked = {ARXIV: len(arxiv_due), SCHOLAR: len(scholar_due)}
    total = len(arxiv_due) + len(scholar_due)
    done = 0

    async def keep(new: Sequence[SourceRecord]) -> None:
        nonlocal done
        await store.save_metadata(new)
        records.update({(r.paper_id, r.source): r for r in new})
        report.stored += len(new)
        done += len(new)
        if progress:
            progress(done, total)

    if progress:
        progress(0, total)
    for batch in _chunks(arxiv_due, ARXIV_BATCH):
        try:
            found = await clients.arxiv.papers([p.arxiv_id or "" for p in batch])
        except SourceUnavailable as exc:
            report.unavailable[ARXIV] = str(exc)
            break
        await keep([SourceRecord(p.id, ARXIV, now, found.get(p.arxiv_id or "")) for p in batch])

    by_title = [p for p in scholar_due if lookup_id(p) is None]
    for batch in _chunks([p for p in scholar_due if lookup_id(p)], SCHOLAR_BATCH):
        try:
            answers = await clients.scholar.papers([lookup_id(p) or "" for p in batch])
        except SourceUnavailable as exc:
            report.unavailable[SCHOLAR] = str(exc)
            break
        # A paper the batch does not know by an ACL id or DOI may still be found by title.
        by_title += [p for p, a in zip(batch, answers, strict=True) if a is None and not p.arxiv_id]
        await keep(
            [
                SourceRecord(p.id, SCHOLAR, now, a)
                for p, a in zip(batch, answers, strict=True)
                if a is not None or p.arxiv_id
            ]
        )
    if SCHOLAR not in report.unavailable:
        for paper in by_title:
            try:
                facts = await clients.scholar.match(paper.title)
            except SourceUnavailable as exc:
                report.unavailable[SCHOLAR] = str(exc)
                break
            await keep([SourceRecord(paper.id, SCHOLAR, now, facts)])

    report.requests = clients.requests
    report.waited = clients.waited
    report.metadata = merge_records(records.values())
    for paper in catalogue.papers:
        known = report.metadata.get(paper.id)
        if known is None:
            tried = (paper.id, SCHOLAR) in records or (paper.id, ARXIV) in records
            if tried:
                report.not_found.append(paper)
            continue
        report.abstracts += bool(known.abstract)
        report.tldrs += bool(known.tldr)
        report.citations += known.citation_count is not None
    return report


async def stored_metadata(store: Store) -> dict[str, PaperMetadata]:
    """The metadata stored so far, by paper id."""
    return merge_records(await store.metadata_records())


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
