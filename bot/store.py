"""SQLite storage: every SQL statement of the project, numbered migrations, atomic swaps.

One Store holds two aiosqlite connections to one SQLite file in WAL mode: a writer, used
only inside `transaction()`, which an asyncio lock gives to one task at a time, and a reader
for everything else, which sees only committed transactions. So a reader never sees half
of a catalogue swap, and a failing transaction rolls back only itself. Across processes
sharing the file, `BEGIN IMMEDIATE` (with a busy timeout) serialises writers the same way.

Migrations are plain SQL scripts recorded in PRAGMA user_version, each run whole (never
split on `;`) in its own transaction. A database newer than the code is refused.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import pickle
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, TypeVar

import aiosqlite

from bot.collector import collection_paused
from bot.metadata.models import Facts, SourceRecord
from bot.models import Catalogue, Paper, Problem, Section
from bot.reading import Kind, Mark, toggled
from bot.weekly.plan import Step, WeeklyState

T = TypeVar("T")

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
    # 3: a schedule counts from when it was set (`active_from`); a pending post is leased to
    # its sender from `sending_since`; one heartbeat per process (or shard), for `health`.
    """
    ALTER TABLE weekly ADD COLUMN active_from TEXT;
    ALTER TABLE weekly ADD COLUMN sending_since TEXT;
    CREATE TABLE heartbeats (
        instance TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        problem TEXT NOT NULL DEFAULT ''
    );
    """,
    # 4: paper metadata, one row per paper and source (bot.metadata.models). `facts` is the
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
    # 5: reading progress, per reader (a Discord user id) and stable paper id, with when it
    # was read or saved and the paper's title then: a paper that leaves the list stays in
    # the reader's history. A row with neither time is deleted, so forgetting is one DELETE.
    # And the weekly discussion: a thread per post (`thread_due`: a post whose thread is
    # still to be opened), a vote on the next post (`poll_*`: the week, message, candidates).
    """
    CREATE TABLE reading (
        user_id INTEGER NOT NULL,
        paper_id TEXT NOT NULL,
        title TEXT NOT NULL,
        read_at TEXT,
        saved_at TEXT,
        PRIMARY KEY (user_id, paper_id)
    );
    ALTER TABLE weekly ADD COLUMN thread INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE weekly ADD COLUMN vote INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE weekly ADD COLUMN thread_due INTEGER;
    ALTER TABLE weekly ADD COLUMN thread_id INTEGER;
    ALTER TABLE weekly ADD COLUMN poll_key TEXT;
    ALTER TABLE weekly ADD COLUMN poll_message_id INTEGER;
    ALTER TABLE weekly ADD COLUMN poll_candidates TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE weekly ADD COLUMN extras_status TEXT NOT NULL DEFAULT '';
    """,
    # 6: the search index of the stored catalogue (bot.search.SearchIndex.dumps), written in
    # the catalogue's transaction; `fingerprint` names the catalogue and what the index was
    # built with, so an index is only ever read back for the same.
    """
    CREATE TABLE search_index (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL,
        data BLOB NOT NULL
    );
    """,
    # 7: the server board (/progress server). `weekly_posts`: every weekly post a server got,
    # with the paper's title then, filled from the current cycle's posts of the rotation for
    # servers that posted before (their message and week unknown). `reader_servers`: the
    # servers (with the bot) where a reader used their marks, so their reads count on that
    # server's board, and whether they show their name there. The weekly row gets the board
    # setting, the tries of the thread and the vote, and the vote's own status.
    """
    ALTER TABLE weekly ADD COLUMN board INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE weekly ADD COLUMN thread_attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE weekly ADD COLUMN poll_attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE weekly ADD COLUMN vote_status TEXT NOT NULL DEFAULT '';
    CREATE TABLE weekly_posts (
        guild_id INTEGER NOT NULL,
        message_id INTEGER,
        paper_id TEXT NOT NULL,
        title TEXT NOT NULL,
        week TEXT NOT NULL,
        posted_at TEXT
    );
    CREATE UNIQUE INDEX weekly_posts_once ON weekly_posts (guild_id, message_id);
    INSERT INTO weekly_posts (guild_id, paper_id, title, week)
        SELECT w.guild_id, j.value, COALESCE(p.title, j.value), ''
        FROM weekly w,
            json_each(CASE WHEN json_valid(w.rotation) THEN w.rotation ELSE '{}' END, '$.posted') j
        LEFT JOIN papers p ON p.id = j.value
        WHERE j.type = 'text'
        ORDER BY w.guild_id, j.key;
    CREATE TABLE reader_servers (
        user_id INTEGER NOT NULL,
        guild_id INTEGER NOT NULL,
        share INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, guild_id)
    );
    CREATE INDEX reader_servers_by_guild ON reader_servers (guild_id, user_id);
    """,
    # 8: the stored catalogue again as one value (`_image`), beside its rows and written in
    # the same transaction: start-up reads it back in a fraction of the time the rows take
    # (100,000 papers: 0.5-0.8 s against 1.7 s). The rows stay what is stored; the image is
    # read only when it is of the catalogue the rows hold (`digest`) and in this code's
    # `format`, and is otherwise made again from them.
    """
    CREATE TABLE catalogue_image (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        digest TEXT NOT NULL,
        format TEXT NOT NULL,
        data BLOB NOT NULL
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

    def __init__(self, db: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path) -> None:
        self._db = db  # the writer: only inside transaction()
        self._read = reader
        self._writing = asyncio.Lock()
        self._snapshot = asyncio.Lock()  # one read transaction at a time on the reader
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating if needed) the database at path and bring its schema up to date."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, aiosqlite.Error) as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from exc
        reader: aiosqlite.Connection | None = None
        try:
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA busy_timeout = 5000")
            await _migrate(db, path)
            reader = await aiosqlite.connect(path, isolation_level=None)
            await reader.execute("PRAGMA busy_timeout = 5000")
            await reader.execute("PRAGMA query_only = ON")
        except (aiosqlite.Error, StoreError) as exc:
            await db.close()
            if reader is not None:
                await reader.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot use the database {path}: {exc}") from exc
        return cls(db, reader, path)

    async def close(self) -> None:
        """Close the connections, after the transaction in progress (if any) ends."""
        async with self._writing:
            await self._read.close()
            await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error, one task at a time (others
        wait their turn). A database that cannot be written (read-only, full disk, locked)
        raises StoreError and keeps what it had."""
        async with self._writing:
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
        return await _schema_version(self._read)

    # The catalogue -----------------------------------------------------------------------

    async def catalogue_info(self) -> CatalogueInfo | None:
        """What is loaded, or None before the first load."""
        return await _catalogue_info(self._read)

    async def replace_catalogue(
        self,
        catalogue: Catalogue,
        *,
        now: datetime,
        meta: dict[str, str] | None = None,
        search_index: tuple[str, bytes] | None = None,
    ) -> bool:
        """Make `catalogue` the stored one in a single transaction, with `meta` (such as the
        digest of the source text it was parsed from) and its search index (a fingerprint
        and the bytes) written in the same transaction.

        Returns False when the same catalogue is already stored (only `meta` and the index
        are written then). Any failure rolls back and leaves the previous catalogue intact.
        """
        papers, sections, members = await asyncio.to_thread(_catalogue_rows, catalogue)
        image = await asyncio.to_thread(_image, catalogue)
        extra = list((meta or {}).items())
        try:
            async with self.transaction() as db:
                info = await _catalogue_info(db)
                if info is not None and info.digest == catalogue.digest:
                    await db.executemany(_SET_META, extra)
                    await _set_search_index(db, search_index)
                    await _set_image(db, catalogue.digest, image)
                    return False
                await _set_search_index(db, search_index)
                await _set_image(db, catalogue.digest, image)
                for table in ("section_papers", "sections", "papers", "problems"):
                    await db.execute(f"DELETE FROM {table}")
                await db.executemany(_INSERT_PAPER, papers)
                await self._insert_sections(db, sections, members)
                await db.executemany(
                    "INSERT INTO problems (source, line, message, text) VALUES (?, ?, ?, ?)",
                    [(p.source, p.line, p.message, p.text) for p in catalogue.problems],
                )
                await db.executemany(
                    _SET_META,
                    [
                        ("digest", catalogue.digest),
                        ("sources", json.dumps(list(catalogue.sources))),
                        ("entries", str(catalogue.entries)),
                        ("loaded_at", now.isoformat()),
                        *extra,
                    ],
                )
        except aiosqlite.Error as exc:
            raise StoreError(f"could not store the catalogue in {self.path}: {exc}") from exc
        return True

    async def _insert_sections(
        self,
        db: aiosqlite.Connection,
        sections: list[tuple[Any, ...]],
        members: list[tuple[Any, ...]],
    ) -> None:
        await db.executemany(
            "INSERT INTO sections (slug, position, heading, name, chapter) VALUES (?, ?, ?, ?, ?)",
            sections,
        )
        await db.executemany(
            "INSERT INTO section_papers (section, paper, position) VALUES (?, ?, ?)", members
        )

    async def load_catalogue(self) -> Catalogue | None:
        """The stored catalogue, exactly as it was stored; None before the first load. Read in
        one read transaction (a consistent snapshot), assembled in a worker thread: from its
        image when that is current, else from its rows, and then its image is kept for the
        next time (a database stored before migration 8, or by other code)."""
        async with self._snapshot:
            catalogue, current = await self._load_catalogue(self._read)
        if catalogue is not None and not current:
            image = await asyncio.to_thread(_image, catalogue)
            try:
                async with self.transaction() as db:
                    info = await _catalogue_info(db)
                    if info is not None and info.digest == catalogue.digest:
                        await _set_image(db, catalogue.digest, image)
            except (StoreError, aiosqlite.Error) as exc:
                log.warning("the catalogue's image is not kept (start-up reads its rows): %s", exc)
        return catalogue

    async def _load_catalogue(self, db: aiosqlite.Connection) -> tuple[Catalogue | None, bool]:
        """The stored catalogue, and whether its image was current."""
        await db.execute("BEGIN")
        try:
            info = await _catalogue_info(db)
            if info is None:
                return None, True
            found = await db.execute_fetchall(
                "SELECT data FROM catalogue_image WHERE digest = ? AND format = ?",
                (info.digest, _IMAGE_FORMAT),
            )
            for (data,) in found:
                try:
                    return await asyncio.to_thread(_from_image, data, info), True
                except (pickle.UnpicklingError, ValueError, TypeError, EOFError) as exc:
                    log.warning("the catalogue's image is unreadable, read from its rows: %s", exc)
            members = await db.execute_fetchall(
                "SELECT sp.section, sp.paper FROM section_papers sp"
                " JOIN sections s ON s.slug = sp.section ORDER BY s.position, sp.position"
            )
            sections = await db.execute_fetchall(
                "SELECT slug, heading, name, chapter, position FROM sections ORDER BY position"
            )
            problems = await db.execute_fetchall(
                "SELECT line, message, text, source FROM problems ORDER BY rowid"
            )
            rows = await asyncio.to_thread(_CatalogueRows, members, sections)
            del members
            papers: list[Paper] = []
            # A few thousand rows at a time: all of them at once, beside the papers made of
            # them, was a third of the process's peak at 100,000 papers.
            async with db.execute(
                "SELECT id, title, authors, et_al, venue, year, pdf, code, links, arxiv_id,"
                " position, line FROM papers ORDER BY position"
            ) as cur:
                while batch := await cur.fetchmany(_ROWS_AT_ONCE):
                    papers += await asyncio.to_thread(rows.papers, batch)
        finally:
            await db.execute("COMMIT")
        return await asyncio.to_thread(rows.catalogue, info, papers, problems), False

    async def read_search_index(self, fingerprint: str, read: Callable[[IO[bytes]], T]) -> T | None:
        """`read` of the stored search index, given as a file, when it is the one
        `fingerprint` names, else None; in a worker thread, on a read-only connection of its
        own. Read a piece at a time, its tens of megabytes at 100,000 papers are not held
        twice (SQLite's copy and Python's) beside what `read` makes of them."""
        try:
            return await asyncio.to_thread(_read_search_index, self.path, fingerprint, read)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the search index in {self.path}: {exc}") from exc

    async def save_search_index(self, digest: str, fingerprint: str, data: bytes) -> bool:
        """Store the search index of the catalogue whose digest is `digest`, if that is still
        the stored catalogue (a reload may have replaced it meanwhile). Returns whether."""
        try:
            async with self.transaction() as db:
                info = await _catalogue_info(db)
                if info is None or info.digest != digest:
                    return False
                await _set_search_index(db, (fingerprint, data))
        except aiosqlite.Error as exc:
            raise StoreError(f"could not store the search index in {self.path}: {exc}") from exc
        return True

    # Small settings of the bot ---------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        """A value the bot keeps between runs (such as the hash of the synced commands)."""
        async with self._read.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_meta(self, values: dict[str, str]) -> None:
        """Keep values between runs, in one transaction."""
        async with self.transaction() as db:
            await db.executemany(_SET_META, list(values.items()))

    # The weekly paper -----------------------------------------------------------------------

    async def weekly_states(self) -> list[WeeklyState]:
        """Every server's weekly settings and posting state, as committed a moment ago (a
        change decides again on the state as it is: `update_weekly`)."""
        async with self._read.execute(f"SELECT {_WEEKLY_COLUMNS} FROM weekly") as cur:
            return [_weekly(row) async for row in cur]

    async def weekly_state(self, guild_id: int) -> WeeklyState | None:
        """One server's weekly settings and posting state."""
        return await _weekly_state(self._read, guild_id)

    async def set_weekly(
        self, guild_id: int, channel_id: int, weekday: int, at: str, tz: str, *, now: datetime
    ) -> None:
        """Turn the weekly paper on for a server, or change where and when it is posted; its
        rotation and what was posted are kept. The schedule counts from `now`."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO weekly (guild_id, channel_id, weekday, at, tz, enabled, updated_at,"
                " active_from) VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (guild_id) DO UPDATE"
                " SET channel_id = excluded.channel_id, weekday = excluded.weekday,"
                " at = excluded.at, tz = excluded.tz, enabled = 1,"
                " updated_at = excluded.updated_at, active_from = excluded.active_from",
                (guild_id, channel_id, weekday, at, tz, now.isoformat(), now.isoformat()),
            )

    async def set_weekly_if_unset(
        self, guild_id: int, channel_id: int, weekday: int, at: str, tz: str, *, now: datetime
    ) -> bool:
        """set_weekly for a server that has no weekly settings yet; False if it has some."""
        async with self.transaction() as db:
            cur = await db.execute(
                "INSERT INTO weekly (guild_id, channel_id, weekday, at, tz, enabled, updated_at,"
                " active_from) VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (guild_id) DO NOTHING",
                (guild_id, channel_id, weekday, at, tz, now.isoformat(), now.isoformat()),
            )
            return cur.rowcount > 0

    async def set_weekly_discussion(
        self, guild_id: int, *, thread: bool | None, vote: bool | None, board: bool | None = None
    ) -> None:
        """Turn a server's weekly thread, vote and board on or off (None: leave it as it is)."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE weekly SET thread = COALESCE(?, thread), vote = COALESCE(?, vote),"
                " board = COALESCE(?, board) WHERE guild_id = ?",
                (thread, vote, board, guild_id),
            )

    async def disable_weekly(self, guild_id: int, *, now: datetime) -> bool:
        """Turn the weekly paper off for a server; False if it was not on."""
        async with self.transaction() as db:
            cur = await db.execute(
                "UPDATE weekly SET enabled = 0, updated_at = ? WHERE guild_id = ? AND enabled = 1",
                (now.isoformat(), guild_id),
            )
            return cur.rowcount > 0

    async def update_weekly(
        self,
        guild_id: int,
        change: Callable[[WeeklyState], tuple[WeeklyState, T] | None],
        *,
        now: datetime,
        post: tuple[Step, int] | None = None,
    ) -> tuple[WeeklyState, T] | None:
        """Read a server's weekly state and store `change(state)`'s new state, in one
        transaction: what `change` decides is based on the state as it is, not as some task
        read it a while ago. None (and nothing written) when there is no such server or
        `change` returns None. `post` (a step and the message it made) is recorded in the
        server's weekly posts in the same transaction, once per message."""
        async with self.transaction() as db:
            state = await _weekly_state(db, guild_id)
            if state is None or (changed := change(state)) is None:
                return None
            new, result = changed
            await db.execute(
                "UPDATE weekly SET thread_due = ?, thread_id = ?, poll_key = ?,"
                " poll_message_id = ?, poll_candidates = ?, extras_status = ?,"
                " thread_attempts = ?, poll_attempts = ?, vote_status = ? WHERE guild_id = ?",
                (
                    new.thread_due,
                    new.thread_id,
                    new.poll_key,
                    new.poll_message_id,
                    json.dumps(list(new.poll_candidates)),
                    new.extras_status,
                    new.thread_attempts,
                    new.poll_attempts,
                    new.vote_status,
                    guild_id,
                ),
            )
            if post is not None:
                step, message_id = post
                await db.execute(
                    "INSERT OR IGNORE INTO weekly_posts"
                    " (guild_id, message_id, paper_id, title, week, posted_at)"
                    " VALUES (?, ?, ?, COALESCE((SELECT title FROM papers WHERE id = ?), ?), ?, ?)",
                    (
                        guild_id,
                        message_id,
                        step.paper_id,
                        step.paper_id,
                        step.paper_id,
                        step.key,
                        now.isoformat(),
                    ),
                )
            await db.execute(
                "UPDATE weekly SET rotation = ?, done_key = ?, pending_key = ?,"
                " pending_paper = ?, pending_nonce = ?, attempts = ?, last_status = ?,"
                " last_message_id = ?, sending_since = ?, updated_at = ? WHERE guild_id = ?",
                (
                    new.rotation,
                    new.done_key,
                    new.pending_key,
                    new.pending_paper,
                    new.pending_nonce,
                    new.attempts,
                    new.last_status,
                    new.last_message_id,
                    new.sending_since.isoformat() if new.sending_since else None,
                    now.isoformat(),
                    guild_id,
                ),
            )
        return new, result

    # The health of the running bot ----------------------------------------------------------

    async def heartbeat(self, instance: str, now: datetime, problem: str = "") -> None:
        """Note that this process (or shard range) is connected and working, or what is wrong
        with it (read by `readinglist-bot health`)."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT OR REPLACE INTO heartbeats (instance, at, problem) VALUES (?, ?, ?)",
                (instance, now.isoformat(), problem),
            )

    # Paper metadata (bot.metadata) ------------------------------------------------------------

    async def metadata_records(self) -> list[SourceRecord]:
        """Every source's stored answer about every paper."""
        async with self._read.execute(
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

    # Reading progress (bot.reading) -----------------------------------------------------------

    async def reading_marks(self, user_id: int) -> list[Mark]:
        """Everything stored about one reader: their marks, oldest first."""
        async with self._read.execute(
            f"SELECT {_READING_COLUMNS} FROM reading WHERE user_id = ? ORDER BY rowid", (user_id,)
        ) as cur:
            return [_mark(row) async for row in cur]

    async def toggle_reading(
        self, user_id: int, paper: Paper, kind: Kind, *, now: datetime, guild_id: int | None = None
    ) -> Mark:
        """Turn a reader's read (or saved) mark of a paper on when it is off, off when it is
        on, in one transaction; the mark as it is now. `guild_id`: the server (with the bot)
        it was done in, where the reader's reads then count on the board."""
        async with self.transaction() as db:
            if guild_id is not None:
                await _note_reader_server(db, user_id, guild_id)
            async with db.execute(
                f"SELECT {_READING_COLUMNS} FROM reading WHERE user_id = ? AND paper_id = ?",
                (user_id, paper.id),
            ) as cur:
                row = await cur.fetchone()
            mark = toggled(_mark(row) if row else None, paper, kind, now)
            if mark.empty:
                await db.execute(
                    "DELETE FROM reading WHERE user_id = ? AND paper_id = ?", (user_id, paper.id)
                )
            else:
                await db.execute(
                    "INSERT INTO reading (user_id, paper_id, title, read_at, saved_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, paper_id) DO UPDATE"
                    " SET title = excluded.title, read_at = excluded.read_at,"
                    " saved_at = excluded.saved_at",
                    (
                        user_id,
                        paper.id,
                        mark.title,
                        mark.read_at.isoformat() if mark.read_at else None,
                        mark.saved_at.isoformat() if mark.saved_at else None,
                    ),
                )
        return mark

    async def forget_reader(self, user_id: int) -> int:
        """Delete everything stored about a reader (their marks, the servers they used them
        in and whether they show their name there); how many marks there were."""
        async with self.transaction() as db:
            cur = await db.execute("DELETE FROM reading WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM reader_servers WHERE user_id = ?", (user_id,))
            return cur.rowcount

    # The server board (/progress server) -------------------------------------------------------

    async def note_reader_server(self, user_id: int, guild_id: int) -> None:
        """Note that a reader uses their marks in a server (with the bot): their reads count
        on its board from now on."""
        async with self.transaction() as db:
            await _note_reader_server(db, user_id, guild_id)

    async def set_sharing(self, user_id: int, guild_id: int, share: bool) -> None:
        """Show (or stop showing) a reader's name under the counts of a server's board."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO reader_servers (user_id, guild_id, share) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, guild_id) DO UPDATE SET share = excluded.share",
                (user_id, guild_id, int(share)),
            )

    async def reader_servers(self, user_id: int) -> dict[int, bool]:
        """The servers where a reader's reads count, and whether they show their name there."""
        async with self._read.execute(
            "SELECT guild_id, share FROM reader_servers WHERE user_id = ?", (user_id,)
        ) as cur:
            return {int(guild): bool(share) async for guild, share in cur}

    async def weekly_posts(self, guild_id: int) -> list[tuple[str, str]]:
        """The papers a server's weekly posts posted, newest first: (paper id, title then)."""
        async with self._read.execute(
            "SELECT paper_id, title FROM weekly_posts WHERE guild_id = ? ORDER BY rowid DESC",
            (guild_id,),
        ) as cur:
            return [(str(pid), str(title)) async for pid, title in cur]

    async def board_reads(self, guild_id: int) -> list[tuple[str, int, bool]]:
        """Who of a server's readers read which of its weekly posts' papers: (paper id, user
        id, whether they show their name there)."""
        async with self._read.execute(
            "SELECT r.paper_id, r.user_id, m.share FROM reader_servers m"
            " JOIN reading r ON r.user_id = m.user_id"
            " WHERE m.guild_id = ? AND r.read_at IS NOT NULL AND r.paper_id IN"
            " (SELECT paper_id FROM weekly_posts WHERE guild_id = ?)"
            " ORDER BY r.read_at, r.user_id",
            (guild_id, guild_id),
        ) as cur:
            return [(str(pid), int(user), bool(share)) async for pid, user, share in cur]

    async def integrity_check(self) -> str:
        """SQLite's own verdict on the database file: "ok" when it is sound."""
        async with self._read.execute("PRAGMA integrity_check") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else "no answer"


_SET_META = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
_INSERT_PAPER = (
    "INSERT INTO papers (id, position, title, authors, et_al, venue, year, pdf, code,"
    " links, arxiv_id, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


async def _set_search_index(db: aiosqlite.Connection, index: tuple[str, bytes] | None) -> None:
    """Replace the stored search index (or drop it: None), inside the caller's transaction."""
    await db.execute("DELETE FROM search_index")
    if index is not None:
        await db.execute("INSERT INTO search_index (id, fingerprint, data) VALUES (1, ?, ?)", index)


async def _set_image(db: aiosqlite.Connection, digest: str, image: bytes) -> None:
    """Replace the catalogue's image, inside the caller's transaction."""
    await db.execute(
        "INSERT OR REPLACE INTO catalogue_image (id, digest, format, data) VALUES (1, ?, ?, ?)",
        (digest, _IMAGE_FORMAT, image),
    )


async def _note_reader_server(db: aiosqlite.Connection, user_id: int, guild_id: int) -> None:
    await db.execute(
        "INSERT OR IGNORE INTO reader_servers (user_id, guild_id) VALUES (?, ?)",
        (user_id, guild_id),
    )


async def _schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _migrate(db: aiosqlite.Connection, path: Path) -> None:
    """Apply the migrations this database lacks, each whole in its own transaction."""
    version = await _schema_version(db)
    if version > len(MIGRATIONS):
        raise StoreError(
            f"the database {path} has schema version {version}, newer than this "
            f"readinglist-bot knows ({len(MIGRATIONS)}): upgrade the bot or use another database"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # executescript runs the script as SQLite parses it, so a `;` inside a string or a
        # trigger body is no statement boundary. PRAGMA takes no parameters; number is an
        # int from this module.
        try:
            await db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {int(number)};\nCOMMIT;"
            )
        except sqlite3.Error:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
        log.info("database %s migrated to schema %d", path, number)


async def _catalogue_info(db: aiosqlite.Connection) -> CatalogueInfo | None:
    async with db.execute(
        "SELECT key, value FROM meta WHERE key IN ('digest', 'sources', 'loaded_at', 'entries')"
    ) as cur:
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


def _catalogue_rows(
    catalogue: Catalogue,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows of a catalogue's papers, sections and section members (built in a worker
    thread: at 100,000 papers this is seconds of JSON)."""
    papers = [
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
        for p in catalogue.papers
    ]
    sections = [(s.slug, s.order, s.heading, s.name, s.chapter) for s in catalogue.sections]
    members = [(s.slug, pid, n) for s in catalogue.sections for n, pid in enumerate(s.paper_ids)]
    return papers, sections, members


_ROWS_AT_ONCE = 5000

# The image's layout: the models' fields in order (a field added, removed or moved makes
# stored images another format, read from the rows instead).
_IMAGE_FORMAT = "1:" + ";".join(
    ",".join(f.name for f in fields(model)) for model in (Paper, Section, Problem)
)
_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_paper_values = attrgetter(*_PAPER_FIELDS)
_SHARED_FIELDS = tuple(_PAPER_FIELDS.index(name) for name in ("venue", "sections"))
_ARXIV_FIELD = _PAPER_FIELDS.index("arxiv_id")


def _image(catalogue: Catalogue) -> bytes:
    """The catalogue's papers, sections and problems as tuples of their fields in order,
    pickled (in a worker thread: about 0.65 s at 100,000 papers). Plain values only,
    so reading it back makes no object but tuples, strings and numbers (`_from_image`);
    values many papers share (a venue, a paper's sections, its id as its arXiv id) are
    written once."""
    shared: dict[Any, Any] = {}
    papers = []
    for p in catalogue.papers:
        row = list(_paper_values(p))
        for k in _SHARED_FIELDS:
            row[k] = shared.setdefault(row[k], row[k])
        if p.arxiv_id == p.id:
            row[_ARXIV_FIELD] = p.id
        papers.append(tuple(row))
    sections = [_fields_of(s) for s in catalogue.sections]
    problems = [_fields_of(p) for p in catalogue.problems]
    return pickle.dumps((papers, sections, problems), protocol=pickle.HIGHEST_PROTOCOL)


def _fields_of(value: Section | Problem) -> tuple[Any, ...]:
    return tuple(getattr(value, f.name) for f in fields(value))


class _PlainValues(pickle.Unpickler):
    """Unpickles tuples, lists, strings and numbers, and refuses any class."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the catalogue's image names {module}.{name}")


def _from_image(data: bytes, info: CatalogueInfo) -> Catalogue:
    """The catalogue `_image` wrote."""
    with collection_paused():
        papers, sections, problems = _PlainValues(io.BytesIO(data)).load()
        return Catalogue(
            papers=tuple(Paper(*row) for row in papers),
            sections=tuple(Section(*row) for row in sections),
            problems=tuple(Problem(*row) for row in problems),
            entries=info.entries,
            sources=info.sources,
            digest=info.digest,
        )


class _BlobFile(io.RawIOBase):
    """A stored blob as a file: read on, a piece at a time."""

    def __init__(self, blob: sqlite3.Blob) -> None:
        self._blob = blob

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        piece = self._blob.read(len(buffer))
        memoryview(buffer)[: len(piece)] = piece
        return len(piece)


def _read_search_index(path: Path, fingerprint: str, read: Callable[[IO[bytes]], T]) -> T | None:
    uri = f"file:{path}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None)) as db:
        db.execute("BEGIN")  # one snapshot: the row found is the row read
        try:
            row = db.execute(
                "SELECT rowid FROM search_index WHERE fingerprint = ?", (fingerprint,)
            ).fetchone()
            if row is None:
                return None
            with db.blobopen("search_index", "data", row[0], readonly=True) as blob:
                return read(io.BufferedReader(_BlobFile(blob), 1 << 20))
        finally:
            db.execute("COMMIT")


class _CatalogueRows:
    """A stored catalogue made from its rows, the papers a batch at a time. At 100,000
    papers this is seconds and most of the process's memory: the values many papers hold
    alike (a section's slug, a venue, a year, a paper's id as its arXiv id) are kept once,
    and a batch's authors are read from their JSON in one native call, not one a paper."""

    def __init__(self, member_rows: Iterable[Any], section_rows: Iterable[Any]) -> None:
        self._sections = list(section_rows)
        slugs = {row[0]: row[0] for row in self._sections}
        self._members: dict[str, list[str]] = {}
        self._of_paper: dict[str, list[str]] = {}
        for slug, pid in member_rows:
            slug = slugs.get(slug, slug)
            self._members.setdefault(slug, []).append(pid)
            self._of_paper.setdefault(pid, []).append(slug)
        self._shared: dict[Any, Any] = {(): ()}

    def papers(self, rows: Iterable[Any]) -> list[Paper]:
        """The papers of a batch of rows."""
        rows = list(rows)
        authors = json.loads("[" + ",".join(row[2] for row in rows) + "]")
        return [
            _paper(row, tuple(names), self._of_paper, self._shared)
            for row, names in zip(rows, authors, strict=True)
        ]

    def catalogue(
        self, info: CatalogueInfo, papers: list[Paper], problem_rows: Iterable[Any]
    ) -> Catalogue:
        """The catalogue of these papers."""
        ids = {p.id: p.id for p in papers}
        members = {slug: tuple(ids.get(i, i) for i in m) for slug, m in self._members.items()}
        sections = tuple(
            Section(slug, heading, name, chapter, order, members.get(slug, ()))
            for slug, heading, name, chapter, order in self._sections
        )
        return Catalogue(
            papers=tuple(papers),
            sections=sections,
            problems=tuple(Problem(*row) for row in problem_rows),
            entries=info.entries,
            sources=info.sources,
            digest=info.digest,
        )


async def _weekly_state(db: aiosqlite.Connection, guild_id: int) -> WeeklyState | None:
    async with db.execute(
        f"SELECT {_WEEKLY_COLUMNS} FROM weekly WHERE guild_id = ?", (guild_id,)
    ) as cur:
        row = await cur.fetchone()
    return _weekly(row) if row else None


@dataclass(frozen=True, slots=True)
class Health:
    """What `readinglist-bot health` reads: each process's last heartbeat (and the problem it
    reported, if any) and the number of papers loaded."""

    heartbeats: dict[str, tuple[str, str]]  # instance -> (ISO time, problem)
    papers: int


def read_health(path: Path) -> Health:
    """The heartbeats and the number of papers, read without writing anything (for the
    health check, which runs beside the bot). Raises StoreError if the file is unreadable."""
    if not path.exists():
        raise StoreError(f"no database at {path}")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            beats = (
                db.execute("SELECT instance, at, problem FROM heartbeats").fetchall()
                if version >= 3
                else []
            )
            (papers,) = db.execute("SELECT count(*) FROM papers").fetchone()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the database {path}: {exc}") from exc
    return Health({str(i): (str(at), str(problem)) for i, at, problem in beats}, int(papers))


_WEEKLY_COLUMNS = (
    "guild_id, channel_id, weekday, at, tz, enabled, rotation, done_key, pending_key,"
    " pending_paper, pending_nonce, attempts, last_status, last_message_id, active_from,"
    " sending_since, thread, vote, thread_due, thread_id, poll_key, poll_message_id,"
    " poll_candidates, extras_status, thread_attempts, poll_attempts, vote_status, board"
)


def _weekly(row: Any) -> WeeklyState:
    (guild, channel, weekday, at, tz, enabled, rotation, done, pending, paper, nonce, attempts,
     status, message, active_from, sending_since, thread, vote, thread_due, thread_id,
     poll_key, poll_message_id, poll_candidates, extras_status, thread_attempts,
     poll_attempts, vote_status, board) = row  # fmt: skip
    return WeeklyState(
        guild_id=guild,
        channel_id=channel,
        weekday=weekday,
        at=at,
        tz=tz,
        enabled=bool(enabled),
        rotation=rotation,
        done_key=done,
        pending_key=pending,
        pending_paper=paper,
        pending_nonce=nonce,
        attempts=attempts,
        last_status=status,
        last_message_id=message,
        active_from=datetime.fromisoformat(active_from) if active_from else None,
        sending_since=datetime.fromisoformat(sending_since) if sending_since else None,
        thread=bool(thread),
        vote=bool(vote),
        thread_due=thread_due,
        thread_id=thread_id,
        poll_key=poll_key,
        poll_message_id=poll_message_id,
        poll_candidates=tuple(json.loads(poll_candidates or "[]")),
        extras_status=extras_status,
        thread_attempts=thread_attempts,
        poll_attempts=poll_attempts,
        vote_status=vote_status,
        board=bool(board),
    )


_READING_COLUMNS = "paper_id, title, read_at, saved_at"


def _mark(row: Any) -> Mark:
    paper_id, title, read_at, saved_at = row
    return Mark(
        paper_id=paper_id,
        title=title,
        read_at=datetime.fromisoformat(read_at) if read_at else None,
        saved_at=datetime.fromisoformat(saved_at) if saved_at else None,
    )


def _paper(
    row: Any, authors: tuple[str, ...], of_paper: dict[str, list[str]], shared: dict[Any, Any]
) -> Paper:
    """A paper from its row; `shared` keeps one copy of values many papers hold alike."""
    pid, title, _, et_al, venue, year, pdf, code, links, arxiv_id, position, line = row
    sections = tuple(of_paper.get(pid, ()))
    return Paper(
        pid,
        title,
        authors,
        bool(et_al),
        shared.setdefault(venue, venue),
        shared.setdefault(year, year),
        pdf,
        code,
        () if links == "[]" else tuple(json.loads(links)),
        pid if arxiv_id == pid else arxiv_id,
        shared.setdefault(sections, sections),
        position,
        line,
    )
