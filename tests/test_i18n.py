"""English and Simplified Chinese: one message catalogue, complete in both languages."""

from __future__ import annotations

import random
import re
import string

import discord
import pytest
from discord import app_commands

from bot import replies
from bot.catalogue import CatalogueError
from bot.console import answer
from bot.i18n import MESSAGES, Message, lang_of, t
from bot.library import Library
from bot.models import Catalogue
from bot.sources import SourceError
from bot.translator import ZH, Translator
from bot.weekly import Schedule, ScheduleError, parse_time, parse_timezone
from tests.conftest import DATA
from tests.fake_discord import limits


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    english, chinese = MESSAGES[key]
    assert english.strip() and chinese.strip(), key
    assert placeholders(english) == placeholders(chinese), key
    assert re.search(r"[\u4e00-\u9fff]", chinese) or english == chinese, key


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("zh-CN", "zh"),
        ("zh-TW", "zh"),
        (discord.Locale.chinese, "zh"),
        ("en-US", "en"),
        ("fr", "en"),
        (None, "en"),
    ],
)
def test_locale_to_language(locale: object, lang: str) -> None:
    assert lang_of(locale) == lang


def test_a_chinese_reader_gets_chinese_cards_and_listings(library: Library) -> None:
    card = replies.paper_reply(library, "rwkv", "zh").embeds[0].to_dict()
    assert card["footer"]["text"] == "非 Transformer 架构 第 3/5 篇"
    lstm = replies.paper_reply(library, "long short-term memory", "zh").embeds[0].to_dict()
    assert lstm["fields"][0]["name"] == "更多链接"
    assert lstm["footer"]["text"].endswith("另见：上下文学习")
    page = replies.section_reply(library, "non-transformer", lang="zh").embeds[0]
    assert page.title == "非 Transformer 架构 · Non-Transformer architectures"
    assert page.footer.text == "第 1/1 页 · 5 篇论文 · /章节 non-transformer"
    english = replies.section_reply(library, "non-transformer", lang="en").embeds[0]
    assert english.title == "Non-Transformer architectures · 非 Transformer 架构"
    assert "没有与" in replies.paper_reply(library, "xyzzy plugh", "zh").content
    assert replies.help_reply("zh").embeds[0].description == t("zh", "help.intro")


def test_every_reply_in_chinese_is_valid(library: Library) -> None:
    rng = random.Random(0)
    for line in (
        "/paper dora",
        "/section decoder-only",
        "/author gu albert",
        "/cite t5",
        "/random",
        "/about",
        "/help",
        "/find https://arxiv.org/abs/2501.00001",
        "/nope",
    ):
        reply = answer(library, line, rng, lang="zh")
        assert limits.message_errors(reply.payload()) == [], line
        text = str(reply.payload())
        assert re.search(r"[\u4e00-\u9fff]", text), line


async def test_translator_names_follow_discords_rules() -> None:
    translator = Translator()
    for english, chinese in ZH.items():
        got = await translator.translate(
            app_commands.locale_str(english), discord.Locale.chinese, None
        )  # type: ignore[arg-type]
        assert got == chinese
        assert (
            await translator.translate(
                app_commands.locale_str(english), discord.Locale.french, None
            )
            is None
        )  # type: ignore[arg-type]
        if (
            len(english) <= 32 and " " not in english and english.islower()
        ):  # a command or option name
            assert len(chinese) <= 32 and " " not in chinese, english


def test_search_accepts_chinese(library: Library) -> None:
    assert replies.paper_reply(library, "思维链", lang="en").papers[0] == "2201.11903"
    assert replies.paper_reply(library, "低秩适配 lora", lang="en").papers[0] == "2106.09685"
    assert replies.section_reply(library, "思维链", lang="en").papers[0] == "2201.11903"
    assert replies.paper_reply(library, "ｌｏｒａ", lang="en").papers[0] == "2106.09685"


def test_section_buttons_say_section_not_chapter_in_chinese() -> None:
    # 节 is a section of the list; 章 would be one of the textbook's chapters.
    for key in ("button.previous_in_section", "button.next_in_section"):
        assert "本节" in t("zh", key) and "章" not in t("zh", key)


# --- errors and statuses carry a key, rendered in the reader's language -------------------


def test_an_error_renders_in_each_language_and_reads_english_in_logs() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone("CST")
    error = caught.value
    assert str(error) == error.render("en")
    assert "type the one you mean, Asia/Shanghai (China Standard Time) or" in str(error)
    assert error.render("zh").startswith("'CST' 可以指多个时区")
    assert "Asia/Shanghai (China Standard Time) 或 America/Chicago" in error.render("zh")


def test_a_nested_error_renders_its_parts_in_the_same_language() -> None:
    source = SourceError("https://u:p@h.org/l.md?k=1", "source.timeout", seconds="10")
    assert str(source) == "https://h.org/l.md: timed out after 10 s"
    outer = CatalogueError("catalogue.other_list", error=source, db="bot.db", sources="a.md")
    assert (
        outer.render("zh")
        == "https://h.org/l.md: 10 秒后超时（数据库 bot.db 保存的是另一个列表 a.md，不会用它代替）"
    )
    assert str(outer).startswith("https://h.org/l.md: timed out after 10 s (the database")


def test_a_stored_status_round_trips_and_old_plain_text_reads_as_is() -> None:
    reason = Message("weekly.discord_status", {"status": 503})
    status = Message("weekly.status_retry", {"week": "2026-W49", "reason": reason})
    assert Message.from_json(status.to_json()) == status
    assert Message.from_json(status.to_json()).render("zh") == "将重试 2026-W49：Discord 返回了 503"
    for old in ("gave up on 2026-W49: missing permission", "", '{"not": "a status"}', "[1]"):
        assert Message.from_json(old).render("zh") == old


def test_weekly_show_renders_the_status_in_the_readers_language() -> None:
    schedule = Schedule(0, parse_time("09:00"), "Asia/Shanghai")
    status = Message("weekly.status_posted", {"week": "2026-W49"}).to_json()
    zh = replies.weekly_status("<#1>", schedule, None, status, "zh").content or ""
    assert zh.endswith("上次：已发布 2026-W49")
    old = replies.weekly_status("<#1>", schedule, None, "posted 2026-W48", "zh").content or ""
    assert old.endswith("上次：posted 2026-W48")  # a database from before keys: shown as stored
