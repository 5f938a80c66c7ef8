"""Live catalogue updates: /reload and the CLI against lists served over local HTTP."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import Settings
from bot.loader import open_library
from bot.store import Store
from tests.benchmarks.generate import generate_list
from tests.conftest import CHAPTER_LIST, FULL_LIST, NOW, ROOT, Clock
from tests.e2e.conftest import TestBot
from tests.fake_discord import FakeDiscord, running

MANAGER = str(1 << 5)


@dataclass
class Upstream:
    """A local web server standing in for the list's upstream repository."""

    body: bytes = b""
    status: int = 200
    delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.headers))
        await asyncio.sleep(self.delay)
        etag = f'"{hash(self.body)}"'
        if self.status == 200 and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.body, status=self.status, headers={"ETag": etag})


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    server = Upstream(body=CHAPTER_LIST.read_bytes())
    app = web.Application()
    app.router.add_get("/list.md", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/list.md"
    yield server
    await runner.cleanup()


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path, upstream: Upstream) -> AsyncIterator[TestBot]:
    settings = Settings.from_mapping(
        {
            "READINGLIST_CATALOGUE": upstream.url,
            "READINGLIST_DB": str(tmp_path / "db"),
            "READINGLIST_METADATA": "off",
        }
    )
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=NOW)
        client = TestBot(
            store=store,
            library=library,
            settings=settings,
            clock=Clock(),
            guild_ready_timeout=0.05,
        )
        async with running(client) as bot:
            yield bot


async def reload(fake: FakeDiscord, timeout: float = 5.0, **options: object) -> str:
    answer = await (await fake.slash("reload", dict(options), permissions=MANAGER)).wait(
        timeout, edited=True
    )
    assert answer.message is not None and answer.message.ephemeral
    return answer.message.content


async def test_reload_reports_what_changed_and_search_switches_over(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream
) -> None:
    before = await (await fake.slash("paper", {"query": "qlora"})).wait()
    assert before.message is not None and before.message.ephemeral  # not in the chapter list
    upstream.body = FULL_LIST.read_bytes()
    text = await reload(fake)
    assert text.startswith("Reloaded the reading list.")
    assert "papers added" in text
    after = await (await fake.slash("paper", {"query": "qlora"})).wait()
    assert after.message is not None and after.message.embeds[0]["title"].startswith("QLoRA")


async def test_an_unchanged_list_costs_a_304(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream
) -> None:
    assert await reload(fake) == "The reading list has not changed."
    assert upstream.requests[-1].get("If-None-Match")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": 500}, "HTTP 500"),
        ({"body": b"\x00\x01garbage"}, "binary"),
        ({"body": b"just some text, no headings, no entries\n"}, "no sections or entries"),
        ({"body": b"# C\n## S\n1. **Only one.** `x`\n   *A B.*\n"}, "would remove"),
    ],
)
async def test_a_bad_list_keeps_the_current_one(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream, change: dict, reason: str
) -> None:
    for key, value in change.items():
        setattr(upstream, key, value)
    text = await reload(fake)
    assert text.startswith("Kept the current reading list:") and reason in text
    card = await (await fake.slash("paper", {"query": "rwkv"})).wait()
    assert card.message is not None and card.message.embeds[0]["title"].startswith("RWKV")
    assert len(bot.library.catalogue.papers) == 20


async def test_force_takes_a_list_that_drops_most_papers(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream
) -> None:
    upstream.body = b"# C\n## S\n1. **Only one.** `x`\n   *A B.*\n"
    text = await reload(fake, force=True)
    assert "removed" in text and len(bot.library.catalogue.papers) == 1


async def test_a_server_that_times_out_keeps_the_current_list(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.loader as loader

    original = loader.fetch_all

    async def quick(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        return await original(*args, timeout=0.2, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "fetch_all", quick)
    upstream.delay = 1.0
    upstream.body = FULL_LIST.read_bytes()
    text = await reload(fake)
    assert "timed out" in text and len(bot.library.catalogue.papers) == 20


async def test_only_managers_reload(fake: FakeDiscord, bot: TestBot) -> None:
    fake.opened_to_everyone.add("reload")
    answer = await (await fake.slash("reload")).wait()
    assert answer.message is not None and "Manage Server" in answer.message.content


async def load_cli(*args: str) -> tuple[int, str, str]:
    """`readinglist-bot load ...` as a process (the upstream server runs in this one)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "load",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_load_command_reads_a_url(upstream: Upstream, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    status, stdout, stderr = await load_cli("--catalogue", upstream.url, "--db", db, "--json")
    assert status == 0, stderr
    assert '"papers": 20' in stdout
    upstream.status = 500
    status, _, stderr = await load_cli("--catalogue", upstream.url, "--db", db)
    assert status == 1
    assert stderr.strip().endswith("/list.md: HTTP 500 Internal Server Error")


@pytest.fixture(scope="module")
def large_list() -> bytes:
    return generate_list(5_000).encode("utf-8")


async def test_commands_are_answered_while_a_large_list_reloads(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream, large_list: bytes
) -> None:
    upstream.body = large_list
    reloading = asyncio.create_task(reload(fake, timeout=60, force=True))
    during = 0
    while not reloading.done():
        card = await (await fake.slash("paper", {"query": "rwkv"})).wait()
        assert card.message is not None
        during += not reloading.done()
        await asyncio.sleep(0.1)
    assert "papers added" in await reloading
    # Parsing and indexing 5,000 papers take seconds; on the event loop they would let
    # almost no command through until they were done.
    assert during >= 5, during
    assert len(bot.library.catalogue.papers) > 4_000


async def test_shutdown_during_a_reload_answers_the_manager_then_closes(
    fake: FakeDiscord,
    bot: TestBot,
    upstream: Upstream,
    large_list: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    upstream.body = large_list
    pending = await fake.slash("reload", {"force": True}, permissions=MANAGER)
    await fake.wait_until(lambda: pending.callback is not None)  # deferred: reloading now
    await bot.close()  # SIGTERM: the signal handler closes the bot
    answer = await pending.wait(60, edited=True)
    assert answer.message is not None
    assert answer.message.edits[-1]["content"].startswith("Reloaded the reading list.")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    async with await Store.open(bot.store.path) as store:
        assert len((await store.load_catalogue() or bot.library.catalogue).papers) > 4_000
        assert await store.integrity_check() == "ok"


def changed_everywhere(extra: int) -> bytes:
    """The chapter list with every heading renamed (every paper moves), every venue revised
    (every paper changes) and `extra` papers with long titles added."""
    text = CHAPTER_LIST.read_text(encoding="utf-8").replace("/>", "/>Renamed ")
    text = re.sub(r"`[^`\n]*`", "`Revised venue`", text)
    entries = [
        f"{n}. **A deliberately long made-up title, number {n}, about a study of things.**"
        f" `arXiv`\n   *Ann Author, Bo Writer.* [[PDF](https://arxiv.org/abs/2399.{n:05d})], 2023."
        for n in range(1, extra + 1)
    ]
    return (text + "\n## Extra papers\n" + "\n".join(entries) + "\n").encode()


async def test_a_long_reload_report_is_summarised_to_fit_and_logged_whole(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream, caplog: pytest.LogCaptureFixture
) -> None:
    upstream.body = changed_everywhere(60)
    caplog.set_level(logging.INFO, logger="bot")
    text = await reload(fake)  # the fake refuses content over 2,000 characters
    assert text.startswith("Reloaded the reading list.")
    assert "+ 60 papers added: A deliberately long" in text
    assert "~ 20 papers moved: " in text and "* 20 papers changed: " in text
    assert text.endswith("the bot's log has them all.")
    assert [i.describe() for i in fake.interactions if i.followups] == []  # no "Sorry"
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "bot.cogs.admin")
    assert "number 60, about" in logged and "number 1, about" in logged


async def test_a_long_reload_report_fits_in_chinese_too(
    fake: FakeDiscord, bot: TestBot, upstream: Upstream
) -> None:
    upstream.body = changed_everywhere(60)
    answer = await (await fake.slash("reload", permissions=MANAGER, locale="zh-CN")).wait(
        edited=True
    )
    assert answer.message is not None
    text = answer.message.content
    assert text.startswith("已重新加载阅读列表。") and "新增 60 篇论文" in text
    assert text.endswith("完整列表见机器人的日志。")


@pytest.fixture
async def secret_bot(
    fake: FakeDiscord, tmp_path: Path, upstream: Upstream, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[TestBot]:
    """The bot reading its list from a URL with a password and an access token in it."""
    url = upstream.url.replace("http://", "http://reader:pa55word@") + "?token=s3cret#part"
    settings = Settings.from_mapping(
        {
            "READINGLIST_CATALOGUE": url,
            "READINGLIST_DB": str(tmp_path / "db"),
            "READINGLIST_METADATA": "off",
        }
    )
    caplog.set_level(logging.DEBUG)
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=NOW)
        client = TestBot(
            store=store, library=library, settings=settings, clock=Clock(), guild_ready_timeout=0.05
        )
        async with running(client) as bot:
            yield bot


SECRETS = ("s3cret", "pa55word", "reader", "#part")


async def test_about_names_the_list_without_its_secrets(
    fake: FakeDiscord, secret_bot: TestBot, upstream: Upstream
) -> None:
    about = await (await fake.slash("about")).wait()
    assert about.message is not None
    fields = {f["name"]: f["value"] for f in about.message.embeds[0]["fields"]}
    assert fields["Loaded from"] == "list.md"


async def test_a_refused_reload_names_the_list_without_its_secrets(
    fake: FakeDiscord, secret_bot: TestBot, upstream: Upstream, caplog: pytest.LogCaptureFixture
) -> None:
    upstream.body = b"just some text, no headings, no entries\n"
    text = await reload(fake)
    assert text.startswith("Kept the current reading list: no sections or entries found in")
    assert "list.md" in text
    assert [s for s in SECRETS if s in text] == []
    admin = [r.getMessage() for r in caplog.records if r.name == "bot.cogs.admin"]
    assert admin and [s for s in SECRETS if any(s in line for line in admin)] == []
