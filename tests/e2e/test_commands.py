"""Every command end to end: the real discord.py client, a real gateway websocket and real
HTTP to the fake Discord, which checks every answer against Discord's rules."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import replies
from bot.library import Library
from tests.e2e.conftest import TestBot, bot_running
from tests.fake_discord import FakeDiscord, User, limits
from tests.fake_discord.server import Message

COMMANDS = {
    "paper",
    "search",
    "cite",
    "author",
    "random",
    "section",
    "help",
    "about",
    "weekly",
    "reload",
    "Find in reading list",
    "progress",
    "next",
    "reading",
}


def buttons(message: Message) -> dict[str, dict]:
    """The message's buttons by label."""
    return {
        c["label"]: c for row in message.components for c in row["components"] if c["type"] == 2
    }


async def test_sync_sends_valid_definitions_once(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    async with bot_running(tmp_path / "db", library):
        synced = fake.synced_commands()
        assert {c["name"] for c in synced} == COMMANDS
        assert limits.command_errors(synced) == []
        slash = [c for c in synced if c["type"] == 1]  # context menus have no description
        assert all(1 <= len(c["description"]) <= 100 for c in slash)
    async with bot_running(tmp_path / "db", library):  # same definitions: no second sync
        pass
    puts = [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert len(puts) == 1


async def test_paper_answers_the_card(fake: FakeDiscord, bot: TestBot) -> None:
    answer = await (await fake.slash("paper", {"query": "rwkv"})).wait()
    message = answer.message
    assert message is not None and not message.ephemeral
    assert message.embeds[0]["title"] == "RWKV: Reinventing RNNs for the Transformer Era"
    assert buttons(message)["Code"]["url"] == "https://github.com/BlinkDL/RWKV-LM"
    assert buttons(message)["Cite (BibTeX)"]["custom_id"] == "rl:cite:2305.13048"
    assert message.allowed_mentions == {"parse": []}


async def test_autocomplete_offers_mamba_first(fake: FakeDiscord, bot: TestBot) -> None:
    choices = await fake.autocomplete("paper", "query", "mamb")
    assert choices[0] == {
        "name": "Mamba: Linear-Time Sequence Modeling with Selective State Spaces (2023)",
        "value": "2312.00752",
    }
    assert len(await fake.autocomplete("paper", "query", "language")) == 25
    chosen = await (await fake.slash("paper", {"query": choices[0]["value"]})).wait()
    assert chosen.message is not None
    assert chosen.message.embeds[0]["title"].startswith("Mamba")


async def test_every_autocomplete(fake: FakeDiscord, bot: TestBot) -> None:
    assert (await fake.autocomplete("section", "name", "非 trans"))[0]["value"] == "non-transformer"
    assert (await fake.autocomplete("author", "name", "schutze"))[0][
        "name"
    ] == "Hinrich Schütze (2)"
    assert (await fake.autocomplete("random", "section", "rag"))[0]["value"] == "rag"
    assert (await fake.autocomplete("cite", "query", "attention"))[0]["value"] == "1706.03762"


async def test_no_match_answers_helpfully(fake: FakeDiscord, bot: TestBot) -> None:
    answer = await (await fake.slash("paper", {"query": "xyzzy plugh"})).wait()
    assert answer.message is not None and answer.message.ephemeral
    assert "No paper in the reading list matches" in answer.message.content


async def test_a_paper_not_in_the_list_is_answered_to_the_asker_only(
    fake: FakeDiscord, bot: TestBot
) -> None:
    answer = await (await fake.slash("paper", {"query": "mistral 7b"})).wait()
    message = answer.message
    assert message is not None and message.ephemeral and message.embeds == []
    assert "No paper in the reading list matches" in message.content
    [menu] = [c for row in message.components for c in row["components"] if c["type"] == 3]
    assert menu["options"]  # the closest papers, offered as suggestions


async def test_search_lists_pages_with_reasons_for_the_asker(
    fake: FakeDiscord, bot: TestBot
) -> None:
    answer = await (await fake.slash("search", {"question": "低秩适配"})).wait()
    message = answer.message
    assert message is not None and not message.ephemeral
    embed = message.embeds[0]
    assert embed["title"] == "Search: 低秩适配"
    assert embed["footer"]["text"].startswith("Page 1/")
    assert embed["description"].startswith("**1.** LoRA: Low-Rank Adaptation")
    assert "section: 低秩适配" in embed["description"]
    [menu] = [c for row in message.components for c in row["components"] if c["type"] == 3]
    assert len(menu["options"]) == 10
    turned = await (await fake.click(message, buttons(message)["Next ▶"]["custom_id"])).wait()
    assert turned.callback_type == 7
    assert message.embeds[0]["footer"]["text"].startswith("Page 2/")
    stranger = User(fake.new_id(), "stranger")
    refused = await (
        await fake.click(message, buttons(message)["◀ Previous"]["custom_id"], user=stranger)
    ).wait()
    assert refused.message is not None and refused.message.ephemeral
    assert "run /search yourself" in refused.message.content


async def test_several_fit_equally_and_the_others_open_from_the_menu(
    fake: FakeDiscord, bot: TestBot
) -> None:
    answer = await (await fake.slash("paper", {"query": "dora"})).wait()
    message = answer.message
    assert message is not None and message.content.startswith("2 papers fit")
    [menu] = [c for row in message.components for c in row["components"] if c["type"] == 3]
    other = menu["options"][0]["value"]
    opened = await (await fake.select(message, "rl:open", [other])).wait()
    assert opened.followups or opened.message
    card = opened.message
    assert card is not None and card.ephemeral
    assert buttons(card)["Cite (BibTeX)"]["custom_id"] == f"rl:cite:{other}"


async def test_section_pages_turn_for_the_asker_only(fake: FakeDiscord, bot: TestBot) -> None:
    first = await (await fake.slash("section", {"name": "non-transformer"})).wait()
    assert first.message is not None
    assert first.message.embeds[0]["footer"]["text"].startswith("Page 1/1 · 5 papers")

    answer = await (await fake.slash("section", {"name": "decoder-only"})).wait()
    message = answer.message
    assert message is not None
    assert message.embeds[0]["footer"]["text"].startswith("Page 1/2")
    assert buttons(message)["◀ Previous"]["disabled"] is True
    turned = await (await fake.click(message, buttons(message)["Next ▶"]["custom_id"])).wait()
    assert turned.callback_type == 7  # the page is edited in place
    assert message.embeds[0]["footer"]["text"].startswith("Page 2/2")

    stranger = User(fake.new_id(), "stranger")
    refused = await (
        await fake.click(message, buttons(message)["◀ Previous"]["custom_id"], user=stranger)
    ).wait()
    assert refused.message is not None and refused.message.ephemeral
    assert "Only the person who asked" in refused.message.content
    assert message.embeds[0]["footer"]["text"].startswith("Page 2/2")  # unchanged


async def test_citation_and_browse_buttons(fake: FakeDiscord, bot: TestBot) -> None:
    answer = await (await fake.slash("paper", {"query": "rwkv"})).wait()
    card = answer.message
    assert card is not None
    cite = await (await fake.click(card, "rl:cite:2305.13048")).wait()
    assert cite.message is not None and cite.message.ephemeral
    assert "@inproceedings{peng2023rwkv," in cite.message.embeds[0]["description"]

    nxt = await (await fake.click(card, buttons(card)["Next in section ▶"]["custom_id"])).wait()
    assert nxt.callback_type == 7
    assert card.embeds[0]["title"].startswith("Mamba")  # the asker browses in place

    stranger = User(fake.new_id(), "stranger")
    back = buttons(card)["◀ Previous in section"]["custom_id"]
    copy = await (await fake.click(card, back, user=stranger)).wait()
    assert copy.message is not None and copy.message.ephemeral
    assert copy.message.embeds[0]["title"].startswith("RWKV")
    assert card.embeds[0]["title"].startswith("Mamba")  # others get their own copy


async def test_buttons_keep_working_after_a_restart(
    fake: FakeDiscord, tmp_path: Path, library: Library
) -> None:
    async with bot_running(tmp_path / "db", library):
        answer = await (await fake.slash("paper", {"query": "mamba"})).wait()
        card = answer.message
        assert card is not None
    async with bot_running(tmp_path / "db", library):
        cite = await (await fake.click(card, "rl:cite:2312.00752")).wait()
        assert cite.message is not None and "gu2023mamba" in cite.message.embeds[0]["description"]
        previous = buttons(card)["◀ Previous in section"]["custom_id"]
        back = await (await fake.click(card, previous)).wait()
        assert back.callback_type == 7 and card.embeds[0]["title"].startswith("RWKV")


async def test_user_text_pings_nobody_and_loses_its_markdown(
    fake: FakeDiscord, bot: TestBot
) -> None:
    answer = await (await fake.slash("paper", {"query": "@everyone <@&1> **x**"})).wait()
    message = answer.message
    assert message is not None
    assert not fake.pinged(message)
    assert "**x**" not in message.content and "<@&1>" not in message.content
    assert not limits.would_ping(message.content, None)  # neutralised in the text itself too


async def test_other_commands(fake: FakeDiscord, bot: TestBot) -> None:
    author = await (await fake.slash("author", {"name": "gu albert"})).wait()
    assert author.message is not None and author.message.embeds[0]["title"] == "Papers by Albert Gu"
    random = await (await fake.slash("random", {"section": "non-transformer"})).wait()
    assert (
        random.message is not None and random.message.embeds[0]["author"]["name"] == "Random paper"
    )
    cite = await (await fake.slash("cite", {"query": "attention is all you need"})).wait()
    assert (
        cite.message is not None
        and "vaswani2017attention" in cite.message.embeds[-1]["description"]
    )
    help_ = await (await fake.slash("help")).wait()
    assert help_.message is not None and help_.message.ephemeral
    about = await (await fake.slash("about")).wait()
    assert about.message is not None
    fields = {f["name"]: f["value"] for f in about.message.embeds[0]["fields"]}
    assert fields["Papers"] == "217"


async def test_an_unexpected_error_is_logged_once_and_answered_politely(
    fake: FakeDiscord,
    bot: TestBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(replies, "paper_reply", broken)
    with caplog.at_level(logging.ERROR):
        answer = await (await fake.slash("paper", {"query": "rwkv"})).wait()
    assert answer.message is not None and answer.message.ephemeral
    assert answer.message.content.startswith("Sorry, something went wrong")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert "boom" not in answer.message.content and "Traceback" not in answer.message.content


async def test_survives_a_dropped_gateway(fake: FakeDiscord, bot: TestBot) -> None:
    await fake.drop_gateway()
    await fake.wait_until(lambda: len(fake.resume_payloads) == 1)
    answer = await (await fake.slash("paper", {"query": "mamba"})).wait()
    assert answer.message is not None and answer.message.embeds[0]["title"].startswith("Mamba")


async def test_waits_out_a_rate_limit_and_succeeds(fake: FakeDiscord, bot: TestBot) -> None:
    fake.rate_limit_next("POST", r"^/interactions/", retry_after=0.3)
    answer = await (await fake.slash("paper", {"query": "qlora"})).wait()
    assert answer.message is not None and answer.message.embeds[0]["title"].startswith("QLoRA")
    statuses = [r.path for r in fake.requests if r.path.startswith("/interactions/")]
    assert len(statuses) == 2  # refused once, then sent again after retry_after


async def test_find_in_reading_list_context_menu(fake: FakeDiscord, bot: TestBot) -> None:
    synced = {c["name"]: c for c in fake.synced_commands()}
    assert synced["Find in reading list"]["type"] == 3
    target = fake.user_message(
        "two papers: https://arxiv.org/abs/2305.13048 and https://arxiv.org/abs/2501.01234"
    )
    answer = await (await fake.message_command("Find in reading list", target)).wait()
    message = answer.message
    assert message is not None and message.ephemeral
    assert [e["title"] for e in message.embeds] == [
        "RWKV: Reinventing RNNs for the Transformer Era"
    ]
    assert "Not in the reading list: https://arxiv.org/abs/2501.01234" in message.content
    assert "[[PDF](https://arxiv.org/abs/2501.01234)], 2025." in message.content


async def test_a_chinese_client_gets_chinese_and_an_english_one_english(
    fake: FakeDiscord, bot: TestBot
) -> None:
    zh = await (await fake.slash("paper", {"query": "rwkv"}, locale="zh-CN")).wait()
    en = await (await fake.slash("paper", {"query": "rwkv"}, locale="en-US")).wait()
    assert zh.message is not None and en.message is not None
    assert zh.message.embeds[0]["footer"]["text"] == "非 Transformer 架构 第 3/5 篇"
    assert en.message.embeds[0]["footer"]["text"] == "3 of 5 in Non-Transformer architectures"
    assert "引用 (BibTeX)" in buttons(zh.message)
    refused = await (await fake.slash("section", {"name": "qqqq"}, locale="zh-CN")).wait()
    assert refused.message is not None and refused.message.content.startswith("没有与")


async def test_synced_definitions_carry_chinese_localisations(
    fake: FakeDiscord, bot: TestBot
) -> None:
    synced = {c["name"]: c for c in fake.synced_commands()}
    assert limits.command_errors(list(synced.values())) == []
    assert synced["paper"]["name_localizations"]["zh-CN"] == "论文"
    assert (
        synced["paper"]["description_localizations"]["zh-CN"]
        == "按标题、简称、作者或 arXiv 编号查找论文"
    )
    assert synced["paper"]["options"][0]["name_localizations"]["zh-CN"] == "查询"
    assert synced["Find in reading list"]["name_localizations"]["zh-CN"] == "在阅读列表中查找"
    weekly = synced["weekly"]
    assert {o["name_localizations"]["zh-CN"] for o in weekly["options"]} == {
        "设置",
        "查看",
        "关闭",
        "立即发布",
    }
    for command in synced.values():
        for option in command.get("options", []):
            assert "zh-CN" in option.get("name_localizations", {}), (
                command["name"],
                option["name"],
            )


async def test_paper_search_and_cite_are_answered_off_the_event_loop(
    fake: FakeDiscord, bot: TestBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A query that matches nothing looks for the closest titles: at 100,000 papers up to
    # ten milliseconds, more under load, which must not stall the gateway's heartbeats.
    import asyncio
    import threading

    seen: dict[str, bool] = {}
    for name in ("paper_reply", "search_reply", "cite_reply"):
        real = getattr(replies, name)

        def recorded(
            *args: object, _real: object = real, _name: str = name, **kw: object
        ) -> object:
            try:
                asyncio.get_running_loop()
                seen[_name] = True  # on the event loop's thread
            except RuntimeError:
                seen[_name] = threading.current_thread() is threading.main_thread()
            return _real(*args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(replies, name, recorded)
    for command, option in (("paper", "query"), ("search", "question"), ("cite", "query")):
        answer = await (await fake.slash(command, {option: "xyzzy banana"})).wait()
        assert answer.message is not None
    assert seen == {"paper_reply": False, "search_reply": False, "cite_reply": False}
