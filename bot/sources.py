"""Read catalogue sources: local files and http(s) URLs, with conditional requests.

No parsing here: a source becomes text (or "not modified"), and every failure becomes one
SourceError sentence that is safe to show a user and to log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from yarl import URL

from bot.i18n import Failure, Message
from bot.text import display_name

__all__ = [
    "Fetched",
    "SourceError",
    "Validators",
    "decode_text",
    "display_name",
    "fetch_all",
    "fetch_source",
]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_CHUNK = 64 * 2**10
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class Validators:
    """HTTP cache validators of the last text read from a URL (RFC 9110 section 8.8)."""

    etag: str | None = None
    last_modified: str | None = None

    def to_json(self) -> str:
        """These validators as a small JSON object, for storing between runs."""
        return json.dumps({"etag": self.etag, "last_modified": self.last_modified})

    @classmethod
    def from_json(cls, text: str | None) -> Validators:
        """Validators stored by to_json; anything unreadable gives none at all.

        Lenient on purpose: the worst a lost validator costs is one unconditional fetch.
        """
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.warning("ignoring unreadable stored validators %.80r", text)
            return cls()
        etag, last_modified = data.get("etag"), data.get("last_modified")
        return cls(
            etag=etag if isinstance(etag, str) else None,
            last_modified=last_modified if isinstance(last_modified, str) else None,
        )


@dataclass(frozen=True, slots=True)
class Fetched:
    """One source read: its text, or None when it is not modified since the given validators."""

    source: str  # as the caller named it (a URL keeps its query, so it still matches the key)
    text: str | None
    validators: Validators


class SourceError(Failure):
    """A source that cannot be read: the message `key` (with `params`) says why, after the
    source's name without secrets; str() is that sentence in English."""

    def __init__(self, source: str, key: str, **params: object) -> None:
        self.source = display_name(source)
        self.reason = Message(key, params)
        super().__init__("source.error", source=self.source, reason=self.reason)


def decode_text(raw: bytes, source: str) -> str:
    """Bytes of a reading list as text: UTF-8, a BOM stripped; binary or other encodings fail."""
    if raw.startswith(_UTF16_BOMS):
        raise SourceError(source, "source.utf16")
    if b"\x00" in raw:
        raise SourceError(source, "source.binary")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(source, "source.not_utf8", byte=exc.start) from exc


async def fetch_source(
    source: str,
    previous: Validators | None,
    *,
    session: aiohttp.ClientSession,
    timeout: float = 10.0,
    max_bytes: int = 5 * 2**20,
) -> Fetched:
    """Read one source: a file path from disk, or an http(s) URL with a conditional GET.

    A URL answered with 304 Not Modified gives text None. Every failure raises SourceError.
    `max_bytes` bounds downloads only: a local file is the operator's own, read whole.
    """
    match = _SCHEME.match(source)
    if match is None:
        return await asyncio.to_thread(_read_file, source)
    if match.group(1).lower() not in ("http", "https"):
        raise SourceError(source, "source.scheme", scheme=repr(match.group(1)))
    return await _fetch_url(source, previous, session, timeout, max_bytes)


async def fetch_all(
    sources: Sequence[str],
    previous: Mapping[str, Validators],
    *,
    session: aiohttp.ClientSession | None = None,
    timeout: float = 10.0,
    max_bytes: int = 5 * 2**20,
) -> list[Fetched]:
    """Read all sources concurrently over one session; results in the order of `sources`.

    The first failure cancels the rest and raises its SourceError: a catalogue is all its
    sources or nothing. A session is created and closed here unless one is passed.
    """
    if not sources:
        return []
    if session is None:
        async with aiohttp.ClientSession() as own:
            return await _fetch_all(sources, previous, own, timeout, max_bytes)
    return await _fetch_all(sources, previous, session, timeout, max_bytes)


async def _fetch_all(
    sources: Sequence[str],
    previous: Mapping[str, Validators],
    session: aiohttp.ClientSession,
    timeout: float,
    max_bytes: int,
) -> list[Fetched]:
    failure: SourceError | None = None
    try:
        # A TaskGroup, not gather: it cancels the other fetches on the first failure, so
        # none is left running against a session that is about to close.
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(
                    fetch_source(
                        source,
                        previous.get(source),
                        session=session,
                        timeout=timeout,
                        max_bytes=max_bytes,
                    )
                )
                for source in sources
            ]
    except ExceptionGroup as group:
        failures = [exc for exc in group.exceptions if isinstance(exc, SourceError)]
        if len(failures) < len(group.exceptions):
            raise  # a bug, not an unreadable source: keep every traceback
        failure = failures[0]
    if failure is not None:
        raise failure  # outside the except block, so it is not chained to the group
    return [task.result() for task in tasks]


def _read_file(source: str) -> Fetched:
    try:
        raw = Path(source).read_bytes()
    except OSError as exc:
        raise SourceError(
            source, "source.cannot_read", why=exc.strerror or type(exc).__name__
        ) from exc
    return Fetched(source, decode_text(raw, source), Validators())


async def _fetch_url(
    source: str,
    previous: Validators | None,
    session: aiohttp.ClientSession,
    timeout: float,
    max_bytes: int,
) -> Fetched:
    try:
        url = URL(source)
    except (TypeError, ValueError) as exc:
        raise SourceError(source, "source.bad_url") from exc
    if not url.host:
        raise SourceError(source, "source.no_host")
    headers = _conditional_headers(previous)
    try:
        async with session.get(
            url,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),  # covers redirects and the body too
            allow_redirects=True,
            max_redirects=MAX_REDIRECTS,
        ) as response:
            if response.status == 304 and previous is not None and headers:
                log.debug("%s: not modified", display_name(source))
                return Fetched(source, None, _merge(previous, _validators(response)))
            if response.status != 200:
                reason = f" {response.reason}" if response.reason else ""
                raise SourceError(source, "source.http", status=response.status, reason=reason)
            if response.content_length is not None and response.content_length > max_bytes:
                raise SourceError(source, "source.too_large", size=_size(max_bytes))
            raw = await _read_at_most(response, max_bytes, source)
            validators = _validators(response)
    except TimeoutError as exc:  # aiohttp's own timeout errors are TimeoutErrors too
        raise SourceError(source, "source.timeout", seconds=f"{timeout:g}") from exc
    except aiohttp.ClientError as exc:
        key, params = _client_error(exc, url)
        raise SourceError(source, key, **params) from exc
    log.debug("%s: read %d bytes", display_name(source), len(raw))
    return Fetched(source, decode_text(raw, source), validators)


async def _read_at_most(response: aiohttp.ClientResponse, max_bytes: int, source: str) -> bytes:
    # Streamed: a body over the limit is abandoned after max_bytes + 1 bytes, and leaving the
    # response context closes the connection instead of draining the rest.
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise SourceError(source, "source.too_large", size=_size(max_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _conditional_headers(previous: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if previous is not None and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous is not None and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    return headers


def _validators(response: aiohttp.ClientResponse) -> Validators:
    return Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))


def _merge(old: Validators, new: Validators) -> Validators:
    # A 304 may carry fresher validators (RFC 9111 section 4.3.4); keep the old where it has none.
    return Validators(new.etag or old.etag, new.last_modified or old.last_modified)


def _client_error(exc: aiohttp.ClientError, url: URL) -> tuple[str, dict[str, object]]:
    """The message key and parameters saying why a request failed."""
    # Never str(exc): aiohttp puts the full URL (userinfo, query) in several of its messages.
    if isinstance(exc, aiohttp.TooManyRedirects):  # before ClientResponseError, its base
        return "source.redirects", {"n": MAX_REDIRECTS}
    if isinstance(exc, aiohttp.ClientResponseError):  # a passed session with raise_for_status
        return "source.http", {"status": exc.status, "reason": ""}
    if isinstance(exc, (aiohttp.RedirectClientError, aiohttp.InvalidURL)):
        return "source.bad_redirect", {}  # the URL itself was checked before
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, socket.gaierror):
            return "source.no_such_host", {"host": url.host}
        why = exc.os_error.strerror or Message("source.connection_failed")
        return "source.cannot_connect", {"host": url.host, "why": why}
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "source.disconnected", {}
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "source.broke", {}
    return "source.failed", {"kind": type(exc).__name__}


def _size(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.3g} MB"
    if n >= 2**10:
        return f"{n / 2**10:.3g} KB"
    return f"{n} bytes"
