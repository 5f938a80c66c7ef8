"""Chinese all the way through: a zh-CN reader never gets an English sentence that has a
Chinese message, nor a command named as only an English client shows it.

Every command of the console (which calls what the cogs call), the buttons and menus of
each reply, the errors of /weekly set, reading lists that cannot be read, the weekly
statuses and the reload reports are rendered in Chinese, on the bundled list and on the
full one; each English message of bot/i18n.py, cut into fragments of three words or more
around its placeholders, must appear in none of them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import re
import string
from collections.abc import Callable, Iterator
from functools import partial

import pytest

from bot import cards, replies
from bot.catalogue import CatalogueError
from bot.catalogue.diff import diff_catalogues
from bot.console import answer, press, pressables, render
from bot.i18n import MESSAGES, Message
from bot.library import Library
from bot.models import Catalogue, Paper
from bot.replies import Reply
from bot.sources import SourceError, decode_text, fetch_all
from bot.store import StoreError
from bot.weekly import Schedule, ScheduleError, parse_day, parse_time, parse_timezone
from bot.weekly.plan import (
    MAX_ATTEMPTS,
    PollStep,
    Step,
    WeeklyState,
    failed,
    poll_failed,
    posted,
    thread_failed,
)
from bot.weekly.poster import SendFailed
from tests.conftest import DATA, NOW

LINES = (
    "/help",
    "/about",
    "rwkv",
    "/paper rwkv",
    "/paper attention is all you need",
    "/paper 2305.13048",
    "/paper 2999.99999",
    "/paper xyzzy plugh",
    "/paper ",
    "/paper transformer",
    "/论文 lora",
    "/search state space models",
    "/search 上下文学习",
    "/search xyzzy plugh",
    "/section",
    "/section non-transformer",
    "/section low-rank-adaptation",
    "/section no such section",
    "/author vaswani",
    "/progress server",
    "/reading share on",
    "/reading share maybe",
    "/阅读记录 导出",
    "/reading forget",
    "/reading bogus",
    "/weekly set #papers monday 09:00 Asia/Shanghai",
    "/weekly set monday",
    "/weekly bogus",
    "/author gu albert",
    "/author zzzzqqq",
    "/author",
    "/random",
    "/random encoder-only",
    "/random no such section",
    "/cite attention is all you need",
    "/cite xyzzy plugh",
    '/find see https://arxiv.org/abs/2305.13048 and "A Paper Nobody Wrote" (arXiv:2999.00001)',
    "/find nothing here",
    "/complete paper mamb",
    "/complete section 架构",
    "/complete",
    "/nosuch",
)
# A command as an English client names it, where the text names a command.
ENGLISH_COMMAND = re.compile(
    r"(?<![\w/.])/(paper|search|section|author|random|cite|help|about|weekly|reload|progress|"
    r"next|reading)\b|(?<![\w/.:])(force|server|board|thread|vote|show_name):(?=\S)"
)


def fragments() -> dict[str, str]:
    """Each English fragment of three words or more that has a Chinese message: the
    literal text around the placeholders, cut at sentence punctuation."""
    found = {}
    for key, (english, chinese) in MESSAGES.items():
        if english == chinese:  # the same in both languages (HTTP 500, a URL, `{text}`)
            continue
        for literal, *_ in string.Formatter().parse(english):
            for piece in re.split(r"[.:;?!()…]|, | · ", literal):
                piece = piece.strip(" ,")
                if len(re.findall(r"[A-Za-z]+", piece)) >= 3 and piece not in chinese:
                    found[piece] = key
    return found


FRAGMENTS = fragments()


def english_in(text: str) -> list[str]:
    return [f"{key}: {piece!r}" for piece, key in FRAGMENTS.items() if piece in text]


def shown(reply: Reply) -> str:
    """All a reader can see of a reply: the console's drawing and the whole payload."""
    drawn = render(reply, 100, lang="zh", now=NOW)
    return drawn + "\n" + json.dumps(reply.payload(), ensure_ascii=False)


def conversation(library: Library, lang: str) -> Iterator[tuple[str, str]]:
    """(what was done, what it showed) for every line, and every button and menu entry of
    its reply."""
    for line in LINES:
        reply = answer(library, line, random.Random(0), 7, lang=lang)
        yield line, shown(reply)
        for n, _ in enumerate(pressables(reply)[:12], 1):
            pressed = press(library, reply, str(n), 7, lang=lang)
            if pressed is not None:
                yield f"{line} > press {n}", shown(pressed)


def errors_and_statuses(bundled: Catalogue, full: Catalogue) -> Iterator[tuple[str, str]]:
    """The errors a reader may meet, the weekly statuses and the reload reports, in zh."""
    for typed in ("someday", "Tuesdays please"):
        yield from _schedule_error(partial(parse_day, typed))
    for typed in ("25:00", "noonish"):
        yield from _schedule_error(partial(parse_time, typed))
    for typed in ("CST", "+08:00", "Europe/Berln", "qq", "Nowhere/Atlantis"):
        yield from _schedule_error(partial(parse_timezone, typed))
    yield from _schedule_error(lambda: Schedule(9, parse_time("09:00"), "UTC"))
    yield from _schedule_error(lambda: Schedule(0, parse_time("09:00"), "localtime"))

    unreadable: list[Exception] = []
    for raw in (b"\xff\xfeh\x00i\x00", b"a\x00b", b"caf\xe9"):
        try:
            decode_text(raw, "list.md")
        except SourceError as exc:
            unreadable.append(exc)
    for source in ("/nonexistent/list.md", "ftp://h.org/list.md", "https://"):
        try:
            asyncio.run(fetch_all([source], {}))
        except SourceError as exc:
            unreadable.append(exc)
    assert len(unreadable) == 6
    for exc in unreadable:
        assert isinstance(exc, SourceError)
        yield f"reload: {exc}", replies.reload_kept(CatalogueError(exc.key, **exc.params), "zh")
    kept = [
        CatalogueError("catalogue.empty", sources="list.md"),
        CatalogueError("catalogue.drops_most", removed=197, total=217),
        CatalogueError("catalogue.other_list", error=unreadable[0], db="a.db", sources="b.md"),
        StoreError("attempt to write a readonly database"),
    ]
    for error in kept:
        yield f"reload: {error}", replies.reload_kept(error, "zh")
    yield "reload: took the full list", replies.reload_done(diff_catalogues(bundled, full), "zh")
    yield "reload: back", replies.reload_done(diff_catalogues(full, bundled), "zh")

    schedule = Schedule(0, parse_time("09:00"), "Asia/Shanghai")
    week, now = Step("2026-W49", "p1", "n1"), Step("now", "p1", "n2")
    reasons = [
        SendFailed(key).message
        for key in ("weekly.paper_gone", "weekly.not_text_channel", "weekly.forbidden")
    ] + [
        SendFailed("weekly.channel_gone").message,
        Message("weekly.discord_status", {"status": 503}),
    ]
    state = _state(pending_key=week.key)
    statuses = [posted(state, week, 1).last_status]
    for reason in reasons:
        statuses += [
            failed(state, week, reason).last_status,
            failed(state, now, reason).last_status,
        ]
    statuses.append(failed(_state(pending_key=week.key, attempts=2), week, reasons[0]).last_status)
    for status in statuses:
        reply = replies.weekly_status("<#1>", schedule, NOW, status, "zh")
        yield f"/weekly show after {status}", reply.content or ""
    for attempts in (0, MAX_ATTEMPTS - 1):  # a thread and a vote to try again, given up
        thread = thread_failed(_state(thread_due=5, thread_attempts=attempts), 5, reasons[2])
        vote = poll_failed(
            _state(poll_key=week.key, poll_attempts=attempts),
            PollStep(week.key, (), 1),
            reasons[4],
        )
        both = dataclasses.replace(thread, vote_status=vote.vote_status, board=True)
        yield (
            f"/weekly show after {attempts + 1} tries",
            (replies.weekly_show_reply(both, NOW, "zh").content or ""),
        )


def _schedule_error(make: Callable[[], object]) -> Iterator[tuple[str, str]]:
    with pytest.raises(ScheduleError) as caught:
        make()
    yield f"/weekly set: {caught.value}", replies.bad_setting(caught.value, "zh").content or ""


def _state(**changes: object) -> WeeklyState:
    values: dict[str, object] = {
        "guild_id": 1,
        "channel_id": 2,
        "weekday": 0,
        "at": "09:00",
        "tz": "Asia/Shanghai",
        "enabled": True,
        "rotation": "",
        "done_key": None,
        "pending_key": None,
        "pending_paper": "p1",
        "pending_nonce": "n1",
        "attempts": 0,
        "last_status": "",
        "last_message_id": None,
    }
    values.update(changes)
    return WeeklyState(**values)  # type: ignore[arg-type]


def test_the_fragments_catch_english(chapter: Catalogue) -> None:
    """The check can fail: the same conversation in English is full of the fragments."""
    library = Library.build(chapter, DATA / "aliases.toml")
    seen = "\n".join(text for _, text in conversation(library, "en"))
    assert len(FRAGMENTS) > 150
    assert len(english_in(seen)) > 40
    assert ENGLISH_COMMAND.search(seen)


@pytest.mark.parametrize("which", ["bundled", "full"])
def test_a_chinese_reader_reads_no_english_message(
    which: str, chapter: Catalogue, full: Catalogue
) -> None:
    catalogue = chapter if which == "bundled" else full
    library = Library.build(catalogue, DATA / "aliases.toml")
    seen = list(conversation(library, "zh"))
    if which == "bundled":
        seen += list(errors_and_statuses(chapter, full))
    problems = [
        f"{done}: {found}"
        for done, text in seen
        for found in english_in(text)
        + [f"English command {m.group(0)}" for m in ENGLISH_COMMAND.finditer(text)]
    ]
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.parametrize(("lang", "more"), [("en", r"… and \d+ more$"), ("zh", r"……另有 \d+ 项$")])
def test_a_card_with_more_links_than_fit_says_how_many_in_the_readers_language(
    lang: str, more: str
) -> None:
    links = tuple(f"https://example.org/{'mirror-' * 8}{n}" for n in range(60))
    paper = Paper(id="p", title="A paper with many mirrors", links=links)
    field = cards.paper_card(paper, lang=lang).to_dict()["fields"][0]
    assert len(field["value"]) <= 1024 and re.search(more, field["value"])


def test_chinese_messages_name_commands_as_a_chinese_client_shows_them() -> None:
    english_names = [
        f"{key}: {m.group(0)}"
        for key, (_, chinese) in MESSAGES.items()
        for m in ENGLISH_COMMAND.finditer(chinese)
    ]
    assert english_names == []
    assert ENGLISH_COMMAND.search(MESSAGES["section.footer"][0])  # English keeps /section
