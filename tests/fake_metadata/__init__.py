"""Fake arXiv and Semantic Scholar APIs on 127.0.0.1, written from their documented formats.

arXiv (https://info.arxiv.org/help/api/user-manual.html): `GET /api/query?id_list=...`
answers an Atom 1.0 feed (the Atom, arXiv and OpenSearch namespaces); an unknown id is left
out (alone, it gives an empty feed); a malformed id gives an error entry. Faults: empty pages
and 503s on demand.

Semantic Scholar (https://api.semanticscholar.org/api-docs/graph): `POST
/graph/v1/paper/batch?fields=...` with `{"ids": [...]}` answers a list in order with `null`
for unknown ids (400 for more than 500 ids); `GET /graph/v1/paper/search/match?query=...`
answers the closest title it has, however far, or 404 "Title match not found". Papers can
have a withheld abstract (`null`) or no TL;DR. Faults: 429 with Retry-After on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web
from rapidfuzz import fuzz, process

from bot.models import Catalogue

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
_NEW_ID = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")


@dataclass
class ArxivPaper:
    arxiv_id: str
    title: str
    authors: list[str]
    abstract: str
    published: str  # 2023-05-22T17:57:53Z
    categories: list[str] = field(default_factory=lambda: ["cs.CL"])
    doi: str = ""
    journal_ref: str = ""
    version: int = 1


@dataclass
class ScholarPaper:
    paper_id: str
    title: str
    authors: list[str]
    abstract: str | None  # None: withheld by the publisher
    tldr: str | None
    year: int | None
    venue: str
    citations: int
    influential: int = 0
    external_ids: dict[str, Any] = field(default_factory=dict)
    open_access_pdf: str | None = None

    def payload(self, fields: set[str]) -> dict[str, Any]:
        full: dict[str, Any] = {
            "paperId": self.paper_id,
            "url": f"https://www.semanticscholar.org/paper/{self.paper_id}",
            "title": self.title,
            "authors": [{"authorId": str(i), "name": n} for i, n in enumerate(self.authors)],
            "abstract": self.abstract,
            "tldr": {"model": "tldr@v2.0.0", "text": self.tldr} if self.tldr else None,
            "year": self.year,
            "venue": self.venue,
            "citationCount": self.citations,
            "influentialCitationCount": self.influential,
            "externalIds": self.external_ids,
            "openAccessPdf": (
                {"url": self.open_access_pdf, "status": "GREEN"} if self.open_access_pdf else None
            ),
            "publicationDate": f"{self.year}-01-01" if self.year else None,
        }
        return {k: v for k, v in full.items() if k == "paperId" or k in fields}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


class FakeMetadata:
    """Both APIs in one aiohttp server. Use `async with FakeMetadata(...) as fake:`, then
    point ARXIV_API_URL at `fake.arxiv_url` and SEMANTIC_SCHOLAR_API_URL at
    `fake.scholar_url`."""

    def __init__(
        self, arxiv: list[ArxivPaper] | None = None, scholar: list[ScholarPaper] | None = None
    ) -> None:
        self.arxiv = {p.arxiv_id: p for p in arxiv or []}
        self.scholar = list(scholar or [])
        self.requests: list[Recorded] = []
        self.empty_pages = 0  # the next N arXiv answers are empty feeds
        self.arxiv_errors = 0  # the next N arXiv answers are 503s
        self.rate_limits = 0  # the next N Semantic Scholar answers are 429s
        self.retry_after = "1"
        self.problems: list[str] = []  # requests the real APIs would refuse
        self.hold: asyncio.Event | None = None  # when set, answers wait for it
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def arxiv_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/query"

    @property
    def scholar_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graph/v1"

    def of(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    async def __aenter__(self) -> FakeMetadata:
        app = web.Application()
        app.router.add_get("/api/query", self._arxiv)
        app.router.add_post("/graph/v1/paper/batch", self._batch)
        app.router.add_get("/graph/v1/paper/search/match", self._match)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, request: web.Request) -> Recorded:
        body = await request.json() if request.can_read_body else None
        recorded = Recorded(
            request.method, request.path, dict(request.query), body, dict(request.headers)
        )
        self.requests.append(recorded)
        if self.hold is not None:
            await self.hold.wait()
        return recorded

    # --- arXiv ------------------------------------------------------------------------------

    async def _arxiv(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        ids = [i for i in recorded.query.get("id_list", "").split(",") if i]
        if len(ids) > int(recorded.query.get("max_results", "10")):
            self.problems.append(f"max_results below the {len(ids)} ids asked")
        if self.arxiv_errors:
            self.arxiv_errors -= 1
            return web.Response(status=503, text="Service Unavailable")
        if self.empty_pages:
            self.empty_pages -= 1
            return self._feed([], total=len(ids))
        entries = []
        for raw in ids:
            if not _NEW_ID.match(raw):
                entries.append(_error_entry(raw))
            elif (paper := self.arxiv.get(re.sub(r"v\d+$", "", raw))) is not None:
                entries.append(_entry(paper))
        return self._feed(entries, total=len(ids))

    def _feed(self, entries: list[str], total: int) -> web.Response:
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<feed xmlns="{ATOM_NS}">\n'
            '  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>\n'
            '  <title type="html">ArXiv Query: id_list</title>\n'
            "  <id>http://arxiv.org/api/fake</id>\n"
            "  <updated>2025-01-01T00:00:00-05:00</updated>\n"
            f'  <opensearch:totalResults xmlns:opensearch="{OPENSEARCH_NS}">{total}'
            "</opensearch:totalResults>\n"
            f'  <opensearch:startIndex xmlns:opensearch="{OPENSEARCH_NS}">0'
            "</opensearch:startIndex>\n" + "".join(entries) + "</feed>\n"
        )
        return web.Response(text=xml, content_type="application/atom+xml")

    # --- Semantic Scholar -------------------------------------------------------------------

    def _limited(self) -> web.Response | None:
        if self.rate_limits:
            self.rate_limits -= 1
            return web.json_response(
                {"message": "Too Many Requests"},
                status=429,
                headers={"Retry-After": self.retry_after},
            )
        return None

    def _find(self, lookup: str) -> ScholarPaper | None:
        kind, _, value = lookup.partition(":")
        key = {"ARXIV": "ArXiv", "ACL": "ACL", "DOI": "DOI"}.get(kind.upper())
        for paper in self.scholar:
            if key and str(paper.external_ids.get(key, "")).lower() == value.lower():
                return paper
        return None

    async def _batch(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        if (limited := self._limited()) is not None:
            return limited
        ids = (recorded.body or {}).get("ids")
        if not isinstance(ids, list) or not ids:
            return web.json_response({"error": "Unrecognized or missing field: ids"}, status=400)
        if len(ids) > 500:
            self.problems.append(f"{len(ids)} ids in one batch")
            return web.json_response({"error": "Cannot process more than 500 ids"}, status=400)
        fields = set(recorded.query.get("fields", "").split(","))
        answer = [p.payload(fields) if (p := self._find(str(i))) else None for i in ids]
        return web.Response(text=json.dumps(answer), content_type="application/json")

    async def _match(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        if (limited := self._limited()) is not None:
            return limited
        query = recorded.query.get("query", "")
        titles = [p.title for p in self.scholar]
        best = process.extractOne(query, titles, scorer=fuzz.WRatio) if titles else None
        if best is None or best[1] < 50:
            return web.json_response({"error": "Title match not found"}, status=404)
        paper = self.scholar[best[2]]
        fields = set(recorded.query.get("fields", "").split(","))
        data = paper.payload(fields) | {"matchScore": float(best[1])}
        return web.Response(text=json.dumps({"data": [data]}), content_type="application/json")


def _entry(paper: ArxivPaper) -> str:
    authors = "".join(
        f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n" for a in paper.authors
    )
    categories = "".join(
        f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>\n'
        for c in paper.categories
    )
    extra = ""
    if paper.doi:
        extra += f'    <arxiv:doi xmlns:arxiv="{ARXIV_NS}">{escape(paper.doi)}</arxiv:doi>\n'
    if paper.journal_ref:
        extra += (
            f'    <arxiv:journal_ref xmlns:arxiv="{ARXIV_NS}">{escape(paper.journal_ref)}'
            "</arxiv:journal_ref>\n"
        )
    # arXiv wraps titles and abstracts over several indented lines.
    title = "\n      ".join(_wrap(escape(paper.title), 60))
    abstract = "\n".join(_wrap(escape(paper.abstract), 80))
    base = f"http://arxiv.org/abs/{paper.arxiv_id}v{paper.version}"
    return (
        "  <entry>\n"
        f"    <id>{base}</id>\n"
        f"    <updated>{paper.published}</updated>\n"
        f"    <published>{paper.published}</published>\n"
        f"    <title>{title}</title>\n"
        f"    <summary>  {abstract}\n</summary>\n"
        f"{authors}{extra}"
        f'    <link href="{base}" rel="alternate" type="text/html"/>\n'
        f'    <link title="pdf" href="http://arxiv.org/pdf/{paper.arxiv_id}v{paper.version}"'
        ' rel="related" type="application/pdf"/>\n'
        f'    <arxiv:primary_category xmlns:arxiv="{ARXIV_NS}" term="{paper.categories[0]}"'
        ' scheme="http://arxiv.org/schemas/atom"/>\n'
        f"{categories}"
        "  </entry>\n"
    )


def _error_entry(raw: str) -> str:
    return (
        "  <entry>\n"
        "    <id>http://arxiv.org/api/errors#incorrect_id_format_for_"
        f"{escape(raw)}</id>\n"
        "    <title>Error</title>\n"
        f"    <summary>incorrect id format for {escape(raw)}</summary>\n"
        "    <updated>2025-01-01T00:00:00-05:00</updated>\n"
        '    <link href="http://arxiv.org/api/errors" rel="alternate" type="text/html"/>\n'
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
        "  </entry>\n"
    )


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


# --- data for the real lists --------------------------------------------------------------------

# What arXiv itself says where the list differs from it (checked by hand on arxiv.org).
ARXIV_TITLES = {
    "2404.11912": "TriForce: Lossless Acceleration of Long Sequence Generation with"
    " Hierarchical Speculative Decoding",
}
# Papers the fake Semantic Scholar does not know (blog posts and product pages).
UNKNOWN_TO_SCHOLAR = ("introducing-chatgpt", "introducing-meta-llama-3-the-most-capabl")


def abstract_of(title: str, paper_id: str) -> str:
    """A made-up abstract, long enough to be cut on a card, with one word of its own."""
    word = "zq" + re.sub(r"[^a-z0-9]", "", paper_id.lower())[-8:]
    return (
        f"We study {title.rstrip('.')}. Our method, evaluated on standard benchmarks, improves"
        " on strong baselines while using less compute. We describe the architecture, the"
        f" training data and an ablation of each component, including the {word} module."
        " Code and models are released for the community."
    )


def from_catalogue(catalogue: Catalogue) -> FakeMetadata:
    """Fakes that know the catalogue's papers as the real services would: arXiv every
    arXiv paper, Semantic Scholar nearly every paper (by arXiv id, ACL id, DOI or title),
    some TL;DRs and abstracts missing."""
    from bot.metadata.scholar import lookup_id  # the ids the bot will ask by

    arxiv: list[ArxivPaper] = []
    scholar: list[ScholarPaper] = []
    for n, paper in enumerate(catalogue.papers):
        year = paper.year or 2020
        authors = list(paper.authors) + (["Extra Author"] if paper.et_al else [])
        abstract = abstract_of(paper.title, paper.id)
        if paper.arxiv_id:
            arxiv.append(
                ArxivPaper(
                    paper.arxiv_id,
                    ARXIV_TITLES.get(paper.arxiv_id, paper.title),
                    authors,
                    abstract,
                    f"{year}-0{1 + n % 9}-15T12:00:00Z",
                    categories=["cs.CL", "cs.LG"] if n % 2 else ["cs.LG"],
                    doi=f"10.48550/arXiv.{paper.arxiv_id}",
                )
            )
        if paper.id.startswith(UNKNOWN_TO_SCHOLAR):
            continue
        ids: dict[str, Any] = {"CorpusId": 1000 + n}
        lookup = lookup_id(paper)
        if lookup:
            kind, _, value = lookup.partition(":")
            ids[{"ARXIV": "ArXiv", "ACL": "ACL", "DOI": "DOI"}[kind]] = value
        scholar.append(
            ScholarPaper(
                paper_id=f"{n:040x}",
                title=paper.title,
                authors=authors,
                abstract=None if n % 7 == 3 else abstract,  # some withheld
                tldr=None if n % 5 == 4 else f"This paper introduces {paper.title.rstrip('.')}.",
                year=year,
                venue=paper.venue or "",
                citations=(n * 7919) % 20000,
                influential=n % 50,
                external_ids=ids,
            )
        )
    return FakeMetadata(arxiv, scholar)


@contextlib.asynccontextmanager
async def serving(fake: FakeMetadata) -> AsyncIterator[FakeMetadata]:
    async with fake:
        yield fake
