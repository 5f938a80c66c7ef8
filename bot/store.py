"""SQLite storage: every SQL statement of the project, numbered migrations, atomic swaps.

One Store wraps one aiosqlite connection. Migrations are plain SQL scripts recorded in
PRAGMA user_version, each applied in its own transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.metadata.models import Facts, SourceRecord
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
    # 2: the weekly paper, per server. `done_key` is the last scheduled week handled (posted,
    # or given up after retries); `pending_*` a post chosen and being sent, so that a restart
    # resends the same paper with the same nonce instead of posting twice.
    """
    CREATE TABLE weekly (
        guild_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        weekday INTEGER NOT NULL,
        at TEXT NOT NULL,
        tz TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        rotation TEXT NOT NULL DEFAULT '',
        done_key TEXT,
        pending_key TEXT,
        pending_paper TEXT,
        pending_nonce TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_status TEXT NOT NULL DEFAULT '',
        last_message_id INTEGER,
        updated_at TEXT NOT NULL DEFAULT ''
    );
    """,
    # 3: paper metadata, one row per paper and source (bot.metadata.models). `facts` is the
    # source's answer as JSON, NULL when the source does not know the paper. Not tied to the
    # papers table: a paper that leaves the list and comes back is not fetched again.
    """
    CREATE TABLE paper_metadata (
        paper_id TEXT NOT NULL,
        source TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        facts TEXT,
        PRIMARY KEY (paper_id, source)
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
        except (aiosqlite.Error, StoreError) as exc:
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
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error. A database that cannot be
        written (read-only, full disk, locked) raises StoreError and keeps what it had."""
        try:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if self._db.in_transaction:
                await self._db.execute("ROLLBACK")
            raise StoreError(f"the database {self.path} cannot be written: {exc}") from exc

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

    # The weekly paper -----------------------------------------------------------------------

    async def weekly_states(self) -> list[WeeklyState]:
        """Every server's weekly settings and posting state."""
        async with self._db.execute(f"SELECT {_WEEKLY_COLUMNS} FROM weekly") as cur:
            return [_weekly(row) async for row in cur]

    async def weekly_state(self, guild_id: int) -> WeeklyState | None:
        """One server's weekly settings and posting state."""
        async with self._db.execute(
            f"SELECT {_WEEKLY_COLUMNS} FROM weekly WHERE guild_id = ?", (guild_id,)
        ) as cur:
            row = await cur.fetchone()
        return _weekly(row) if row else None

    async def set_weekly(
        self, guild_id: int, channel_id: int, weekday: int, at: str, tz: str, *, now: datetime
    ) -> None:
        """Turn the weekly paper on for a server, or change where and when it is posted; its
        rotation and what was posted are kept."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO weekly (guild_id, channel_id, weekday, at, tz, enabled, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " channel_id = excluded.channel_id, weekday = excluded.weekday,"
                " at = excluded.at, tz = excluded.tz, enabled = 1,"
                " updated_at = excluded.updated_at",
                (guild_id, channel_id, weekday, at, tz, now.isoformat()),
            )

    async def disable_weekly(self, guild_id: int, *, now: datetime) -> bool:
        """Turn the weekly paper off for a server; False if it was not on."""
        async with self.transaction() as db:
            cur = await db.execute(
                "UPDATE weekly SET enabled = 0, updated_at = ? WHERE guild_id = ? AND enabled = 1",
                (now.isoformat(), guild_id),
            )
            return cur.rowcount > 0

    async def save_rotation(self, guild_id: int, rotation: str, *, now: datetime) -> None:
        """Store a server's advanced rotation (after a /weekly now post)."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE weekly SET rotation = ?, updated_at = ? WHERE guild_id = ?",
                (rotation, now.isoformat(), guild_id),
            )

    async def set_weekly_status(self, guild_id: int, status: str, *, now: datetime) -> None:
        """Note how the last weekly post went, for /weekly show."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE weekly SET last_status = ?, updated_at = ? WHERE guild_id = ?",
                (status, now.isoformat(), guild_id),
            )

    async def begin_post(
        self, guild_id: int, key: str, paper_id: str, nonce: str, rotation: str, *, now: datetime
    ) -> None:
        """Record the paper chosen for a week, and the advanced rotation, before sending."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE weekly SET pending_key = ?, pending_paper = ?, pending_nonce = ?,"
                " attempts = 0, rotation = ?, updated_at = ? WHERE guild_id = ?",
                (key, paper_id, nonce, rotation, now.isoformat(), guild_id),
            )

    async def finish_post(self, guild_id: int, key: str, message_id: int, *, now: datetime) -> None:
        """Record that a week's post was sent."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE weekly SET done_key = ?, pending_key = NULL, last_message_id = ?,"
                " last_status = ?, attempts = 0, updated_at = ? WHERE guild_id = ?",
                (key, message_id, f"posted {key}", now.isoformat(), guild_id),
            )

    async def fail_post(
        self, guild_id: int, key: str, error: str, *, give_up: bool, now: datetime
    ) -> None:
        """Record a failed send: one more attempt, or the week given up."""
        status = f"{'gave up on' if give_up else 'will retry'} {key}: {error}"
        async with self.transaction() as db:
            await db.execute(
                "UPDATE weekly SET attempts = attempts + 1, last_status = ?, updated_at = ?,"
                " done_key = CASE WHEN ? THEN ? ELSE done_key END,"
                " pending_key = CASE WHEN ? THEN NULL ELSE pending_key END"
                " WHERE guild_id = ?",
                (status, now.isoformat(), give_up, key, give_up, guild_id),
            )

    # Paper metadata (bot.metadata) ------------------------------------------------------------

    async def metadata_records(self) -> list[SourceRecord]:
        """Every source's stored answer about every paper."""
        async with self._db.execute(
            "SELECT paper_id, source, fetched_at, facts FROM paper_metadata"
        ) as cur:
            return [
                SourceRecord(
                    pid,
                    source,
                    datetime.fromisoformat(fetched),
                    Facts.from_json(facts) if facts is not None else None,
                )
                async for pid, source, fetched, facts in cur
            ]

    async def save_metadata(self, records: Sequence[SourceRecord]) -> None:
        """Store sources' answers, replacing what the same source said before."""
        if not records:
            return
        async with self.transaction() as db:
            await db.executemany(
                "INSERT OR REPLACE INTO paper_metadata (paper_id, source, fetched_at, facts)"
                " VALUES (?, ?, ?, ?)",
                [
                    (
                        r.paper_id,
                        r.source,
                        r.fetched_at.isoformat(),
                        r.facts.to_json() if r.facts is not None else None,
                    )
                    for r in records
                ],
            )

    async def heartbeat(self, now: datetime) -> None:
        """Note that the bot is connected and working (read by `readinglist-bot health`)."""
        await self.set_meta("heartbeat", now.isoformat())

    async def integrity_check(self) -> str:
        """SQLite's own verdict on the database file: "ok" when it is sound."""
        async with self._db.execute("PRAGMA integrity_check") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else "no answer"


def read_health(path: Path) -> tuple[str | None, int]:
    """The last heartbeat and the number of papers, read without writing anything (for the
    health check, which runs beside the bot). Raises StoreError if the file is unreadable."""
    if not path.exists():
        raise StoreError(f"no database at {path}")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'heartbeat'").fetchone()
            (papers,) = db.execute("SELECT count(*) FROM papers").fetchone()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the database {path}: {exc}") from exc
    return (str(row[0]) if row else None), int(papers)


_WEEKLY_COLUMNS = (
    "guild_id, channel_id, weekday, at, tz, enabled, rotation, done_key, pending_key,"
    " pending_paper, pending_nonce, attempts, last_status, last_message_id"
)


@dataclass(frozen=True, slots=True)
class WeeklyState:
    """One server's weekly paper: where and when, and what was posted."""

    guild_id: int
    channel_id: int
    weekday: int
    at: str  # HH:MM, local time
    tz: str
    enabled: bool
    rotation: str  # JSON of bot.weekly.Rotation
    done_key: str | None  # the last scheduled week handled
    pending_key: str | None  # a week whose post is chosen and being sent
    pending_paper: str | None
    pending_nonce: str | None
    attempts: int
    last_status: str
    last_message_id: int | None


def _weekly(row: Any) -> WeeklyState:
    guild, channel, weekday, at, tz, enabled, *rest = row
    return WeeklyState(guild, channel, weekday, at, tz, bool(enabled), *rest)


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
