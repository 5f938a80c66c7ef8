"""The console as a preview of every command (issue 15): localised names, autocomplete,
buttons and menus pressed by number or label, bare words, the prompt's completion."""

from __future__ import annotations

import asyncio
import io
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import replies
from bot.__main__ import _console_library, _preview_reload
from bot.catalogue import CatalogueError
from bot.catalogue.diff import CatalogueDiff
from bot.config import Settings
from bot.console import (
    ConsoleReader,
    ConsoleServer,
    answer,
    complete_command,
    locale_of,
    press,
    pressables,
    reload_preview,
    render,
    run_console,
)
from bot.i18n import t
from bot.library import Library
from bot.models import Catalogue
from bot.replies import Reply
from bot.store import Store
from tests.conftest import DATA, Clock
from tests.test_cli import cli


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


def test_localised_command_names_answer_as_the_english_ones(library: Library) -> None:
    rng = random.Random(0)
    assert answer(library, "/论文 rwkv", rng, lang="zh") == answer(
        library, "/paper rwkv", rng, lang="zh"
    )
    assert (
        answer(library, "/作者 vaswani", rng, lang="en").embeds[0].title
        == "Papers by Ashish Vaswani"
    )


def test_complete_previews_the_autocomplete_the_cogs_offer(library: Library) -> None:
    reply = answer(library, "/complete paper mamb", random.Random(0), lang="en")
    first = replies.paper_choices(library, "mamb")[0]
    assert reply.content.splitlines()[1] == f"1. {first.label}  ({first.value})"
    assert "Mamba" in first.label
    sections = answer(library, "/complete section low", random.Random(0), lang="en").content
    assert "(low-rank-adaptation)" in sections
    assert (
        "/complete paper mamb"
        in answer(library, "/complete weekly x", random.Random(0), lang="en").content
    )


def test_buttons_are_pressed_by_label_or_number_as_discord_would(library: Library) -> None:
    first = answer(library, "/section low-rank-adaptation", random.Random(0), lang="en")
    second = press(library, first, "next", lang="en")
    assert second is not None and second.papers != first.papers
    assert second == replies.section_reply(library, "low-rank-adaptation", 1, lang="en")
    back = press(library, second, "1", lang="en")  # ◀ previous
    assert back is not None and back.papers == first.papers
    opened = press(library, first, "4", lang="en")  # the menu's second paper, after two buttons
    assert opened is not None and opened.papers == (first.papers[1],)
    assert (
        press(library, first, "99", lang="en") is None
        and press(library, first, "banana", lang="en") is None
    )
    card = answer(library, "/paper lora", random.Random(0), lang="en")
    cite = press(library, card, "cite", lang="en")
    assert cite is not None and cite.ephemeral and "@" in cite.embeds[0].description


def test_the_console_presses_on_and_bare_words_do_what_they_say(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["/section low-rank-adaptation", "next", "help", "clear", "exit", "/about"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    out = io.StringIO()
    answered = run_console(library, None, as_json=False, interactive=False, out=out, lang="en")
    assert answered == 3  # the section, its next page, /help; exit stopped before /about
    text = out.getvalue()
    assert "Page 2/" in text and "/paper" in text and "Reading list" not in text


def test_tab_completes_command_names() -> None:
    assert complete_command("/pa", 0) == "/paper "
    assert complete_command("/pa", 1) is None
    assert complete_command("se", 0) == "/search " and complete_command("se", 1) == "/section "
    assert complete_command("/论", 0) == "/论文 "


def test_locales_are_checked() -> None:
    assert locale_of("zh-cn") == "zh-CN" and locale_of("en-US") == "en-US"
    with pytest.raises(ValueError, match="unknown locale 'klingon'"):
        locale_of("klingon")


def test_ask_rejects_an_unknown_locale_in_one_line(tmp_path: Path) -> None:
    out = cli("ask", "--locale", "klingon", "/about", "--db", str(tmp_path / "x.db"))
    assert out.returncode == 2 and out.stdout == ""
    assert "unknown locale 'klingon': use a Discord locale such as en-US or zh-CN" in out.stderr


def test_every_help_example_answers_on_the_bundled_list(tmp_path: Path) -> None:
    from bot.catalogue import SectionTable, parse_catalogue

    bundled = DATA / "reading-list.md"
    table = SectionTable.from_toml(DATA / "sections.toml")
    catalogue = parse_catalogue(bundled.read_text(encoding="utf-8"), str(bundled), table)
    library = Library.build(catalogue, DATA / "aliases.toml")
    examples = [
        e.strip()
        for _, _, line in replies.HELP
        for e in line.split(" · ")
        # /weekly and /reload answer from the console's server and the configured list:
        # their previews are tested below.
        if e.startswith("/") and not e.startswith(("/weekly", "/reload"))
    ]
    assert len(examples) >= 10
    for example in examples:
        reply = answer(library, example, random.Random(0), lang="en")
        if example.startswith("/reading"):  # a reader who marked nothing yet is told how to
            assert "Mark read" in reply.content, example
            continue
        assert reply.embeds, example  # a card or a listing, never "no match"
        assert "No paper" not in reply.content and "No section" not in reply.content, example


def test_the_console_previews_reading_progress(library: Library) -> None:
    reader = ConsoleReader(Clock())
    rng = random.Random(0)
    card = answer(library, "/paper rwkv", rng, lang="en", reader=reader)
    marked = press(library, card, "mark read", lang="en", reader=reader)
    assert marked is not None and marked.ephemeral and "RWKV" in marked.content
    assert [m.paper_id for m in reader.all()] == ["2305.13048"]
    progress = answer(library, "/progress", rng, lang="en", reader=reader)
    assert progress.embeds and "1 of 217" in str(progress.embeds[0].to_dict())
    listed = answer(library, "/reading list", rng, lang="en", reader=reader)
    assert "RWKV" in str(listed.embeds[0].to_dict())
    exported = answer(library, "/reading export", rng, lang="en", reader=reader)
    assert {f.filename for f in exported.files} == {"reading-list.md", "reading-list.bib"}
    again = press(library, card, "mark read", lang="en", reader=reader)  # undone, as on Discord
    assert again is not None and not reader.all()[0].read_at
    nxt = answer(library, "/next", rng, lang="en", reader=reader)
    assert nxt.embeds  # the first paper in the curator's order, none read


def test_the_console_previews_the_weekly_paper(library: Library) -> None:
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    server = ConsoleServer(Clock(tuesday))
    rng = random.Random(0)

    def weekly(line: str, lang: str = "en") -> Reply:
        return answer(library, line, rng, lang=lang, server=server)

    bad = weekly("/weekly set someday 9:00")
    assert bad.ephemeral and "not a day of the week" in bad.content
    done = weekly("/weekly set monday 09:00 Europe/Berlin")
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Berlin: next week, not yesterday
    assert f"<t:{int(monday.timestamp())}:F>" in done.content
    assert "#console: Mondays at 09:00" in render(done, 100, lang="en")
    shown = weekly("/weekly show")
    assert "Mondays at 09:00 (Europe/Berlin)" in shown.content
    first, second = weekly("/weekly now"), weekly("/weekly now")
    assert first.embeds and (first.embeds[0].author.name or "").startswith("Paper of the week")
    assert first.papers != second.papers  # the rotation: no repeats
    assert "已关闭" in weekly("/每周论文 关闭", "zh").content
    assert "/weekly set" in weekly("/weekly now").content  # off: choose a channel first


def test_weekly_in_the_console_without_arguments_says_how(library: Library) -> None:
    reply = answer(library, "/weekly", random.Random(0), lang="en")
    assert "/weekly set monday 09:00" in reply.content


def _settings_for(tmp_path: Path, source: Path) -> Settings:
    return Settings.from_mapping(
        {"READINGLIST_CATALOGUE": str(source), "READINGLIST_DB": str(tmp_path / "x.db")},
        data_dir=DATA,
    )


def test_reload_previews_the_report_a_manager_gets_and_stores_nothing(tmp_path: Path) -> None:
    source = tmp_path / "list.md"
    text = (DATA / "reading-list.md").read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    settings = _settings_for(tmp_path, source)
    assert cli("load", "--db", str(settings.db_path), "--catalogue", str(source)).returncode == 0
    library = asyncio.run(_console_library(settings))
    edits = iter(
        [
            text,  # unchanged
            text.replace("**RWKV:", "**RWKV-7:"),  # one title edited
            text.split("\n## ", 1)[0] + "\n## Empty\n",  # every paper gone
        ]
    )

    def reloader(shown: Library, force: bool) -> tuple[CatalogueDiff | None, Library]:
        if not force:
            source.write_text(next(edits), encoding="utf-8")
        return _preview_reload(settings, shown, force)

    out = io.StringIO()
    lines = ["/reload", "/reload", "/paper rwkv-7", "/reload", "/reload force:True", "/about"]
    run_console(
        library, lines, as_json=True, interactive=False, out=out, lang="en", reloader=reloader
    )
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    unchanged, edited, card, kept, forced, about = answers
    preview = "(console preview: nothing was stored; `readinglist-bot load` stores the list)"
    assert unchanged["content"] == f"The reading list has not changed.\n{preview}"
    assert edited["content"].splitlines() == [
        "Reloaded the reading list.",
        "* 1 paper changed: RWKV-7: Reinventing RNNs for the Transformer Era",
        "The rest of this console session shows the list just read.",
        preview,
    ]
    assert card["embeds"][0]["title"] == "RWKV-7: Reinventing RNNs for the Transformer Era"
    assert kept["content"].startswith(
        "Kept the current reading list: the new list would remove 20 of 20 papers"
    )
    assert forced["content"].startswith("Reloaded the reading list.\n- 20 papers removed:")
    assert about["embeds"][0]["fields"][1]["value"] == "0"  # the session shows the forced list
    assert all(a["flags"] == 64 for a in answers[:2] + answers[3:5])  # only the manager sees it

    async def stored() -> Catalogue | None:
        async with await Store.open(settings.db_path) as store:
            return await store.load_catalogue()

    catalogue = asyncio.run(stored())
    assert catalogue is not None and len(catalogue.papers) == 20
    assert "RWKV: Reinventing RNNs for the Transformer Era" in {p.title for p in catalogue.papers}


def test_reload_in_chinese_takes_the_localised_names_and_options(library: Library) -> None:
    seen: list[bool] = []

    def reloader(shown: Library, force: bool) -> tuple[CatalogueDiff | None, Library]:
        seen.append(force)
        if force:
            raise CatalogueError("catalogue.empty", sources="list.md")
        return None, shown

    rng = random.Random(0)
    replies_ = [
        answer(
            library,
            line,
            rng,
            lang="zh",
            reload=lambda f: reload_preview(library, reloader, force=f, lang="zh")[0],
        )
        for line in ("/重新加载", "/重新加载 强制:True", "/reload force")
    ]
    assert seen == [False, True, True]
    assert replies_[0].content.splitlines()[0] == t("zh", "reload.unchanged")
    assert replies_[1].content.startswith("保留当前阅读列表：")
    assert all(r.content.endswith(t("zh", "console.reload_preview")) for r in replies_)
    assert "/reload" in answer(library, "/reload", rng, lang="en").content  # no reloader: says how


def test_the_console_previews_the_server_board(library: Library) -> None:
    reader = ConsoleReader(Clock())
    server = ConsoleServer(reader.clock)
    rng = random.Random(0)

    def say(line: str, lang: str = "en") -> Reply:
        return answer(library, line, rng, lang=lang, reader=reader, server=server)

    assert say("/progress server").content.startswith("The reading board is off")
    assert "(/progress server:True): on." in say("/weekly set monday 09:00 UTC board:true").content
    post = say("/weekly now")
    assert "No paper of the week" not in str(say("/progress server").embeds[0].to_dict())
    press(library, post, "mark read", lang="en", reader=reader)
    counted = str(say("/progress server:true").embeds[0].to_dict())
    assert "read by 1 member" in counted and "<@0>" not in counted  # no name: not shared
    assert say("/reading share on").content.startswith("Your name is now shown")
    assert "<@0>" in str(say("/progress server").embeds[0].to_dict())
    assert "1 位成员读过" in str(say("/进度 服务器", "zh").embeds[0].to_dict())
    assert "/reading share on" in say("/reading share maybe").content
    assert "(/progress server:True): on." in say("/weekly set monday 10:00 UTC").content  # kept
    assert "(/progress server:True): off." in say("/weekly set monday 10:00 UTC board:off").content


def test_the_console_shows_the_list_as_it_is_and_stores_nothing(tmp_path: Path) -> None:
    source = tmp_path / "list.md"
    text = (DATA / "reading-list.md").read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    data = ["--db", str(tmp_path / "x.db"), "--catalogue", str(source)]
    assert "database" in cli("load", *data).stdout
    source.write_text(text.replace("**RWKV:", "**RWKV-7:"), encoding="utf-8")
    shown = cli("ask", "--json", *data, "/paper 2305.13048")
    assert json.loads(shown.stdout)["embeds"][0]["title"].startswith("RWKV-7:")
    assert cli("load", *data).stdout.rstrip().endswith(": updated")  # ask stored nothing
    fresh = ["--db", str(tmp_path / "fresh.db"), "--catalogue", str(source)]
    assert cli("ask", *fresh, "/about").returncode == 0
    assert cli("load", *fresh).stdout.rstrip().endswith(": updated")  # nor on a new database


def test_the_boards_pages_turn_and_forget_hides_the_name_in_the_console(
    library: Library,
) -> None:
    reader = ConsoleReader(Clock())
    server = ConsoleServer(reader.clock)
    rng = random.Random(0)

    def say(line: str) -> Reply:
        return answer(library, line, rng, lang="en", reader=reader, server=server)

    say("/weekly set monday 09:00 UTC board:true")
    for _ in range(12):
        say("/weekly now")
    say("/reading share on")
    first = say("/progress server")
    assert first.embeds[0].footer.text is not None and "1/2" in first.embeds[0].footer.text
    second = press(library, first, "next", lang="en", reader=reader, server=server)
    assert second is not None and second.papers != first.papers
    assert second.papers == tuple(paper_id for paper_id, _ in server.posted[10:])
    press(library, say("/paper rwkv"), "mark read", lang="en", reader=reader, server=server)
    confirm = say("/reading forget")
    assert pressables(confirm), confirm.content
    forgot = press(library, confirm, "1", lang="en", reader=reader, server=server)
    assert forgot is not None and reader.marks == {} and server.sharing is False
