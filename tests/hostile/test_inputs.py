"""Every text a user can type, fed every hostile string of the corpus, on the full real list.

For each command option, each autocomplete and each console line: no exception, a payload the
fake Discord accepts and that is not empty, nothing that pings, a payload that encodes as UTF-8
JSON (lone surrogates included), and an answer that costs at most a few hundred ordinary ones.
A failure names the corpus label (the test id) and lists every command that broke on it.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from bot import console, replies
from bot.library import Library
from bot.models import Catalogue
from bot.replies import Option, Reply
from bot.weekly import ScheduleError, parse_day, parse_time, parse_timezone, timezone_choices
from tests.conftest import DATA
from tests.fake_discord import limits
from tests.hostile.corpus import hostile_strings

CORPUS = hostile_strings()
# No answer to a hostile text costs more than BUDGET ordinary /paper answers on the full list,
# timed in the same run so that a busy machine slows both alike (a query's cost must not grow
# with the square of its length). The slowest today costs about 110 of them: 300 characters
# of short words, each a concept of the ranked retrieval, looked up and widened to the words
# it begins or nearly spells.
BUDGET = 400
ORDINARY = "attention is all you need"
# A mention that would render live in an embed (embeds never ping, but must not show one).
_LIVE_MENTION = re.compile(r"@(everyone|here)|<@!?\d+>|<@&\d+>")

Command = Callable[[str], Any]
Timed = Callable[[Command, str], tuple[Any, float]]


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    library = Library.build(full, DATA / "aliases.toml")
    # Warm the lazily built parts (author index, folded titles, zone tables), so the time
    # budget measures answering, not building.
    replies.author_reply(library, "vaswani", lang="en")
    replies.paper_reply(library, "qqqq zzzz", lang="en")
    timezone_choices("ber")
    return library


def _commands(library: Library) -> dict[str, Command]:
    """Every command option and console line that answers with a Reply, by name."""
    commands: dict[str, Command] = {}
    for lang in ("en", "zh"):
        commands |= {
            f"/paper query ({lang})": partial(replies.paper_reply, library, lang=lang),
            f"/cite query ({lang})": partial(replies.cite_reply, library, lang=lang),
            f"/author name ({lang})": partial(replies.author_reply, library, lang=lang),
            f"/section name ({lang})": partial(replies.section_reply, library, asker=42, lang=lang),
            f"/random section ({lang})": partial(_random, library, lang=lang),
        }
    for name in console.COMMANDS:
        commands[f"console /{name} <text>"] = partial(_console, library, f"/{name} ")
    commands["console <text>"] = partial(_console, library, "")
    commands["console /<text> (as a command name)"] = partial(_console, library, "/", lang="zh")
    return commands


def _random(library: Library, section: str, lang: str) -> Reply:
    return replies.random_reply(library, random.Random(0), section, lang=lang)


def _console(library: Library, prefix: str, text: str, lang: str = "en") -> Reply:
    return console.answer(library, prefix + text, random.Random(0), lang=lang)


def _autocompletes(library: Library) -> dict[str, Callable[[str], list[Option]]]:
    return {
        "paper_choices": lambda q: replies.paper_choices(library, q),
        "section_choices": lambda q: replies.section_choices(library, q, lang="en"),
        "author_choices": lambda q: replies.author_choices(library, q),
        "timezone_choices": lambda q: [Option(z, z) for z in timezone_choices(q)],
    }


def _seconds(call: Command, text: str) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call(text)
    return result, time.perf_counter() - start


def _ordinary_seconds(library: Library) -> float:
    """The time of an ordinary /paper answer now (the best of five), the unit of the budget."""
    return min(
        _seconds(partial(replies.paper_reply, library, lang="en"), ORDINARY)[1] for _ in range(5)
    )


@pytest.fixture(scope="module")
def timed(library: Library) -> Timed:
    unit = _ordinary_seconds(library)

    def run(call: Command, text: str) -> tuple[Any, float]:
        """The call's result and its cost in ordinary /paper answers. A call over budget is
        timed once more beside a fresh ordinary answer, so that only a slow answer, not a
        collector pause or a busy moment, fails the budget."""
        result, seconds = _seconds(call, text)
        cost = seconds / unit
        if cost > BUDGET:
            cost = min(cost, _seconds(call, text)[1] / _ordinary_seconds(library))
        return result, cost

    return run


def _embed_texts(embed: dict[str, Any]) -> list[str]:
    texts = [
        embed.get("title") or "",
        embed.get("description") or "",
        (embed.get("footer") or {}).get("text") or "",
        (embed.get("author") or {}).get("name") or "",
    ]
    for field in embed.get("fields") or []:
        texts += [field.get("name") or "", field.get("value") or ""]
    return texts


def reply_problems(reply: Reply) -> list[str]:
    """Why Discord would refuse or mis-render the reply; empty when it is fine."""
    payload = reply.payload()
    problems = limits.message_errors(payload)
    if limits.is_empty_message(payload):
        problems.append("empty message")
    if limits.would_ping(reply.content, None):
        problems.append(f"content pings: {reply.content[:80]!r}")
    for embed in payload["embeds"]:
        problems += [
            f"live mention in an embed: {text[:80]!r}"
            for text in _embed_texts(embed)
            if _LIVE_MENTION.search(text)
        ]
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        problems.append(f"payload is not UTF-8 JSON: {exc}")
    try:
        console.render(reply, 80, lang="zh").encode("utf-8")
    except UnicodeEncodeError as exc:
        problems.append(f"console rendering is not UTF-8: {exc}")
    return problems


def choice_problems(options: list[Option]) -> list[str]:
    choices = [{"name": o.label, "value": o.value} for o in options]
    problems = limits.choice_errors(choices, "c")
    try:
        json.dumps(choices, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        problems.append(f"choices are not UTF-8 JSON: {exc}")
    return problems


def test_the_corpus_covers_every_kind_of_hostile_text() -> None:
    labels = [label for label, _ in CORPUS]
    texts = [text for _, text in CORPUS]
    assert len(CORPUS) >= 200
    assert len(set(labels)) == len(labels)
    assert "" in texts and "@everyone" in texts and "\ud800" in texts and "a\udfffb" in texts
    assert max(map(len, texts)) >= 100_000
    assert all(chr(c) in texts for c in [*range(32), 127])


@pytest.mark.parametrize(("label", "text"), CORPUS, ids=[label for label, _ in CORPUS])
def test_every_command_answers_hostile_text(
    library: Library, timed: Timed, label: str, text: str
) -> None:
    failures: list[str] = []
    for name, command in _commands(library).items():
        try:
            reply, cost = timed(command, text)
        except Exception as exc:  # the point: name every command that raised
            failures.append(f"{name}: raised {exc!r:.200}")
            continue
        failures += [f"{name}: {problem}" for problem in reply_problems(reply)]
        if cost > BUDGET:
            failures.append(f"{name}: cost {cost:.0f} ordinary /paper answers")
    assert failures == []


@pytest.mark.parametrize(("label", "text"), CORPUS, ids=[label for label, _ in CORPUS])
def test_every_autocomplete_answers_hostile_text(
    library: Library, timed: Timed, label: str, text: str
) -> None:
    failures: list[str] = []
    for name, complete in _autocompletes(library).items():
        try:
            options, cost = timed(complete, text)
        except Exception as exc:
            failures.append(f"{name}: raised {exc!r:.200}")
            continue
        failures += [f"{name}: {problem}" for problem in choice_problems(options)]
        if cost > BUDGET:
            failures.append(f"{name}: cost {cost:.0f} ordinary /paper answers")
    assert failures == []


@pytest.mark.parametrize(("label", "text"), CORPUS, ids=[label for label, _ in CORPUS])
def test_schedule_parsing_refuses_hostile_text_with_a_schedule_error(
    timed: Timed, label: str, text: str
) -> None:
    failures: list[str] = []
    parsers: dict[str, Callable[[str], object]] = {
        "parse_day": parse_day,
        "parse_time": parse_time,
        "parse_timezone": parse_timezone,
    }
    for name, parse in parsers.items():
        try:
            _, cost = timed(parse, text)
        except ScheduleError as exc:
            message = str(exc)
            try:
                message.encode("utf-8")
            except UnicodeEncodeError:
                failures.append(f"{name}: message is not UTF-8: {message[:80]!r}")
            # Sent inside a notice: one line, well inside the 2,000 characters of a message.
            if "\n" in message or len(message) > 1000:
                failures.append(f"{name}: message is not one short line: {message[:80]!r}")
            continue
        except Exception as exc:
            failures.append(f"{name}: raised {exc!r:.200} instead of ScheduleError")
            continue
        if cost > BUDGET:
            failures.append(f"{name}: cost {cost:.0f} ordinary /paper answers")
    assert failures == []


@pytest.mark.parametrize("text", ["@everyone", "<@&123>", "<@123>"])
def test_a_refused_schedule_setting_echoes_no_live_mention(text: str) -> None:
    with pytest.raises(ScheduleError) as info:
        parse_day(text)
    for lang in ("en", "zh"):
        reply = replies.bad_setting(info.value, lang)
        assert not limits.would_ping(reply.content, None)
