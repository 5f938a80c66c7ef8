"""Two naive rankers the bot's search is measured against on the evaluation set.

Both take a parsed `Catalogue` and answer `search(query, limit)` with paper ids, best first:

- `WRatioBaseline`: rapidfuzz's `WRatio` of the raw query against every title, which is what
  a first version of `/paper` built on `process.extractOne` would answer.
- `FTS5Baseline`: an in-memory SQLite FTS5 index over titles and authors, ranked by `bm25()`.
"""

from __future__ import annotations

import re
import sqlite3

from rapidfuzz import fuzz, process

from bot.models import Catalogue

# A word of the query as FTS5's unicode61 tokenizer would see it: letters, digits, underscore.
_WORD = re.compile(r"\w+")


class WRatioBaseline:
    """Fuzzy title matching: `process.extract(query, titles, scorer=fuzz.WRatio)`.

    No processor is applied, so the comparison is exactly that of rapidfuzz's defaults: its
    top-1 is `process.extractOne(query, titles, scorer=fuzz.WRatio)`. Authors are not used.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self._ids: list[str] = [paper.id for paper in catalogue.papers]
        self._titles: list[str] = [paper.title for paper in catalogue.papers]

    def search(self, query: str, limit: int = 5) -> list[str]:
        """The ids of the `limit` titles with the highest WRatio score, best first."""
        if limit <= 0 or not self._titles:
            return []
        matches = process.extract(query, self._titles, scorer=fuzz.WRatio, limit=limit)
        return [self._ids[index] for _title, _score, index in matches]


class FTS5Baseline:
    """Full-text search: an in-memory FTS5 table over title and authors, ranked by bm25().

    The table uses the unicode61 tokenizer with diacritics removed, so `schutze` finds
    `Schütze`. The query is never passed to MATCH as written: each of its word tokens is
    double-quoted and the tokens are OR-ed together, so punctuation, quotes and FTS5 operators
    in a query cannot raise a syntax error. A query without any word token returns [].
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self._db = sqlite3.connect(":memory:")
        self._db.execute(
            "CREATE VIRTUAL TABLE papers USING fts5("
            "id UNINDEXED, title, authors, tokenize = 'unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            "INSERT INTO papers (id, title, authors) VALUES (?, ?, ?)",
            [(paper.id, paper.title, ", ".join(paper.authors)) for paper in catalogue.papers],
        )
        self._db.commit()

    @staticmethod
    def match_expression(query: str) -> str | None:
        """A safe FTS5 MATCH expression for a user query: quoted word tokens joined by OR."""
        tokens = _WORD.findall(query)
        if not tokens:
            return None
        return " OR ".join('"' + token.replace('"', '""') + '"' for token in tokens)

    def search(self, query: str, limit: int = 5) -> list[str]:
        """The ids of the `limit` best bm25() matches, best first; [] when nothing matches."""
        expression = self.match_expression(query)
        if expression is None or limit <= 0:
            return []
        rows = self._db.execute(
            "SELECT id FROM papers WHERE papers MATCH ? ORDER BY bm25(papers), rowid LIMIT ?",
            (expression, limit),
        ).fetchall()
        return [str(paper_id) for (paper_id,) in rows]

    def close(self) -> None:
        """Release the in-memory database."""
        self._db.close()
