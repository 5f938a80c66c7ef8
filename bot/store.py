"""SQLite storage: every SQL statement of the project, numbered migrations, atomic swaps.

One Store wraps one aiosqlite connection. Migrations are plain SQL scripts recorded in
PRAGMA user_version, each applied in its own transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.models import Catalogue, Paper, Problem, Section

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    # 1: the catalogue
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE papers (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        authors TEXT NOT NULL,
        et_al INTEGER NOT NULL,
        venue TEXT NOT NULL,
        year INTEGER,
        pdf TEXT,
        code TEXT,
        links TEXT NOT NULL,
        arxiv_id TEXT,
        line INTEGER NOT NULL
    );
    CREATE TABLE sections (
        slug TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        heading TEXT NOT NULL,
        name TEXT NOT NULL,
        chapter TEXT NOT NULL
    );
    CREATE TABLE section_papers (
        section TEXT NOT NULL REFERENCES sections(slug),
        paper TEXT NOT NULL REFERENCES papers(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (section, paper)
    );
    CREATE INDEX section_papers_by_paper ON section_papers (paper, section);
    CREATE TABLE problems (
        source TEXT NOT NULL,
        line INTEGER NOT NULL,
        message TEXT NOT NULL,
        text TEXT NOT NULL
    );
    """,
)


class StoreError(Exception):
    """The database cannot be opened or written; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class CatalogueInfo:
    """What is loaded: the digest, the sources and when."""

    digest: str
    sources: tuple[str, ...]
    loaded_at: datetime | None
    entries: int


class Store:
    """The project's database. Create with `await Store.open(path)`; close with `close()`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating if needed) the database at path and bring its schema up to date."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, aiosqlite.Error) as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from exc
        store = cls(db, path)
        try:
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA busy_timeout = 5000")
            await store._migrate()
        except aiosqlite.Error as exc:
            await db.close()
            raise StoreError(f"cannot use the database {path}: {exc}") from exc
        return store

    async def close(self) -> None:
        """Close the connection."""
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        await self._db.execute("COMMIT")

    async def schema_version(self) -> int:
        """The number of migrations applied."""
        async with self._db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            async with self.transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    await db.execute(statement)
                # PRAGMA takes no parameters; number is an int from this module.
                await db.execute(f"PRAGMA user_version = {int(number)}")
            log.info("database %s migrated to schema %d", self.path, number)

    # The catalogue -----------------------------------------------------------------------

    async def catalogue_info(self) -> CatalogueInfo | None:
        """What is loaded, or None before the first load."""
        async with self._db.execute("SELECT key, value FROM meta") as cur:
            meta = {k: v async for k, v in cur}
        if "digest" not in meta:
            return None
        loaded = meta.get("loaded_at")
        return CatalogueInfo(
            digest=meta["digest"],
            sources=tuple(json.loads(meta.get("sources", "[]"))),
            loaded_at=datetime.fromisoformat(loaded) if loaded else None,
            entries=int(meta.get("entries", "0")),
        )

    async def replace_catalogue(self, catalogue: Catalogue, now: datetime | None = None) -> bool:
        """Make `catalogue` the stored one in a single transaction.

        Returns False (and writes nothing) when the same catalogue is already stored. Any
        failure rolls back and leaves the previous catalogue intact.
        """
        info = await self.catalogue_info()
        if info is not None and info.digest == catalogue.digest:
            return False
        stamp = (now or datetime.now(UTC)).isoformat()
        try:
            async with self.transaction() as db:
                for table in ("section_papers", "sections", "papers", "problems"):
                    await db.execute(f"DELETE FROM {table}")
                await self._insert_papers(db, catalogue.papers)
                await self._insert_sections(db, catalogue.sections)
                await db.executemany(
                    "INSERT INTO problems (source, line, message, text) VALUES (?, ?, ?, ?)",
                    [(p.source, p.line, p.message, p.text) for p in catalogue.problems],
                )
                await db.executemany(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("digest", catalogue.digest),
                        ("sources", json.dumps(list(catalogue.sources))),
                        ("entries", str(catalogue.entries)),
                        ("loaded_at", stamp),
                    ],
                )
        except aiosqlite.Error as exc:
            raise StoreError(f"could not store the catalogue in {self.path}: {exc}") from exc
        return True

    async def _insert_papers(self, db: aiosqlite.Connection, papers: Sequence[Paper]) -> None:
        await db.executemany(
            "INSERT INTO papers (id, position, title, authors, et_al, venue, year, pdf, code,"
            " links, arxiv_id, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.position,
                    p.title,
                    json.dumps(list(p.authors), ensure_ascii=False),
                    int(p.et_al),
                    p.venue,
                    p.year,
                    p.pdf,
                    p.code,
                    json.dumps(list(p.links), ensure_ascii=False),
                    p.arxiv_id,
                    p.line,
                )
                for p in papers
            ],
        )

    async def _insert_sections(self, db: aiosqlite.Connection, sections: Sequence[Section]) -> None:
        await db.executemany(
            "INSERT INTO sections (slug, position, heading, name, chapter) VALUES (?, ?, ?, ?, ?)",
            [(s.slug, s.order, s.heading, s.name, s.chapter) for s in sections],
        )
        await db.executemany(
            "INSERT INTO section_papers (section, paper, position) VALUES (?, ?, ?)",
            [(s.slug, pid, n) for s in sections for n, pid in enumerate(s.paper_ids)],
        )

    async def load_catalogue(self) -> Catalogue | None:
        """The stored catalogue, exactly as it was stored; None before the first load."""
        info = await self.catalogue_info()
        if info is None:
            return None
        members: dict[str, list[str]] = {}
        of_paper: dict[str, list[str]] = {}
        async with self._db.execute(
            "SELECT sp.section, sp.paper FROM section_papers sp"
            " JOIN sections s ON s.slug = sp.section ORDER BY s.position, sp.position"
        ) as cur:
            async for slug, pid in cur:
                members.setdefault(slug, []).append(pid)
                of_paper.setdefault(pid, []).append(slug)
        async with self._db.execute(
            "SELECT slug, heading, name, chapter, position FROM sections ORDER BY position"
        ) as cur:
            sections = tuple(
                [
                    Section(slug, heading, name, chapter, order, tuple(members.get(slug, ())))
                    async for slug, heading, name, chapter, order in cur
                ]
            )
        async with self._db.execute(
            "SELECT id, title, authors, et_al, venue, year, pdf, code, links, arxiv_id,"
            " position, line FROM papers ORDER BY position"
        ) as cur:
            papers = tuple([_paper(row, of_paper) async for row in cur])
        async with self._db.execute(
            "SELECT line, message, text, source FROM problems ORDER BY rowid"
        ) as cur:
            problems = tuple([Problem(*row) async for row in cur])
        return Catalogue(
            papers=papers,
            sections=sections,
            problems=problems,
            entries=info.entries,
            sources=info.sources,
            digest=info.digest,
        )

    # Small settings of the bot ---------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        """A value the bot keeps between runs (such as the hash of the synced commands)."""
        async with self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        """Keep a value between runs."""
        async with self.transaction() as db:
            await db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    async def integrity_check(self) -> str:
        """SQLite's own verdict on the database file: "ok" when it is sound."""
        async with self._db.execute("PRAGMA integrity_check") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else "no answer"


def _paper(row: Any, of_paper: dict[str, list[str]]) -> Paper:
    pid, title, authors, et_al, venue, year, pdf, code, links, arxiv_id, position, line = row
    return Paper(
        id=pid,
        title=title,
        authors=tuple(json.loads(authors)),
        et_al=bool(et_al),
        venue=venue,
        year=year,
        pdf=pdf,
        code=code,
        links=tuple(json.loads(links)),
        arxiv_id=arxiv_id,
        sections=tuple(of_paper.get(pid, ())),
        position=position,
        line=line,
    )
