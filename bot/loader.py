"""Loading the configured reading lists (files or URLs) into the store and the library.

One path serves start-up, `readinglist-bot load`, /reload and the periodic refresh: fetch
(conditionally, by ETag / Last-Modified), skip everything when the text is the one stored
(a digest of the sources' text, the section table and the parser's own code), else parse,
refuse a list that would drop most papers, replace the stored catalogue in one transaction,
and index it into a new Library. Parsing, diffing and indexing run in a worker thread, so
the event loop (gateway heartbeats, interactions) never waits on them.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from bot.catalogue import CatalogueError, SectionTable, parse_texts
from bot.catalogue.aliases import read_aliases
from bot.catalogue.diff import CatalogueDiff, diff_catalogues, drops_most
from bot.chinese import Glossary, read_glossary
from bot.config import Settings
from bot.library import Library
from bot.metadata.models import PaperMetadata
from bot.models import Catalogue
from bot.search import SearchIndex
from bot.sources import Fetched, SourceError, Validators, display_name, fetch_all
from bot.store import Store, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did: the catalogue now stored, whether it changed, and how."""

    catalogue: Catalogue
    changed: bool
    diff: CatalogueDiff | None = None
    index: SearchIndex | None = None  # the changed catalogue's, built and stored with it


async def load_catalogue(
    store: Store,
    settings: Settings,
    *,
    now: datetime,
    force: bool = False,
    current: Catalogue | None = None,
) -> LoadReport:
    """Fetch and parse the configured lists and make them the stored catalogue.

    Raises CatalogueError (unreadable, empty, or dropping most papers unless `force`) or
    StoreError; either way the catalogue stored before stays as it was.
    """
    previous = current or await store.load_catalogue()
    validators = {s: await _validators(store, s) for s in settings.catalogues}
    fetched = await _fetch(settings, validators)
    if previous is not None and all(f.text is None for f in fetched):
        log.info("catalogue sources not modified")
        return LoadReport(previous, changed=False)
    if any(f.text is None for f in fetched):  # some changed: the others' text is needed too
        fetched = await _fetch(settings, {})
    digest = await asyncio.to_thread(source_digest, fetched, settings.sections_table)
    meta = {f"validators:{f.source}": f.validators.to_json() for f in fetched}
    meta["source_digest"] = digest
    if previous is not None and await store.get_meta("source_digest") == digest:
        log.info("catalogue sources unchanged")
        await store.set_meta(meta)  # fresher validators
        return LoadReport(previous, changed=False)
    catalogue = await _parsed(fetched, settings, previous, force=force)
    diff = await asyncio.to_thread(diff_catalogues, previous, catalogue)
    index, data = await asyncio.to_thread(_indexed, catalogue, settings)
    changed = await store.replace_catalogue(
        catalogue, now=now, meta=meta, search_index=(index_fingerprint(catalogue, settings), data)
    )
    log.info(
        "catalogue %s: %d papers, %d entries, %d sections, %d problems%s",
        "loaded" if changed else "unchanged",
        len(catalogue.papers),
        catalogue.entries,
        len(catalogue.sections),
        len(catalogue.problems),
        "; " + "; ".join(diff.summary(lang="en")) if changed and previous else "",
    )
    return LoadReport(catalogue, changed, diff if changed else None, index)


async def preview_catalogue(
    settings: Settings, current: Catalogue, *, force: bool = False
) -> LoadReport:
    """What a reload would do, stored nowhere: fetch and parse the configured lists, check
    them as `load_catalogue` does (raising the same CatalogueError), and tell the changes
    from `current`. The console's `/reload` is this preview; `load` stores."""
    fetched = await _fetch(settings, {})
    catalogue = await _parsed(fetched, settings, current, force=force)
    diff = await asyncio.to_thread(diff_catalogues, current, catalogue)
    return LoadReport(catalogue, not diff.unchanged, diff)


async def _fetch(settings: Settings, validators: Mapping[str, Validators]) -> list[Fetched]:
    try:
        return await fetch_all(settings.catalogues, validators)
    except SourceError as exc:
        raise CatalogueError(exc.key, **exc.params) from exc


async def _parsed(
    fetched: Sequence[Fetched], settings: Settings, previous: Catalogue | None, *, force: bool
) -> Catalogue:
    """The fetched lists parsed (in a worker thread), refused when empty or when they drop
    most of the `previous` papers (unless `force`)."""
    catalogue = await asyncio.to_thread(_parse, fetched, settings.sections_table)
    if not catalogue.papers and not catalogue.sections:
        raise CatalogueError("catalogue.empty", sources=", ".join(settings.catalogues))
    if not force and drops_most(previous, catalogue):
        assert previous is not None
        raise CatalogueError(
            "catalogue.drops_most",
            removed=_removed(previous, catalogue),
            total=len(previous.papers),
        )
    return catalogue


def source_digest(fetched: Sequence[Fetched], sections_table: Path) -> str:
    """What a parse depends on, hashed: each source's name and text, the section table, and
    the parser's own code (so an upgraded parser reads an unchanged list again)."""
    digest = hashlib.sha256(_parser_fingerprint())
    digest.update(sections_table.read_bytes() if sections_table.exists() else b"")
    for f in fetched:
        for part in (f.source, f.text or ""):
            encoded = part.encode("utf-8", "surrogatepass")
            digest.update(len(encoded).to_bytes(8, "big") + encoded)
    return digest.hexdigest()


@cache
def _parser_fingerprint() -> bytes:
    package = Path(__file__).resolve().parent / "catalogue"
    code = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        code.update(path.read_bytes())
    return code.digest()


def index_fingerprint(catalogue: Catalogue, settings: Settings) -> str:
    """What a stored search index depends on, hashed: the catalogue, the nicknames and the
    glossary, and the search's own code (an upgraded search builds its index again)."""
    digest = hashlib.sha256(_search_fingerprint())
    digest.update(catalogue.digest.encode())
    for table in (settings.aliases_table, _glossary_table(settings)):
        digest.update(table.read_bytes() if table.exists() else b"")
    return digest.hexdigest()


@cache
def _search_fingerprint() -> bytes:
    package = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for name in ("search.py", "retrieval.py", "chinese.py", "citations.py", "catalogue/names.py"):
        code.update((package / name).read_bytes())
    return code.digest()


def _glossary_table(settings: Settings) -> Path:
    return settings.aliases_table.with_name("glossary.toml")


def _tables(settings: Settings) -> tuple[dict[str, tuple[str, ...]], Glossary]:
    return read_aliases(settings.aliases_table), read_glossary(_glossary_table(settings))


def _indexed(catalogue: Catalogue, settings: Settings) -> tuple[SearchIndex, bytes]:
    """A catalogue's search index, and the bytes to store it as."""
    index = SearchIndex(catalogue, *_tables(settings))
    return index, index.dumps()


async def stored_index(store: Store, catalogue: Catalogue, settings: Settings) -> SearchIndex:
    """The stored catalogue's search index, read back from the store when it is there and
    current (start-up: a fraction of a second where building takes seconds), else built
    and stored for the next start. In worker threads."""
    fingerprint = index_fingerprint(catalogue, settings)
    tables = _tables(settings)
    try:
        stored = await store.read_search_index(
            fingerprint, lambda data: SearchIndex.loads(data, catalogue, *tables)
        )
    except (ValueError, StoreError) as exc:
        log.warning("building the search index again: %s", exc)
    else:
        if stored is not None:
            return stored
    index, built = await asyncio.to_thread(_indexed, catalogue, settings)
    try:
        await store.save_search_index(catalogue.digest, fingerprint, built)
    except StoreError as exc:
        log.warning("search index not stored: %s", exc)
    return index


def _parse(fetched: Sequence[Fetched], sections_table: Path) -> Catalogue:
    table = SectionTable.from_toml(sections_table) if sections_table.exists() else SectionTable()
    return parse_texts([(f.source, f.text or "") for f in fetched], table)


async def _validators(store: Store, source: str) -> Validators:
    return Validators.from_json(await store.get_meta(f"validators:{source}") or "")


def _removed(old: Catalogue, new: Catalogue) -> int:
    ids = {p.id for p in new.papers}
    return sum(p.id not in ids for p in old.papers)


async def open_library(store: Store, settings: Settings, *, now: datetime) -> Library:
    """Load the configured list into the store if it changed, and index it (in a worker
    thread).

    A list that cannot be read (a URL down, a file gone) keeps the copy of that same list
    stored before (`_stored_instead`); with no copy of it, the error stops start-up. An
    unchanged list is neither parsed nor indexed again: its index is read back from the
    store.
    """
    index: SearchIndex | None = None
    try:
        report = await load_catalogue(store, settings, now=now)
        catalogue, index = report.catalogue, report.index
    except CatalogueError as exc:
        catalogue = await _stored_instead(store, settings, exc)
    return await _stored_library(store, catalogue, settings, index)


async def preview_library(store: Store, settings: Settings, *, now: datetime) -> Library:
    """The library the console shows: the configured lists as they are now, stored nowhere.
    When they are the lists stored (the same digest), the stored catalogue and its index
    serve, as at the bot's start-up; else they are parsed and indexed for the session. A
    list that cannot be read serves the copy of it stored, as `open_library` does."""
    stored = await store.load_catalogue()
    try:
        fetched = await _fetch(settings, {})
    except CatalogueError as exc:
        stored = await _stored_instead(store, settings, exc)
    else:
        digest = await asyncio.to_thread(source_digest, fetched, settings.sections_table)
        if stored is None or await store.get_meta("source_digest") != digest:
            catalogue = await _parsed(fetched, settings, None, force=True)
            log.info(
                "catalogue read, not stored: %d papers, %d entries, %d sections, %d problems",
                len(catalogue.papers),
                catalogue.entries,
                len(catalogue.sections),
                len(catalogue.problems),
            )
            return await build_library(catalogue, settings, now)
        log.info("catalogue unchanged: the stored copy, %d papers", len(stored.papers))
    return await _stored_library(store, stored, settings)


async def _stored_library(
    store: Store, catalogue: Catalogue, settings: Settings, index: SearchIndex | None = None
) -> Library:
    """The library of the catalogue the store holds: its index read back (unless given),
    and when it was loaded."""
    if index is None:
        index = await stored_index(store, catalogue, settings)
    info = await store.catalogue_info()
    return await build_library(catalogue, settings, info.loaded_at if info else None, index=index)


async def _stored_instead(store: Store, settings: Settings, error: CatalogueError) -> Catalogue:
    """The stored copy of the configured lists, served when they cannot be read now (said in
    one warning line); `error` again when the database holds no copy of them (nothing
    stored, or another list: a typo in READINGLIST_CATALOGUE must not serve the old list as
    if it were the new one)."""
    stored = await store.load_catalogue()
    if stored is None:
        raise error
    if set(stored.sources) != set(settings.catalogues):
        raise CatalogueError(
            "catalogue.other_list",
            error=error,
            db=str(settings.db_path),
            sources=", ".join(stored.sources),
        ) from error
    info = await store.catalogue_info()
    loaded = info.loaded_at if info else None
    when = f" on {loaded:%Y-%m-%d %H:%M}" if loaded else ""
    log.warning("%s; serving the copy stored%s (%d papers)", error, when, len(stored.papers))
    return stored


async def build_library(
    catalogue: Catalogue,
    settings: Settings,
    loaded_at: datetime | None,
    metadata: Mapping[str, PaperMetadata] | None = None,
    index: SearchIndex | None = None,
) -> Library:
    """Index a catalogue (unless its `index` is given) in a worker thread: seconds for a
    large list, which the event loop must not wait on."""
    return await asyncio.to_thread(
        Library.build, catalogue, settings.aliases_table, loaded_at, metadata=metadata, index=index
    )


def summary(catalogue: Catalogue) -> dict[str, Any]:
    """The load summary as JSON-ready data."""
    return {
        "papers": len(catalogue.papers),
        "entries": catalogue.entries,
        "sections": [
            {"slug": s.slug, "title": s.heading, "name": s.name, "count": len(s.paper_ids)}
            for s in catalogue.sections
        ],
        "problems": [
            {"line": p.line, "message": p.message, "source": display_name(p.source), "text": p.text}
            for p in catalogue.problems
        ],
    }


def summary_lines(report: LoadReport, db: Path) -> list[str]:
    """The load summary as lines of text for a terminal."""
    catalogue = report.catalogue
    lines = [
        f"{_count(len(catalogue.papers), 'paper')} ({_count(catalogue.entries, 'entry')}) in "
        f"{_count(len(catalogue.sections), 'section')} from "
        + ", ".join(display_name(s) for s in catalogue.sources),
    ]
    width = max((len(s.slug) for s in catalogue.sections), default=0)
    lines += [
        f"  {s.slug:<{width}}  {len(s.paper_ids):>4}  {s.name}"
        + (f" ({s.heading})" if s.heading != s.name else "")
        for s in catalogue.sections
    ]
    if catalogue.problems:
        lines.append(f"{_count(len(catalogue.problems), 'problem')}:")
        lines += [
            f"  {display_name(p.source)}:{p.line}: {p.message}"
            + (f": {p.text[:70]!r}" if p.text else "")
            for p in catalogue.problems
        ]
    else:
        lines.append("no problems")
    if report.diff is not None:
        lines += ["changes:", *(f"  {line}" for line in report.diff.summary(lang="en"))]
    lines.append(f"database {db}: {'updated' if report.changed else 'unchanged'}")
    return lines


def _count(n: int, noun: str) -> str:
    """`1 paper`, `2 papers`, `3 entries` (the CLI's English summary)."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun if n == 1 else plural}"
