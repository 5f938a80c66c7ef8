"""Reading sources: real files in tmp_path and real lists served by a local aiohttp server."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.sources import (
    Fetched,
    SourceError,
    Validators,
    decode_text,
    display_name,
    fetch_all,
    fetch_source,
)
from tests.conftest import CHAPTER_LIST, FULL_LIST

LISTS = {path.name: path.read_bytes() for path in (CHAPTER_LIST, FULL_LIST)}
MODIFIED = datetime(2025, 1, 15, 8, 30, tzinfo=UTC)
LAST_MODIFIED = format_datetime(MODIFIED, usegmt=True)
MB = 2**20
HUGE = 10 * MB
STALL_AFTER = 6 * MB  # past the 5 MB limit, short of the whole 10 MB body


def fixed(body: bytes = b"", status: int = 200, location: str = "") -> Handler:
    """A handler with one fixed answer."""

    async def handle(request: web.Request) -> web.Response:
        return web.Response(
            body=body, status=status, headers={"Location": location} if location else None
        )

    return handle


def etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:16]}"'


@dataclass
class Upstream:
    """A local stand-in for the lists' upstream, recording what it was asked and sent."""

    base: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: int = 0  # body bytes written by the streaming routes
    abandoned: asyncio.Event = field(default_factory=asyncio.Event)  # a client gave up /slow

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.record])
        app.router.add_get("/lists/{name}", self.listing)
        app.router.add_get("/error", fixed(status=500))
        app.router.add_get("/slow", self.slow)
        app.router.add_get("/garbage", fixed(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
        app.router.add_get("/latin-1", fixed("# Café\n".encode("latin-1")))
        app.router.add_get("/bom", fixed(b"\xef\xbb\xbf# Title\n"))
        app.router.add_get("/always-304", fixed(status=304))
        app.router.add_get("/huge", self.huge)
        app.router.add_get("/huge-declared", self.huge)
        app.router.add_get("/redirect", fixed(status=302, location="/lists/llm-chapter.md"))
        app.router.add_get("/loop", fixed(status=302, location="/loop"))
        app.router.add_get("/to-ftp", fixed(status=302, location="ftp://127.0.0.1/list.md"))
        return app

    @web.middleware
    async def record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests.append((request.path, dict(request.headers)))
        return await handler(request)

    async def listing(self, request: web.Request) -> web.Response:
        body = LISTS.get(request.match_info["name"])
        if body is None:
            raise web.HTTPNotFound()
        headers = {"ETag": etag(body), "Last-Modified": LAST_MODIFIED}
        # RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since counts only without it.
        if_none_match = request.headers.get("If-None-Match")
        if_modified_since = request.headers.get("If-Modified-Since")
        if if_none_match is not None:
            not_modified = if_none_match == headers["ETag"]
        else:
            not_modified = (
                if_modified_since is not None
                and parsedate_to_datetime(if_modified_since) >= MODIFIED
            )
        if not_modified:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=headers, content_type="text/markdown")

    async def slow(self, request: web.Request) -> web.Response:
        try:
            await asyncio.sleep(30)  # cancelled when the client gives up (handler_cancellation)
        except asyncio.CancelledError:
            self.abandoned.set()
            raise
        return web.Response(body=b"too late")

    async def huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        if request.path == "/huge-declared":
            response.content_length = HUGE
        await response.prepare(request)
        chunk = b"x" * 2**16
        while self.sent < HUGE:
            if self.sent >= STALL_AFTER:
                # A client that reads the whole body waits here until its timeout: the test
                # gets "timed out" instead of "larger than", so it proves the read stopped.
                await asyncio.sleep(30)
            await response.write(chunk)
            self.sent += len(chunk)
        return response


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    server = Upstream()
    # handler_cancellation: a handler left stalling by a client that gave up ends at once.
    runner = web.AppRunner(server.app(), handler_cancellation=True, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.base = f"http://127.0.0.1:{port}"
    yield server
    await runner.cleanup()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def failure(source: str, session: aiohttp.ClientSession, **options: float) -> str:
    with pytest.raises(SourceError) as info:
        await fetch_source(source, None, session=session, **options)  # type: ignore[arg-type]
    assert info.value.source in str(info.value)
    return str(info.value)


# URLs


async def test_a_list_is_read_with_its_validators(
    upstream: Upstream, session: aiohttp.ClientSession
) -> None:
    url = upstream.url("/lists/foundations-of-llms-paper-list.md")
    fetched = await fetch_source(url, None, session=session)
    assert fetched == Fetched(
        url,
        FULL_LIST.read_text(encoding="utf-8"),
        Validators(etag(LISTS[FULL_LIST.name]), LAST_MODIFIED),
    )
    assert "If-None-Match" not in upstream.requests[-1][1]


@pytest.mark.parametrize(
    "previous",
    [
        Validators(etag(LISTS["llm-chapter.md"]), LAST_MODIFIED),
        Validators(etag=etag(LISTS["llm-chapter.md"])),
        Validators(last_modified=LAST_MODIFIED),
    ],
)
async def test_not_modified_gives_no_text_and_keeps_the_validators(
    upstream: Upstream, session: aiohttp.ClientSession, previous: Validators
) -> None:
    url = upstream.url("/lists/llm-chapter.md")
    fetched = await fetch_source(url, previous, session=session)
    assert fetched.text is None
    assert fetched.validators == Validators(etag(LISTS["llm-chapter.md"]), LAST_MODIFIED)
    headers = upstream.requests[-1][1]
    assert headers.get("If-None-Match") == previous.etag
    assert headers.get("If-Modified-Since") == previous.last_modified


async def test_stale_validators_get_the_new_text(
    upstream: Upstream, session: aiohttp.ClientSession
) -> None:
    url = upstream.url("/lists/llm-chapter.md")
    fetched = await fetch_source(url, Validators(etag='"old"'), session=session)
    assert fetched.text == CHAPTER_LIST.read_text(encoding="utf-8")
    assert fetched.validators.etag == etag(LISTS["llm-chapter.md"])


async def test_a_redirect_is_followed(upstream: Upstream, session: aiohttp.ClientSession) -> None:
    fetched = await fetch_source(upstream.url("/redirect"), None, session=session)
    assert fetched.source == upstream.url("/redirect")
    assert fetched.text == CHAPTER_LIST.read_text(encoding="utf-8")


async def test_a_bom_is_stripped(upstream: Upstream, session: aiohttp.ClientSession) -> None:
    fetched = await fetch_source(upstream.url("/bom"), None, session=session)
    assert fetched.text == "# Title\n"
    assert fetched.validators == Validators()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/error", ": HTTP 500 Internal Server Error"),
        ("/missing.md", ": HTTP 404 Not Found"),
        ("/lists/nothing.md", ": HTTP 404 Not Found"),
        ("/garbage", ": is a binary file, not a markdown reading list"),
        ("/latin-1", ": not UTF-8 text (byte 5): save it as UTF-8 and load it again"),
        ("/always-304", ": HTTP 304 Not Modified"),  # not modified, but nothing was asked
        ("/loop", ": more than 5 redirects"),
        ("/to-ftp", ": redirected to an invalid or non-HTTP URL"),
    ],
)
async def test_a_bad_answer_is_one_readable_sentence(
    upstream: Upstream, session: aiohttp.ClientSession, path: str, message: str
) -> None:
    text = await failure(upstream.url(path), session)
    assert text == upstream.url(path) + message


async def test_a_slow_server_times_out(upstream: Upstream, session: aiohttp.ClientSession) -> None:
    text = await failure(upstream.url("/slow"), session, timeout=0.3)
    assert text == f"{upstream.url('/slow')}: timed out after 0.3 s"
    await asyncio.wait_for(upstream.abandoned.wait(), 10)  # the request was given up


@pytest.mark.parametrize("path", ["/huge", "/huge-declared"])
async def test_a_huge_body_is_refused_without_reading_it_all(
    upstream: Upstream, session: aiohttp.ClientSession, path: str
) -> None:
    text = await failure(upstream.url(path), session, timeout=3)
    assert text == f"{upstream.url(path)}: larger than 5 MB"
    assert upstream.sent < HUGE


async def test_the_limit_is_inclusive(upstream: Upstream, session: aiohttp.ClientSession) -> None:
    url = upstream.url("/lists/llm-chapter.md")
    size = len(LISTS["llm-chapter.md"])
    assert (await fetch_source(url, None, session=session, max_bytes=size)).text
    assert (await failure(url, session, max_bytes=size - 1)).endswith(": larger than 7.96 KB")


async def test_secrets_stay_out_of_messages(
    upstream: Upstream, session: aiohttp.ClientSession
) -> None:
    port = upstream.base.rsplit(":", 1)[1]
    url = f"http://reader:hunter2@127.0.0.1:{port}/error?token=s3cret#frag"
    text = await failure(url, session)
    assert text == f"http://127.0.0.1:{port}/error: HTTP 500 Internal Server Error"


async def test_a_closed_port_cannot_connect(session: aiohttp.ClientSession) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    text = await failure(f"http://127.0.0.1:{port}/list.md?key=s3cret", session)
    assert text.startswith(f"http://127.0.0.1:{port}/list.md: cannot connect to 127.0.0.1")
    assert "s3cret" not in text


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("ftp://127.0.0.1/list.md", "ftp://127.0.0.1/list.md: unsupported scheme 'ftp'"),
        ("file:///etc/hosts", "file:///etc/hosts: unsupported scheme 'file'"),
        ("http://", "http://: not a valid URL (no host)"),
        ("https://[::1/list.md", "https://[::1/list.md: not a valid URL"),
        ("https://u:pw@/list.md?t=1", "https:///list.md: not a valid URL"),
    ],
)
async def test_what_is_not_an_http_url_fails_before_any_connection(
    session: aiohttp.ClientSession, source: str, message: str
) -> None:
    assert (await failure(source, session)).startswith(message)


# files


async def test_a_real_file_is_read(session: aiohttp.ClientSession) -> None:
    fetched = await fetch_source(str(FULL_LIST), Validators(etag='"x"'), session=session)
    assert fetched == Fetched(str(FULL_LIST), FULL_LIST.read_text(encoding="utf-8"), Validators())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.md", None, "cannot read: No such file or directory"),
        ("folder", "dir", "cannot read: Is a directory"),
        ("list.pdf", b"%PDF-1.7\n\x00\x01\x02binary", "is a binary file"),
        ("latin-1.md", "# Café\n".encode("latin-1"), "not UTF-8 text (byte 5)"),
        ("utf-16.md", "# Title\n".encode("utf-16"), "is UTF-16 text, not UTF-8"),
    ],
)
async def test_a_bad_file_is_one_readable_sentence(
    tmp_path: Path,
    session: aiohttp.ClientSession,
    name: str,
    content: bytes | str | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    text = await failure(str(path), session, max_bytes=100)
    assert text.startswith(f"{path}: {message}"), text


async def test_the_download_limit_does_not_apply_to_a_local_file(
    tmp_path: Path, session: aiohttp.ClientSession
) -> None:
    path = tmp_path / "list.md"
    path.write_bytes(b"\xef\xbb\xbf" + b"x" * 6 * MB)  # over the 5 MB of a download
    fetched = await fetch_source(str(path), None, session=session)
    assert fetched.text == "x" * 6 * MB


# fetch_all


async def test_fetch_all_keeps_the_order(upstream: Upstream, tmp_path: Path) -> None:
    local = tmp_path / "local.md"
    local.write_text("# Local\n", encoding="utf-8")
    sources = [
        upstream.url("/lists/foundations-of-llms-paper-list.md"),
        str(local),
        upstream.url("/redirect"),
        str(CHAPTER_LIST),
    ]
    fetched = await fetch_all(sources, {})
    assert [f.source for f in fetched] == sources
    assert [f.text for f in fetched] == [
        FULL_LIST.read_text(encoding="utf-8"),
        "# Local\n",
        CHAPTER_LIST.read_text(encoding="utf-8"),
        CHAPTER_LIST.read_text(encoding="utf-8"),
    ]


async def test_fetch_all_gives_none_for_what_is_not_modified(upstream: Upstream) -> None:
    full, chapter = (upstream.url(f"/lists/{name}") for name in LISTS)
    async with aiohttp.ClientSession() as session:
        first = await fetch_all([full, chapter], {}, session=session)
        again = await fetch_all([full, chapter], {chapter: first[1].validators}, session=session)
        assert not session.closed  # a session passed in is the caller's to close
    assert again[0] == first[0]
    assert again[1] == Fetched(chapter, None, first[1].validators)


async def test_fetch_all_stored_validators_round_trip(upstream: Upstream) -> None:
    url = upstream.url("/lists/llm-chapter.md")
    (first,) = await fetch_all([url], {})
    stored = {url: Validators.from_json(first.validators.to_json())}
    (again,) = await fetch_all([url], stored)
    assert again.text is None


async def test_fetch_all_fails_on_the_first_failure_without_waiting(upstream: Upstream) -> None:
    sources = [upstream.url("/slow"), upstream.url("/lists/llm-chapter.md"), upstream.url("/error")]
    # The slow answer would come after 30 s and the time-out after 60: only a fetch that was
    # cancelled lets the server see its request given up.
    with pytest.raises(SourceError, match="/error: HTTP 500"):
        await fetch_all(sources, {}, timeout=60)
    await asyncio.wait_for(upstream.abandoned.wait(), 10)


async def test_fetch_all_of_nothing(upstream: Upstream) -> None:
    assert await fetch_all([], {}) == []


# plain functions


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"# Title\n", "# Title\n"),
        (b"\xef\xbb\xbf# Title\n", "# Title\n"),
        ("# 大语言模型\n".encode(), "# 大语言模型\n"),
        (b"", ""),
    ],
)
def test_decode_text(raw: bytes, text: str) -> None:
    assert decode_text(raw, "list.md") == text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"# a\x00b", "list.md: is a binary file, not a markdown reading list"),
        (b"# Caf\xe9", "list.md: not UTF-8 text (byte 5): save it as UTF-8 and load it again"),
        (b"\xff\xfe#\x00", "list.md: is UTF-16 text, not UTF-8: save it as UTF-8"),
    ],
)
def test_decode_text_refuses(raw: bytes, message: str) -> None:
    with pytest.raises(SourceError) as info:
        decode_text(raw, "list.md")
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("/srv/lists/list.md", "/srv/lists/list.md"),
        ("https://example.org/a/list.md", "https://example.org/a/list.md"),
        ("https://u:p@ss@example.org/list.md?token=x#f", "https://example.org/list.md"),
        ("https://example.org?token=x", "https://example.org"),
        ("HTTPS://tok@host:8080/@user/list.md", "HTTPS://host:8080/@user/list.md"),
        ("https://[::1/x?q", "https://[::1/x"),
    ],
)
def test_display_name(source: str, shown: str) -> None:
    assert display_name(source) == shown


@pytest.mark.parametrize(
    "validators",
    [Validators(), Validators('W/"abc"'), Validators('"a"', "Wed, 15 Jan 2025 08:30:00 GMT")],
)
def test_validators_round_trip(validators: Validators) -> None:
    assert Validators.from_json(validators.to_json()) == validators


@pytest.mark.parametrize("stored", ["", "not json", "[1, 2]", '{"etag": 3}', None])
def test_unreadable_validators_mean_none(stored: str | None) -> None:
    assert Validators.from_json(stored) == Validators()
