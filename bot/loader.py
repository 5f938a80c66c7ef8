"""Loading the configured reading list into the store, and reporting what was loaded."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalogue import CatalogueError, SectionTable, read_catalogue
from bot.config import Settings
from bot.library import Library
from bot.models import Catalogue
from bot.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """The catalogue now stored, and whether this load changed it."""

    catalogue: Catalogue
    changed: bool


async def load_catalogue(store: Store, paths: Sequence[str], table_path: Path) -> LoadReport:
    """Parse the reading lists at `paths` and make them the stored catalogue.

    Raises CatalogueError (bad file) or StoreError (database); either way the catalogue
    stored before stays as it was.
    """
    table = SectionTable.from_toml(table_path) if table_path.exists() else SectionTable()
    catalogue = read_catalogue([Path(p) for p in paths], table)
    changed = await store.replace_catalogue(catalogue)
    log.info(
        "catalogue %s: %d papers, %d entries, %d sections, %d problems",
        "loaded" if changed else "unchanged",
        len(catalogue.papers),
        catalogue.entries,
        len(catalogue.sections),
        len(catalogue.problems),
    )
    return LoadReport(catalogue, changed)


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
            {"line": p.line, "message": p.message, "source": p.source, "text": p.text}
            for p in catalogue.problems
        ],
    }


def summary_lines(catalogue: Catalogue, changed: bool, db: Path) -> list[str]:
    """The load summary as lines of text for a terminal."""
    lines = [
        f"{len(catalogue.papers)} papers ({catalogue.entries} entries) in "
        f"{len(catalogue.sections)} sections from {', '.join(catalogue.sources)}",
    ]
    width = max((len(s.slug) for s in catalogue.sections), default=0)
    lines += [
        f"  {s.slug:<{width}}  {len(s.paper_ids):>4}  {s.name}"
        + (f" ({s.heading})" if s.heading != s.name else "")
        for s in catalogue.sections
    ]
    if catalogue.problems:
        lines.append(f"{len(catalogue.problems)} problems:")
        lines += [
            f"  {p.source}:{p.line}: {p.message}" + (f": {p.text[:70]!r}" if p.text else "")
            for p in catalogue.problems
        ]
    else:
        lines.append("no problems")
    lines.append(f"database {db}: {'updated' if changed else 'unchanged'}")
    return lines


async def open_library(store: Store, settings: Settings) -> Library:
    """Load the configured list into the store if it changed, and index what is stored.

    A list that cannot be read keeps the catalogue stored before, with a warning; only when
    nothing was ever stored does the error stop start-up.
    """
    try:
        await load_catalogue(store, settings.catalogues, settings.sections_table)
    except CatalogueError as exc:
        if await store.catalogue_info() is None:
            raise
        log.warning("keeping the stored catalogue: %s", exc)
    catalogue = await store.load_catalogue()
    info = await store.catalogue_info()
    if catalogue is None or info is None:
        raise CatalogueError("no catalogue is stored")
    return Library.build(catalogue, settings.aliases_table, info.loaded_at)
