"""The console as a newcomer walks the README (issue 15): subcommands by their zh-CN names,
/help's examples as typed, the footers, cards and timestamps Discord users see, the CLI's
one-line errors and quiet pipes."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import replies
from bot.catalogue import SectionTable, parse_catalogue
from bot.console import (
    CONSOLE_ASKER,
    ConsoleReader,
    ConsoleServer,
    answer,
    render,
    run_console,
    timestamp,
)
from bot.i18n import t
from bot.library import Library
from bot.models import Catalogue
from tests.conftest import DATA, NOW, ROOT, Clock
from tests.test_cli import cli

RNG = random.Random(0)


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


@pytest.fixture(scope="module")
def bundled(table: SectionTable) -> Library:
    """The list the bot ships, as a newcomer's fresh clone serves it."""
    path = DATA / "reading-list.md"
    text = path.read_text(encoding="utf-8")
    return Library.build(parse_catalogue(text, str(path), table), DATA / "aliases.toml")


def reader_with(library: Library, *paper_ids: str) -> ConsoleReader:
    reader = ConsoleReader(Clock())
    for paper_id in paper_ids:
        paper = library.paper(paper_id)
        assert paper is not None
        reader.toggle(paper, "read")
    return reader


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("english", "chinese"),
    [("/reading export", "/阅读记录 导出"), ("/reading forget", "/阅读记录 删除记录")],
)
def test_reading_subcommands_answer_by_their_chinese_names(
    library: Library, english: str, chinese: str, lang: str
) -> None:
    reader = reader_with(library, "2305.13048")
    typed = answer(library, chinese, RNG, lang=lang, reader=reader)
    assert typed == answer(library, english, RNG, lang=lang, reader=reader)
    assert typed != replies.reading_list_reply(library, reader.all(), 0, 0, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("line", ["/reading bogus", "/阅读记录 乱码", "/reading list extra"])
def test_an_unknown_reading_subcommand_answers_with_the_usage(
    library: Library, line: str, lang: str
) -> None:
    reader = reader_with(library, "2305.13048")
    reply = answer(library, line, RNG, lang=lang, reader=reader)
    assert reply.content == t(lang, "console.reading_usage") and not reply.embeds


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("/random section:encoder-only", "/random encoder-only"),
        ("/随机 章节:encoder-only", "/random encoder-only"),
        ("/paper query:rwkv", "/paper rwkv"),
        ("/progress section:encoder-only", "/progress encoder-only"),
        ("/next 章节:encoder-only", "/next encoder-only"),
        ("/author name:vaswani", "/author vaswani"),
        ("/progress server:False", "/progress"),
        ("/进度 服务器:false", "/progress"),
    ],
)
def test_options_typed_as_in_discords_client(library: Library, typed: str, plain: str) -> None:
    assert answer(library, typed, random.Random(1), lang="en") == answer(
        library, plain, random.Random(1), lang="en"
    )


@pytest.mark.parametrize(
    "line",
    [
        "/weekly set #papers monday 09:00 Asia/Shanghai",
        "/weekly set <#123> monday 09:00 Asia/Shanghai",
        "/每周论文 设置 频道:#papers 星期:周一 时间:09:00 时区:Asia/Shanghai",
        "/weekly set channel:#console day:monday time:09:00 timezone:Asia/Shanghai",
    ],
)
def test_the_help_example_of_weekly_set_works_in_the_console(library: Library, line: str) -> None:
    server = ConsoleServer(Clock())
    reply = answer(library, line, RNG, lang="en", server=server)
    assert reply.content.startswith("The paper of the week will go to <#1>: Mondays at 09:00")
    assert server.state is not None and server.state.tz == "Asia/Shanghai"
    assert server.state.weekday == 0 and server.state.at == "09:00"
    shown = "(The console server has one channel" in reply.content
    assert shown == ("#console" not in line), "the note says #console stands for another name"


def test_weekly_set_takes_its_switches_by_either_name(library: Library) -> None:
    server = ConsoleServer(Clock())
    answer(
        library, "/weekly set monday 09:00 thread:true 阅读榜:true", RNG, lang="en", server=server
    )
    assert server.state is not None and server.state.thread and server.state.board
    assert not server.state.vote
    answer(library, "/weekly set tuesday 10:00 vote:on", RNG, lang="en", server=server)
    assert server.state.vote and server.state.thread and server.state.weekday == 1


def test_help_names_every_command_the_console_answers(library: Library) -> None:
    examples = [f.value.split("`")[1] for f in replies.help_reply("en").embeds[0].fields]
    server = ConsoleServer(Clock())
    for example in (e.split(" · ")[0] for e in examples if e.startswith("/")):
        reply = answer(library, example, RNG, lang="en", server=server)
        assert "Unknown command" not in reply.content, example
        assert "In the console:" not in reply.content, example


@pytest.mark.parametrize(
    ("n", "english"),
    [(1, "Page 1/1 · 1 paper · /reading list"), (2, "Page 1/1 · 2 papers · /reading list")],
)
def test_the_reading_list_has_its_own_footer(library: Library, n: int, english: str) -> None:
    reader = reader_with(library, *["2305.13048", "1706.03762"][:n])
    for lang, text in (("en", english), ("zh", f"第 1/1 页 · 共 {n} 篇 · /阅读记录 列表")):
        reply = answer(library, "/reading list", RNG, lang=lang, reader=reader)
        assert reply.embeds[0].footer.text == text


def test_a_list_of_one_paper_is_offered_in_the_singular_not_shown_as_the_answer(
    bundled: Library,
) -> None:
    for lang in ("en", "zh"):
        reply = replies.paper_reply(bundled, "atention", lang)
        assert reply.papers == ("1706.03762",)
        assert reply.content == t(lang, "search.topic_one", query="“atention”")
        assert reply.menu is not None and [o.value for o in reply.menu.options] == ["1706.03762"]
        assert reply.embeds[0].title != "Attention is all you need"  # a listing, not its card
    several = replies.paper_reply(bundled, "state space models", "en")
    assert len(several.papers) > 1 and several.content.startswith("Several papers fit")


def test_console_cards_have_the_delete_button_discord_cards_have(library: Library) -> None:
    out = io.StringIO()
    run_console(library, ["/paper rwkv", "/random"], as_json=False, interactive=False, out=out,
                lang="en", clock=Clock())  # fmt: skip
    assert out.getvalue().count("[🗑]") == 2
    card = answer(library, "/paper rwkv", RNG, CONSOLE_ASKER, lang="en")
    assert card == replies.paper_reply(library, "rwkv", "en", CONSOLE_ASKER)
    labels = [b.label for row in card.buttons for b in row]
    assert "🗑" in labels


def test_pressing_the_delete_button_in_the_console_says_what_it_does(bundled: Library) -> None:
    typed = iter(["/paper rwkv", "🗑", "exit"])
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("builtins.input", lambda prompt="": next(typed))
        run_console(bundled, None, as_json=False, interactive=False, out=out, lang="en",
                    clock=Clock())  # fmt: skip
    assert t("en", "console.deleted") in out.getvalue()


def test_code_blocks_are_shown_as_typed(bundled: Library) -> None:
    reply = answer(bundled, "/find arXiv:2106.09685", RNG, lang="en")
    block = reply.content[reply.content.index("```") :]
    assert "**" in block and "](" in block, "the proposed entry keeps its markdown"
    text = render(reply, 100, lang="en")
    assert block in text
    assert "``1." not in text and "[PDF <" not in text
    outside = render(replies.notice("**bold** [a](https://x.org) `**kept**`"), 100, lang="en")
    assert outside.splitlines()[1] == "bold a <https://x.org> `**kept**`"


MONDAY = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("style", "lang", "now", "text"),
    [
        ("F", "en", None, "Monday, 7 December 2026 01:00 UTC"),
        ("F", "zh", None, "2026年12月7日周一 01:00 UTC"),
        ("f", "en", None, "7 December 2026 01:00 UTC"),
        ("D", "en", None, "7 December 2026"),
        ("t", "en", None, "01:00 UTC"),
        ("R", "en", MONDAY - timedelta(days=5), "in 5 days"),
        ("R", "zh", MONDAY - timedelta(days=5), "5 天后"),
        ("R", "en", MONDAY + timedelta(hours=3), "3 hours ago"),
        ("R", "zh", MONDAY + timedelta(hours=3), "3 小时前"),
        ("R", "en", MONDAY - timedelta(days=1), "in a day"),
        ("R", "en", MONDAY + timedelta(seconds=10), "a few seconds ago"),
        ("R", "en", MONDAY - timedelta(days=400), "in a year"),
        ("R", "en", None, "Monday, 7 December 2026 01:00 UTC"),
    ],
)
def test_timestamps_read_as_discord_writes_them(
    style: str, lang: str, now: datetime | None, text: str
) -> None:
    assert timestamp(int(MONDAY.timestamp()), style, lang, now) == text


def test_weekly_show_tells_when_relative_to_the_consoles_clock(library: Library) -> None:
    out = io.StringIO()
    lines = ["/weekly set monday 09:00 Asia/Shanghai", "/weekly show"]
    run_console(library, lines, as_json=False, interactive=False, out=out, lang="en",
                clock=Clock(NOW))  # fmt: skip
    # NOW is Monday 23 November 12:00 UTC; 09:00 in Shanghai is 01:00 UTC.
    assert "Next post: Monday, 30 November 2026 01:00 UTC (in 7 days)." in out.getvalue()


def test_an_unknown_locale_stops_with_one_line() -> None:
    out = cli("ask", "--locale", "klingon", "/paper rwkv")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "readinglist-bot ask: unknown locale 'klingon': use a Discord locale such as en-US or zh-CN"
    ]


def test_a_closed_pipe_ends_the_output_quietly(tmp_path: Path) -> None:
    # The reader closes the pipe after the first line, as `head -1` does.
    command = [sys.executable, "-m", "bot", "ask", "--db", str(tmp_path / "x.db")]
    command += ["/help"] * 200
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()
        error = process.stderr.read().decode()
        assert process.wait(timeout=60) == 141
    assert "Traceback" not in error and "BrokenPipe" not in error
