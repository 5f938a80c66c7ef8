"""English and Simplified Chinese: one message catalogue, complete in both languages."""

from __future__ import annotations

import random
import re
import string

import discord
import pytest
from discord import app_commands

from bot import replies
from bot.console import answer
from bot.i18n import MESSAGES, lang_of, t
from bot.library import Library
from bot.models import Catalogue
from bot.translator import ZH, Translator
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
    assert page.footer.text == "第 1/1 页 · 5 篇论文 · /section non-transformer"
    english = replies.section_reply(library, "non-transformer").embeds[0]
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
    assert replies.paper_reply(library, "思维链").papers[0] == "2201.11903"
    assert replies.paper_reply(library, "低秩适配 lora").papers[0] == "2106.09685"
    assert replies.section_reply(library, "思维链").papers[0] == "2201.11903"
    assert replies.paper_reply(library, "ｌｏｒａ").papers[0] == "2106.09685"


def test_section_buttons_say_section_not_chapter_in_chinese() -> None:
    # 节 is a section of the list; 章 would be one of the textbook's chapters.
    for key in ("button.previous_in_section", "button.next_in_section"):
        assert "本节" in t("zh", key) and "章" not in t("zh", key)
