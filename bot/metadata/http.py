"""Talking to arXiv and Semantic Scholar politely: one connection to each, paced requests,
retries with backoff for 5xx, empty pages and dropped connections, and 429s waited out as
long as `Retry-After` asks.

The clock and the sleep are parameters, so tests check the pacing without waiting for it.
The Semantic Scholar key travels only in the `x-api-key` header and is never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot import __version__
from bot.config import Settings
from bot.metadata import arxiv, scholar
from bot.metadata.models import Facts

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
BACKOFF = (3.0, 9.0, 27.0)  # seconds before each retry
MAX_BYTES = 20 * 1024 * 1024  # an answer larger than this is not one of theirs
TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=10)
USER_AGENT = f"readinglist-bot/{__version__} (a Discord bot for a reading list of papers)"


class SourceUnavailable(Exception):
    """A source could not be reached, or kept failing after the retries (plain words)."""

    def __init__(self, message: str, *, empty: bool = False) -> None:
        super().__init__(message)
        self.empty = empty  # the last answers were well-formed but empty


@dataclass
class Pacer:
    """At most one request every `interval` seconds."""

    interval: float
    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    last: float | None = None
    waited: float = 0.0  # seconds spent waiting, for the report
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def wait(self) -> None:
        """Return when the next request may go."""
        async with self._lock:
            if self.last is not None:
                delay = self.last + self.interval - self.clock()
                if delay > 0:
                    self.waited += delay
                    await self.sleep(delay)
            self.last = self.clock()


@dataclass
class _Answer:
    status: int
    body: bytes


class Http:
    """One API over one connection: paced, retried, bounded."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        name: str,
        pacer: Pacer,
        *,
        backoff: Sequence[float] = BACKOFF,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.session = session
        self.name = name
        self.pacer = pacer
        self.backoff = tuple(backoff)
        self._headers = headers or {}  # may hold the API key: never logged
        self.requests = 0
        self.retries = 0

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        acceptable: Callable[[_Answer], bool] = lambda a: True,
    ) -> _Answer:
        """The first answer that is neither a 429, a 5xx nor `acceptable`-rejected, after
        up to len(backoff) retries; raises SourceUnavailable."""
        problem = ""
        empty = False
        for attempt in range(len(self.backoff) + 1):
            if attempt:
                self.retries += 1
            await self.pacer.wait()
            self.requests += 1
            try:
                answer, retry_after = await self._send(method, url, params, body)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                problem = _describe(exc)
                log.debug("%s: %s %s failed: %s", self.name, method, url, problem)
                await self._back_off(attempt)
                continue
            if answer.status == 429:
                problem = "rate limited (429)"
                wait = retry_after if retry_after is not None else self._delay(attempt)
                log.info("%s: rate limited, waiting %.0f s as asked", self.name, wait)
                if attempt < len(self.backoff):
                    await self.pacer.sleep(wait)
                continue
            empty = False
            if answer.status >= 500:
                problem = f"HTTP {answer.status}"
            elif answer.status < 400 and not acceptable(answer):
                problem, empty = "an empty or unreadable answer", True
            else:
                return answer
            log.debug("%s: %s, retrying", self.name, problem)
            await self._back_off(attempt)
        tries = len(self.backoff) + 1
        raise SourceUnavailable(f"{self.name}: {problem} after {tries} tries", empty=empty)

    async def _send(
        self, method: str, url: str, params: dict[str, str] | None, body: Any
    ) -> tuple[_Answer, float | None]:
        async with self.session.request(
            method, url, params=params, json=body, headers=self._headers
        ) as response:
            data = bytearray()
            async for chunk in response.content.iter_chunked(1 << 16):
                data += chunk
                if len(data) > MAX_BYTES:
                    raise aiohttp.ClientPayloadError(f"answer over {MAX_BYTES} bytes")
            return _Answer(response.status, bytes(data)), _retry_after(response.headers)

    def _delay(self, attempt: int) -> float:
        return self.backoff[min(attempt, len(self.backoff) - 1)] if self.backoff else 0.0

    async def _back_off(self, attempt: int) -> None:
        if attempt < len(self.backoff):
            await self.pacer.sleep(self._delay(attempt))


class ArxivClient:
    """The arXiv API (https://info.arxiv.org/help/api/)."""

    def __init__(self, http: Http, url: str) -> None:
        self.http = http
        self.url = url

    async def papers(self, ids: Sequence[str]) -> dict[str, Facts | None]:
        """What arXiv says about at most 100 ids; None for an id it does not know."""
        if len(ids) > arxiv.BATCH:
            raise ValueError(f"at most {arxiv.BATCH} ids a request, got {len(ids)}")
        feeds: dict[int, arxiv.Feed] = {}

        def acceptable(answer: _Answer) -> bool:
            try:
                feeds[id(answer)] = arxiv.parse_feed(answer.body)
            except arxiv.FeedError:
                return False
            return not feeds[id(answer)].empty

        try:
            answer = await self.http.request(
                "GET", self.url, params=arxiv.query(list(ids)), acceptable=acceptable
            )
        except SourceUnavailable as exc:
            # arXiv answers an empty feed for a single id it does not know; for a batch an
            # empty feed is one of its glitches, and the batch is tried again next time.
            if exc.empty and len(ids) == 1 and feeds:
                return {ids[0]: None}
            raise
        if answer.status >= 400:
            raise SourceUnavailable(f"arXiv: HTTP {answer.status}")
        feed = feeds[id(answer)]
        return {i: feed.papers.get(i) for i in ids}


class ScholarClient:
    """The Semantic Scholar Academic Graph API (https://api.semanticscholar.org/)."""

    def __init__(self, http: Http, url: str) -> None:
        self.http = http
        self.url = url.rstrip("/")

    async def papers(self, ids: Sequence[str]) -> list[Facts | None]:
        """What Semantic Scholar says about at most 500 ids, in order; None: unknown."""
        if len(ids) > scholar.BATCH:
            raise ValueError(f"at most {scholar.BATCH} ids a request, got {len(ids)}")
        answer = await self.http.request(
            "POST",
            f"{self.url}/paper/batch",
            params={"fields": scholar.FIELDS},
            body={"ids": list(ids)},
            acceptable=_is_json,
        )
        if answer.status == 400:  # every id malformed, or none known
            return [None] * len(ids)
        if answer.status >= 400:
            raise SourceUnavailable(f"Semantic Scholar: HTTP {answer.status}")
        items = json.loads(answer.body)
        if not isinstance(items, list) or len(items) != len(ids):
            raise SourceUnavailable("Semantic Scholar: an answer of the wrong length")
        return [scholar.parse_paper(item) for item in items]

    async def match(self, title: str) -> Facts | None:
        """The paper whose title Semantic Scholar matches to `title`, when the titles
        agree; None otherwise."""
        answer = await self.http.request(
            "GET",
            f"{self.url}/paper/search/match",
            params={"query": title[:300], "fields": scholar.FIELDS},
            acceptable=_is_json,
        )
        if answer.status in (400, 404):  # "Title match not found"
            return None
        if answer.status >= 400:
            raise SourceUnavailable(f"Semantic Scholar: HTTP {answer.status}")
        facts, found = scholar.parse_match(json.loads(answer.body))
        return facts if facts is not None and scholar.title_agrees(title, found) else None


@dataclass
class Clients:
    """Both sources, each over its own single connection."""

    arxiv: ArxivClient
    scholar: ScholarClient

    @property
    def requests(self) -> dict[str, int]:
        """Requests made to each source so far."""
        return {"arxiv": self.arxiv.http.requests, "semanticscholar": self.scholar.http.requests}

    @property
    def waited(self) -> dict[str, float]:
        """Seconds each source's politeness delay has waited so far."""
        return {
            "arxiv": self.arxiv.http.pacer.waited,
            "semanticscholar": self.scholar.http.pacer.waited,
        }


@asynccontextmanager
async def open_clients(
    settings: Settings,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
    backoff: Sequence[float] = BACKOFF,
) -> AsyncIterator[Clients]:
    """Clients for the configured APIs; their connections close on exit."""
    headers = {"User-Agent": USER_AGENT}
    key_headers = dict(headers)
    if settings.semantic_scholar_api_key:
        key_headers["x-api-key"] = settings.semantic_scholar_api_key
    async with (
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1), timeout=TIMEOUT
        ) as arxiv_session,
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1), timeout=TIMEOUT
        ) as scholar_session,
    ):
        yield Clients(
            ArxivClient(
                Http(
                    arxiv_session,
                    "arXiv",
                    Pacer(settings.arxiv_interval, clock, sleep),
                    backoff=backoff,
                    headers=headers,
                ),
                settings.arxiv_api_url,
            ),
            ScholarClient(
                Http(
                    scholar_session,
                    "Semantic Scholar",
                    Pacer(settings.scholar_interval, clock, sleep),
                    backoff=backoff,
                    headers=key_headers,
                ),
                settings.semantic_scholar_api_url,
            ),
        )


def _is_json(answer: _Answer) -> bool:
    if answer.status >= 400:
        return True  # a client error is an answer, not something to retry
    try:
        json.loads(answer.body)
    except ValueError:
        return False
    return True


def _retry_after(headers: Any) -> float | None:
    """Retry-After in seconds (the HTTP-date form is taken as a short wait)."""
    value = str(headers.get("Retry-After", "")).strip()
    if not value:
        return None
    try:
        return max(0.0, min(float(value), 600.0))
    except ValueError:
        return 60.0


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect to {exc.host}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return type(exc).__name__
