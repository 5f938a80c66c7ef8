"""The server board's parts: the pure count (bot.reading.board), its reply (pages, names,
limits, both languages), and its storage (members only, migration 7's backfill, forget)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import replies
from bot.library import Library
from bot.models import Catalogue, Paper
from bot.reading import board
from bot.store import MIGRATIONS, Store
from bot.weekly.plan import Step
from bot.weekly.rotation import Rotation
from tests.conftest import DATA
from tests.fake_discord import limits

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


def test_each_paper_once_newest_first_each_reader_once_names_of_sharers_only(
    library: Library,
) -> None:
    a, b, c = (p.id for p in library.catalogue.papers[:3])
    posts = [(c, "C then"), (a, "A then"), ("gone", "A paper that left"), (a, "A before")]
    reads = [(a, 1, True), (a, 2, False), (a, 1, True), (c, 3, False), ("gone", 2, True)]
    lines = board(library.catalogue, posts, reads)
    assert [line.paper_id for line in lines] == [c, a, "gone"]  # a's older post not again
    assert [line.readers for line in lines] == [1, 2, 1]
    assert [line.named for line in lines] == [(), (1,), (2,)]
    assert lines[0].title == library.paper(c).title  # type: ignore[union-attr]
    assert lines[2].title == "A paper that left" and not lines[2].listed
    assert b not in {line.paper_id for line in lines}  # never posted: not on the board


def test_the_reply_pages_caps_names_and_fits_discords_limits(library: Library) -> None:
    papers = library.catalogue.papers[:25]
    posts = [(p.id, p.title) for p in papers]
    reads = [(p.id, user, True) for p in papers for user in range(10**17, 10**17 + 40)]
    first = replies.board_reply(library, True, posts, reads, 0, 7, "en")
    embed = first.embeds[0].to_dict()
    assert embed["footer"]["text"].startswith("Page 1/3 · 25 posted")  # type: ignore[typeddict-item]
    assert "read by 40 members" in embed["description"]  # type: ignore[typeddict-item]
    assert "and 30 more" in embed["description"]  # type: ignore[typeddict-item]
    assert limits.message_errors(first.payload()) == []
    assert [b.custom_id for b in first.buttons[0]] == ["rl:board:-1:7", "rl:board:1:7"]
    assert first.buttons[0][0].disabled and first.ephemeral
    last = replies.board_reply(library, True, posts, reads, 2, 7, "zh")
    assert len(last.papers) == 5 and last.buttons[0][1].disabled
    assert "40 位成员读过" in last.embeds[0].description  # type: ignore[operator]
    assert replies.board_page("rl:board:2:7", 7, "en") == 2
    assert isinstance(replies.board_page("rl:board:2:8", 7, "en"), str)  # not theirs


def test_off_empty_and_one_page_replies(library: Library) -> None:
    assert replies.board_reply(library, False, [], [], 0, 1, "en").content.startswith(
        "The reading board is off in this server."
    )
    empty = replies.board_reply(library, True, [], [], 0, 1, "zh")
    assert empty.content == "本服务器还没有发布过每周论文。" and empty.ephemeral
    paper = library.catalogue.papers[0]
    one = replies.board_reply(library, True, [(paper.id, paper.title)], [], 0, 1, "en")
    assert one.buttons == () and "not read by a member yet" in str(one.embeds[0].description)


async def test_reads_count_for_the_servers_a_reader_used_them_in_and_forget_clears(
    tmp_path: Path, library: Library
) -> None:
    paper = library.catalogue.papers[0]
    async with await Store.open(tmp_path / "db") as store:
        await store.replace_catalogue(library.catalogue, now=NOW)
        await store.set_weekly(10, 1, 0, "09:00", "UTC", now=NOW)
        step = Step("2026-W49", paper.id, "n")
        for _ in range(2):  # a resend that Discord answered with the same message: once
            await store.update_weekly(10, lambda s: (s, None), now=NOW, post=(step, 555))
        assert await store.weekly_posts(10) == [(paper.id, paper.title)]
        await store.toggle_reading(1, paper, "read", now=NOW, guild_id=10)
        await store.toggle_reading(2, paper, "read", now=NOW, guild_id=20)  # another server
        await store.toggle_reading(3, paper, "saved", now=NOW, guild_id=10)  # saved, not read
        await store.toggle_reading(4, paper, "read", now=NOW)  # in a DM
        await store.set_sharing(1, 10, True)
        assert await store.board_reads(10) == [(paper.id, 1, True)]
        assert await store.reader_servers(1) == {10: True}
        assert await store.forget_reader(1) == 1
        assert await store.reader_servers(1) == {} and await store.board_reads(10) == []


async def test_migration_7_fills_the_posts_of_the_current_cycle(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db"
    posted = [p.id for p in library.catalogue.papers[:3]]
    monkeypatch.setattr("bot.store.MIGRATIONS", MIGRATIONS[:6])

    async def no_image_table(*_: object) -> None:  # migration 8's
        return None

    monkeypatch.setattr("bot.store._set_image", no_image_table)
    async with await Store.open(db) as store:
        await store.replace_catalogue(library.catalogue, now=NOW)
        await store.set_weekly(10, 1, 0, "09:00", "UTC", now=NOW)
        await store.set_weekly(11, 1, 0, "09:00", "UTC", now=NOW)  # never posted
    with sqlite3.connect(db) as raw:
        rotation = Rotation(("x",), tuple(posted)).to_json()
        raw.execute("UPDATE weekly SET rotation = ? WHERE guild_id = 10", (rotation,))
        raw.execute("UPDATE weekly SET rotation = 'not json' WHERE guild_id = 11")
    monkeypatch.setattr("bot.store.MIGRATIONS", MIGRATIONS)
    async with await Store.open(db) as store:
        assert await store.schema_version() == len(MIGRATIONS)
        titles = {p.id: p.title for p in library.catalogue.papers}
        assert await store.weekly_posts(10) == [(i, titles[i]) for i in reversed(posted)]
        assert await store.weekly_posts(11) == []
        state = await store.weekly_state(10)
        assert state is not None and not state.board and state.thread_attempts == 0
    assert json.loads(rotation)["posted"] == posted


def test_a_long_title_is_cut_in_the_board(library: Library) -> None:
    paper = Paper(id="long", title="T" * 5000)
    lines = replies.board_reply(library, True, [(paper.id, paper.title)], [], 0, 1, "en")
    assert len(str(lines.embeds[0].description)) < 300
