"""The console: type the Discord commands, see the replies Discord users would see.

It calls the same functions as the Discord cogs (bot.replies), so it is an honest preview.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import discord

from bot import cards, reading, replies
from bot.catalogue import CatalogueError
from bot.i18n import MONTHS, day_name, t
from bot.library import Library
from bot.models import Paper
from bot.reading import Mark
from bot.replies import Button, Option, Reply
from bot.search import decide
from bot.translator import ZH
from bot.weekly import (
    Schedule,
    ScheduleError,
    next_due,
    plan,
)
from bot.weekly.plan import WeeklyState

if TYPE_CHECKING:
    from bot.catalogue.diff import CatalogueDiff

COMMANDS = (
    "paper",
    "search",
    "section",
    "author",
    "random",
    "cite",
    "find",
    "help",
    "about",
    "progress",
    "next",
    "reading",
    "weekly",
    "reload",
    "complete",
)
# The names a zh-CN client shows (/论文), accepted as the English ones are.
LOCALISED = {ZH[c]: c for c in COMMANDS if c in ZH}
# Commands whose option autocompletes in Discord, and the function that answers it.
_COMPLETERS: dict[str, Callable[[Library, str, str], list[Option]]] = {
    "paper": lambda library, query, lang: replies.paper_choices(library, query),
    "cite": lambda library, query, lang: replies.paper_choices(library, query),
    "author": lambda library, query, lang: replies.author_choices(library, query),
    "section": replies.section_choices,
    "random": replies.section_choices,
}
_QUIT = ("exit", "quit", ":q")
_LINK = re.compile(r"\[([^\]]*)\]\((\S+?)\)")
_ESCAPED = re.compile(r"\\([^\w\s])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TIMESTAMP = re.compile(r"<t:(-?\d{1,12})(?::([tTdDfFR]))?>")  # Discord's <t:unix:style>
# Code, where Discord renders no markdown, links or timestamps: a fenced block (to its end,
# or the text's end when unclosed) or an inline span.
_CODE = re.compile(r"(```.*?(?:```|\Z)|`[^`\n]+`)", re.DOTALL)
# How far a <t:…:R> time is from now when Discord stops counting in the unit before:
# seconds, minutes, hours, days, months (of 30 days), years (of 365).
_SPANS = (
    (45, 1, "time.seconds"),
    (45 * 60, 60, "time.minutes"),
    (22 * 3600, 3600, "time.hours"),
    (26 * 86400, 86400, "time.days"),
    (320 * 86400, 30 * 86400, "time.months"),
)
_NAME_ECHO = 32  # characters of an unknown command's name echoed (Discord's names are 1-32)

# What previews /reload: reads the configured lists again and returns their changes from the
# library shown (None: unchanged) with the library to show next, storing nothing; raises
# CatalogueError as a reload does when it keeps the current list.
Reloader = Callable[[Library, bool], tuple["CatalogueDiff | None", Library]]

_CHANNEL = re.compile(r"(?:(?:channel|频道):)?(?:#(\S+)|<#(\d+)>)")  # #papers, <#123>
# The subcommands of the console's command groups, by English name; the names a zh-CN
# client shows (bot.translator) are accepted as the English ones are.
_SUBCOMMANDS = {
    "weekly": ("set", "show", "off", "now"),
    "reading": ("list", "export", "forget", "share"),
}
# The options a command takes, which may be typed `name:value` as in Discord's client.
_OPTIONS = {
    "paper": ("query",),
    "cite": ("query",),
    "search": ("question",),
    "section": ("name",),
    "author": ("name",),
    "random": ("section",),
    "progress": ("section",),
    "next": ("section",),
}


def subcommand(command: str, arg: str) -> tuple[str | None, str]:
    """The English subcommand of `/command arg` (`/阅读记录 导出` is export) and the rest of
    the line; "" when none is typed, None when the word is no subcommand of `command`."""
    word, _, rest = arg.strip().partition(" ")
    typed = word.casefold()
    if not typed:
        return "", ""
    names = {ZH.get(name, name): name for name in _SUBCOMMANDS[command]}
    return names.get(typed, typed if typed in _SUBCOMMANDS[command] else None), rest.strip()


def _switch(text: str) -> bool | None:
    """`on`, `true` (True), `off`, `false` (False), as typed for a switch; None otherwise."""
    word = text.strip().casefold().removeprefix("show_name:").removeprefix("显示名字:")
    return {"on": True, "true": True, "off": False, "false": False}.get(word)


def _option(word: str, names: tuple[str, ...]) -> tuple[str, bool | None] | None:
    """A yes/no option typed as Discord shows it (`force`, `force:True`, `强制:true`,
    `board:off`): its English name and value (None for a value that is no switch), or None
    when `word` is none of `names`. The bare name means True."""
    key, colon, value = word.strip().casefold().partition(":")
    for name in names:
        if key in (name, ZH.get(name, name)):
            return name, _switch(value) if colon else True
    return None


@dataclass
class ConsoleReader:
    """The console's reader: their Mark read / Save for later marks, kept for the session
    (the console writes nothing to the database), and the clock the marks are stamped by."""

    clock: Callable[[], datetime]
    marks: dict[str, Mark] = field(default_factory=dict)

    def all(self) -> list[Mark]:
        """The marks, oldest first."""
        return list(self.marks.values())

    def toggle(self, paper: Paper, kind: reading.Kind) -> Mark:
        """Mark read (or saved), or undo it, as the card's button does."""
        mark = reading.toggled(self.marks.get(paper.id), paper, kind, self.clock())
        self.marks[paper.id] = mark
        return mark


CONSOLE_CHANNEL = 1  # the console server's one channel, #console
CONSOLE_ASKER = 1  # the console's reader, as the Discord user who asked (their cards' 🗑)


@dataclass
class ConsoleServer:
    """The console's server, for previewing /weekly: its weekly state, kept for the session
    and changed by the same transitions (bot.weekly.plan) the store applies for Discord."""

    clock: Callable[[], datetime]
    state: WeeklyState | None = None
    posted: list[tuple[str, str]] = field(default_factory=list)  # /weekly now, newest first
    sharing: bool = False  # the console reader shows their name on the board

    def board(
        self, library: Library, marks: list[Mark], asker: int, lang: str, page: int = 0
    ) -> Reply:
        """`/progress server`: the console server's board, the console reader its one reader."""
        on = self.state is not None and self.state.board
        reads = [(m.paper_id, asker, self.sharing) for m in marks if m.read_at is not None]
        return replies.board_reply(library, on, self.posted, reads, page, asker, lang)

    def share(self, arg: str, lang: str) -> Reply:
        """`/reading share on` (or off): the console reader's name on the board."""
        value = _switch(arg)
        if value is None:
            return replies.notice(t(lang, "console.share_usage"))
        self.sharing = value
        return replies.share_reply(value, self.state is not None and self.state.board, lang)

    def weekly(self, library: Library, arg: str, rng: random.Random, lang: str) -> Reply:
        """`/weekly set monday 09:00 Asia/Shanghai`, `show`, `off` or `now`."""
        sub, rest = subcommand("weekly", arg)
        now = self.clock()
        if sub == "set":
            return self._set(rest.split(), now, lang)
        if sub == "show":
            return replies.weekly_show_reply(self.state, now, lang)
        if sub == "off":
            was_on = self.state is not None and self.state.enabled
            if self.state is not None:
                self.state = replace(self.state, enabled=False)
            return replies.notice(t(lang, "weekly.turned_off" if was_on else "weekly.was_off"))
        if sub == "now":
            if self.state is None or not self.state.enabled:
                return replies.notice(t(lang, "weekly.choose_first"))
            ids = [p.id for p in library.catalogue.papers]
            claimed = plan.claim_now(self.state, ids, rng)
            paper = library.paper(claimed[1].paper_id) if claimed else None
            if claimed is None or paper is None:
                return replies.notice(t(lang, "weekly.no_papers"))
            self.state = claimed[0]
            self.posted.insert(0, (paper.id, paper.title))
            return replies.weekly_post(library, paper, lang)
        return replies.notice(t(lang, "console.weekly_usage"))

    def _set(self, words: list[str], now: datetime, lang: str) -> Reply:
        options = [(w, _option(w, ("board", "thread", "vote"))) for w in words]
        switches = dict(option for _, option in options if option is not None)
        words = [w for w, option in options if option is None]
        # The channel comes first in Discord (`/weekly set #papers monday 09:00`); the
        # console server has one, #console, which any channel typed stands for.
        channel = _CHANNEL.fullmatch(words[0]) if words else None
        if channel is not None:
            words = words[1:]
        words = [_unprefixed(w, ("day", "time", "timezone")) for w in words]
        if len(words) < 2:
            return replies.notice(t(lang, "console.weekly_usage"))
        try:
            schedule = Schedule.parse(words[0], words[1], " ".join(words[2:]))
        except ScheduleError as exc:
            return replies.bad_setting(exc, lang)
        at = schedule.at.strftime("%H:%M")
        if self.state is None:
            self.state = WeeklyState(
                0, CONSOLE_CHANNEL, schedule.weekday, at, schedule.tz, True, "", None, None,
                None, None, 0, "", None,
            )  # fmt: skip
        state = self.state

        def switched(name: str, was: bool) -> bool:
            value = switches.get(name)
            return was if value is None else value

        self.state = replace(
            state, weekday=schedule.weekday, at=at, tz=schedule.tz, enabled=True,
            active_from=now, board=switched("board", state.board),
            thread=switched("thread", state.thread), vote=switched("vote", state.vote),
        )  # fmt: skip
        first = next_due(schedule, now)
        reply = replies.weekly_set_reply(
            f"<#{CONSOLE_CHANNEL}>", schedule, first, self.state, "", lang
        )
        named = channel and (channel.group(1) or channel.group(2))
        if named and named not in ("console", str(CONSOLE_CHANNEL)):
            return replace(reply, content=reply.content + "\n" + t(lang, "console.one_channel"))
        return reply


def _unprefixed(text: str, names: tuple[str, ...]) -> str:
    """An option's value as typed in Discord's client: `day:monday` (or `星期:monday`) is
    `monday` for the option names `names`."""
    text = text.strip()
    for name in names:
        for typed in (name, ZH.get(name, name)):
            if text.casefold().startswith(typed + ":"):
                return text[len(typed) + 1 :].strip()
    return text


def answer(
    library: Library,
    line: str,
    rng: random.Random,
    asker: int = 0,
    *,
    lang: str,
    reader: ConsoleReader | None = None,
    server: ConsoleServer | None = None,
    reload: Callable[[bool], Reply] | None = None,
) -> Reply:
    """The reply to one console line such as `/paper rwkv` (a line without a command is a
    /paper query), in `lang` ("en" or "zh"); `reader` holds the session's reading marks,
    `server` its console server, and `reload` previews /reload (given `force`)."""
    marks = reader.all() if reader else []
    text = line.strip()
    if not text.startswith("/"):
        return replies.paper_reply(library, text, lang, asker)
    name, _, rest = text[1:].partition(" ")
    name = command_name(name)
    arg = _unprefixed(rest, _OPTIONS.get(name, ()))
    if name == "paper":
        return replies.paper_reply(library, arg, lang, asker)
    if name == "search":
        return replies.search_reply(library, arg, asker=asker, lang=lang)
    if name == "section":
        return replies.section_reply(library, arg, asker=asker, lang=lang)
    if name == "author":
        return replies.author_reply(library, arg, lang)
    if name == "random":
        return replies.random_reply(library, rng, arg or None, lang=lang, asker=asker)
    if name == "cite":
        return replies.cite_reply(library, arg, lang)
    if name == "about":
        return replies.about_reply(library, lang)
    if name == "help":
        return replies.help_reply(lang)
    if name == "find":
        return replies.find_reply(library, arg, lang)
    if name == "complete":
        return complete_reply(library, arg, lang)
    if name == "weekly":
        session = server or ConsoleServer(lambda: datetime.now(UTC))
        return session.weekly(library, arg, rng, lang)
    if name == "progress":
        board = _option(arg, ("server",))
        if board is not None and board[1] is not False:
            session = server or ConsoleServer(lambda: datetime.now(UTC))
            return session.board(library, marks, asker, lang)
        return replies.progress_reply(library, marks, None if board else arg or None, lang)
    if name == "next":
        return replies.next_reply(library, marks, arg or None, lang)
    if name == "reading":
        sub, rest = subcommand("reading", arg)
        if sub == "export":
            return replies.export_reply(library, marks, lang)
        if sub == "forget":
            return replies.forget_prompt(marks, asker, lang)
        if sub == "share":
            session = server or ConsoleServer(lambda: datetime.now(UTC))
            return session.share(rest, lang)
        if sub in ("list", "") and not rest:
            return replies.reading_list_reply(library, marks, 0, asker, lang)
        return replies.notice(t(lang, "console.reading_usage"))
    if name == "reload":
        if reload is None:
            return replies.notice(t(lang, "console.reload_off"))
        force = _option(arg, ("force",))
        return reload(force is not None and force[1] is True)
    known = ", ".join(replies.command_text(f"/{c}", lang) for c in COMMANDS)
    # The typed name is echoed like any user text: escaped (no mention, markdown or control
    # character) and short (a pasted line must not break the 2,000-character limit).
    shown = cards.escape(cards.truncate(name, _NAME_ECHO))
    return replies.notice(t(lang, "error.unknown_command", name=shown, known=known))


def reload_preview(
    library: Library, reloader: Reloader, *, force: bool, lang: str
) -> tuple[Reply, Library]:
    """/reload in the console: the report a manager gets in Discord, from reading the
    configured lists again, and the library the session shows from now on; nothing stored."""
    try:
        diff, library = reloader(library, force)
    except CatalogueError as exc:
        text = replies.reload_kept(exc, lang)
    else:
        text = replies.reload_outcome(diff, lang)
        if diff is not None:
            text += "\n" + t(lang, "console.reload_session")
    return replies.notice(text + "\n" + t(lang, "console.reload_preview")), library


def command_name(typed: str) -> str:
    """The English name of a typed command name: `论文` is `paper`, `PAPER` is `paper`."""
    name = typed.strip().lstrip("/").lower()
    return LOCALISED.get(name, name)


def locale_of(text: str) -> str:
    """A Discord locale as typed (`zh-cn` is `zh-CN`); ValueError for anything else."""
    for locale in discord.Locale:
        if locale.value.lower() == text.strip().lower():
            return locale.value
    raise ValueError(t("en", "console.bad_locale", locale=repr(text)))


def complete_reply(library: Library, arg: str, lang: str) -> Reply:
    """`/complete paper mamb`: the choices Discord's autocomplete offers as the user types,
    from the same functions the cogs' autocomplete calls."""
    typed, _, query = arg.strip().partition(" ")
    command = command_name(typed)
    completer = _COMPLETERS.get(command)
    if completer is None:
        known = ", ".join(replies.command_text(f"/{c}", lang)[1:] for c in _COMPLETERS)
        return replies.notice(t(lang, "complete.usage", commands=known))
    options = completer(library, query, lang)
    shown = replies.command_text(f"/{command}", lang)[1:]
    heading = t(lang, "complete.heading", command=shown, query=cards.escape(query))
    lines = [f"{n}. {cards.escape(o.label)}  ({o.value})" for n, o in enumerate(options, 1)]
    return Reply(content="\n".join([heading, *(lines or [t(lang, "complete.none")])]))


def pressables(reply: Reply) -> list[Button | Option]:
    """A reply's buttons, then its menu's entries, in the order the console numbers them."""
    items: list[Button | Option] = [b for row in reply.buttons for b in row]
    if reply.menu:
        items += reply.menu.options
    return items


def press(
    library: Library,
    reply: Reply,
    choice: str,
    asker: int = 0,
    *,
    lang: str,
    reader: ConsoleReader | None = None,
    server: ConsoleServer | None = None,
) -> Reply | None:
    """What pressing one of `reply`'s buttons or menu entries answers, chosen by its number
    or a word of its label (`next`, `cite`, `2`); None when nothing matches. It calls what
    Discord's buttons call (replies.click), as the person who asked; the reading buttons
    act on `reader`'s marks and the board's on `server`."""
    items = pressables(reply)
    key = choice.strip().casefold()
    picked: Button | Option | None = None
    if key.isdigit():
        picked = items[int(key) - 1] if 0 < int(key) <= len(items) else None
    elif key:
        picked = next((i for i in items if key in i.label.casefold()), None)
    if picked is None:
        return None
    if isinstance(picked, Option):
        assert reply.menu is not None
        return replies.click(library, reply.menu.custom_id, picked.value, asker, asker, lang).reply
    if picked.disabled:
        return replies.notice(t(lang, "console.button_off"))
    if picked.url:
        return Reply(content=picked.url, ephemeral=True)
    custom_id = picked.custom_id or ""
    if custom_id.startswith(_READER_IDS):
        if reader is None:
            return replies.notice(t(lang, "console.button_off"))
        return _press_reader(library, custom_id, asker, lang, reader, server)
    action = replies.click(library, custom_id, "", asker, asker, lang)
    return action.reply


_READER_IDS = ("rl:read:", "rl:save:", "rl:mine:", "rl:forget:", "rl:del:", "rl:board:")


def _press_reader(
    library: Library,
    custom_id: str,
    asker: int,
    lang: str,
    reader: ConsoleReader,
    server: ConsoleServer | None,
) -> Reply:
    """A reader's button pressed in the console: what bot.views.answer_reader does, on the
    session's marks (and the console server's board)."""
    action, _, rest = custom_id.removeprefix("rl:").partition(":")
    if action in ("read", "save"):
        paper = library.paper(rest)
        if paper is None:
            return replies.notice(t(lang, "paper.gone"))
        kind: reading.Kind = "read" if action == "read" else "saved"
        return replies.mark_reply(reader.toggle(paper, kind), kind, lang)
    if action == "mine":
        turned = replies.reading_page_turn(library, reader.all(), custom_id, asker, lang)
        return replies.notice(turned) if isinstance(turned, str) else turned
    if action == "forget":
        n = len(reader.marks)
        reader.marks.clear()
        if server is not None:
            server.sharing = False  # forget deletes the name's showing on boards too
        return replies.forgotten(n, lang)
    if action == "board":
        page = replies.board_page(custom_id, asker, lang)
        if isinstance(page, str):
            return replies.notice(page)
        if server is None:
            return replies.notice(t(lang, "console.button_off"))
        return server.board(library, reader.all(), asker, lang, page)
    return replies.notice(t(lang, "console.deleted"))  # delete: nothing to remove here


def press_hint(reply: Reply, lang: str) -> str:
    """The line under a reply at the prompt saying what can be pressed, or ""."""
    items = pressables(reply)
    if not items:
        return ""
    shown = "  ".join(f"{n} [{i.label}]" for n, i in enumerate(items, 1))
    return t(lang, "console.press", choices=shown)


def complete_command(text: str, state: int) -> str | None:
    """readline's completer: the `state`-th command name (English or localised) starting
    with `text`."""
    names = [f"/{c}" for c in COMMANDS] + [f"/{name}" for name in LOCALISED]
    matches = [n + " " for n in names if n.startswith(text if text.startswith("/") else "/" + text)]
    return matches[state] if state < len(matches) else None


def search_line(library: Library, query: str, limit: int, *, as_json: bool) -> str:
    """`readinglist-bot search`: the ranked papers for a query and what /paper would show
    (`decide`), as one JSON object or as readable lines."""
    result = library.index.search(query, limit)
    decision = decide(result)
    results = [{"id": h.paper.id, "title": h.paper.title, "score": h.score} for h in result.hits]
    if as_json:
        row = {"query": query, "decision": decision, "results": results}
        return json.dumps(row, ensure_ascii=False)
    lines = [f"{decision}: {query}"]
    lines += [f"  {n}. {r['title']}  ({r['id']}, {r['score']})" for n, r in enumerate(results, 1)]
    return "\n".join(lines)


def payload_line(reply: Reply) -> str:
    """The reply as the Discord message payload it would send, one JSON line."""
    return json.dumps(reply.payload(), ensure_ascii=False, sort_keys=True)


def render(
    reply: Reply, width: int | None = None, *, lang: str, now: datetime | None = None
) -> str:
    """The reply drawn for a terminal: cards boxed, links spelt out, buttons in brackets,
    Discord's timestamps written out as a client shows them (relative ones from `now`, the
    console's clock; without it, as a date); the console's own words in `lang`."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 100)
    out: list[str] = []
    if reply.ephemeral:
        out.append(t(lang, "console.only_you"))

    def plain(markdown: str) -> str:
        return _plain(markdown, lang, now)

    for paragraph in plain(reply.content).splitlines():
        out += _wrap(paragraph, width)
    for embed in reply.embeds:
        out += _card(dict(embed.to_dict()), width, plain)
    for row in reply.buttons:
        out.append(
            "  ".join(
                f"[{b.label}{' ' + b.url if b.url else ''}]"
                + (" " + t(lang, "console.off") if b.disabled else "")
                for b in row
            )
        )
    if reply.menu:
        out.append(f"{reply.menu.placeholder}:")
        paper = replies.command_text("/paper", lang)
        out += [f"  - {o.label}  ({paper} {o.value})" for o in reply.menu.options]
    return "\n".join(out)


def _card(embed: dict[str, Any], width: int, plain: Callable[[str], str]) -> list[str]:
    inner = width - 4
    lines: list[str] = []
    if author := embed.get("author", {}).get("name"):
        lines.append(author)
    if title := embed.get("title"):
        lines += _wrap(plain(title), inner)
    if url := embed.get("url"):
        lines.append(url)
    if description := embed.get("description"):
        lines.append("")
        for paragraph in plain(description).splitlines():
            lines += _wrap(paragraph, inner) or [""]
    for f in embed.get("fields", []):
        lines += ["", f"{plain(f['name'])}:"]
        for paragraph in plain(f["value"]).splitlines():
            lines += ["  " + x for x in _wrap(paragraph, inner - 2)]
    if footer := embed.get("footer", {}).get("text"):
        lines += ["", footer]
    bar = "─" * (width - 2)
    padded = (line + " " * (inner - _width(line)) for line in lines)
    return [f"┌{bar}┐", *(f"│ {line} │" for line in padded), f"└{bar}┘"]


def _plain(markdown: str, lang: str, now: datetime | None) -> str:
    """Discord markdown as its client shows it, outside code (which it shows as typed)."""
    parts = _CODE.split(markdown)
    return "".join(p if i % 2 else _unmarked(p, lang, now) for i, p in enumerate(parts))


def _unmarked(markdown: str, lang: str, now: datetime | None) -> str:
    text = _LINK.sub(lambda m: f"{m.group(1)} <{m.group(2)}>", markdown)
    text = _TIMESTAMP.sub(lambda m: timestamp(int(m.group(1)), m.group(2) or "f", lang, now), text)
    text = _BOLD.sub(r"\1", text).replace(f"<#{CONSOLE_CHANNEL}>", "#console")
    return _ESCAPED.sub(r"\1", text).replace("\u200b", "")


def timestamp(unix: int, style: str, lang: str, now: datetime | None) -> str:
    """Discord's `<t:unix:style>` as its client writes it, in UTC (the console's zone): `F`
    "Monday, 7 December 2026 01:00 UTC", `R` "in 5 days" from `now` (without `now`, as `F`)."""
    moment = datetime.fromtimestamp(unix, UTC)
    if style == "R" and now is not None:
        return _relative((moment - now).total_seconds(), lang)
    month = MONTHS[moment.month - 1] if lang == "en" else moment.month
    weekday = day_name(lang, moment.weekday())
    key = "time.weekday_date" if style in ("F", "R") else "time.date"
    date = t(lang, key, weekday=weekday, day=moment.day, month=month, year=moment.year)
    if style in ("d", "D"):  # the console writes both date styles alike
        return date
    clock = moment.strftime("%H:%M:%S" if style == "T" else "%H:%M")
    if style in ("t", "T"):
        return t(lang, "time.clock", time=clock)
    return t(lang, "time.at", date=date, time=clock)


def _relative(seconds: float, lang: str) -> str:
    """`in 5 days`, `3 hours ago`: a time `seconds` from now, as Discord counts it."""
    far = abs(seconds)
    span = next(
        (t(lang, key, n=max(1, round(far / unit))) for limit, unit, key in _SPANS if far < limit),
        None,
    ) or t(lang, "time.years", n=max(1, round(far / (365 * 86400))))
    return t(lang, "time.in" if seconds >= 0 else "time.ago", span=span)


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns, wide characters counted twice."""
    out: list[str] = []
    for line in textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False):
        while _width(line) > width:
            cut = width
            while _width(line[:cut]) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def run_console(
    library: Library,
    lines: list[str] | None,
    *,
    as_json: bool,
    interactive: bool,
    out: TextIO,
    rng: random.Random | None = None,
    lang: str,
    history: Path | None = None,
    clock: Callable[[], datetime] | None = None,
    reloader: Reloader | None = None,
) -> int:
    """Answer the given command lines, or read them: one per line of standard input, or at
    an interactive prompt (line editing, `history` kept across sessions, Tab completing
    command names). After a reply, a number or a word of a button's label presses it;
    `/reload` previews a reload with `reloader`. Returns how many lines were answered."""
    rng = rng or random.Random()
    answered = 0
    last: Reply | None = None
    reader = ConsoleReader(clock or (lambda: datetime.now(UTC)))
    server = ConsoleServer(reader.clock)

    def reload(force: bool) -> Reply:
        nonlocal library
        assert reloader is not None
        reply, library = reload_preview(library, reloader, force=force, lang=lang)
        return reply

    def show(line: str) -> None:
        nonlocal last
        word = line.strip().casefold()
        pressed = (
            press(library, last, line, CONSOLE_ASKER, lang=lang, reader=reader, server=server)
            if last and word[:1] != "/"
            else None
        )
        reply = pressed or answer(
            library,
            "/help" if word == "help" else line,
            rng,
            CONSOLE_ASKER,
            lang=lang,
            reader=reader,
            server=server,
            reload=reload if reloader else None,
        )
        # What answers only the presser (a citation, a link) leaves the reply to press on.
        last = reply if pressed is None or not pressed.ephemeral else last
        shown = payload_line(reply) if as_json else render(reply, lang=lang, now=reader.clock())
        print(shown, file=out, flush=True)
        if interactive and not as_json and (hint := press_hint(last or reply, lang)):
            print(hint, file=out, flush=True)

    if lines is not None:
        for line in lines:
            show(line)
        return len(lines)
    if interactive:
        catalogue = library.catalogue
        print(
            f"readinglist-bot console: {len(catalogue.papers)} papers in "
            f"{len(catalogue.sections)} sections. Type /help, or a paper to look up; "
            "Tab completes commands; exit or Ctrl-D quits.",
            file=out,
        )
    saved = _line_editing(history) if interactive else None
    try:
        while True:
            try:
                line = input("> " if interactive else "")
            except EOFError:
                break
            word = line.strip().casefold()
            if word in _QUIT:
                break
            if word == "clear":
                if interactive:
                    print("\033[H\033[2J", end="", file=out, flush=True)
                continue
            if word:
                show(line)
                answered += 1
    finally:
        if saved is not None:
            saved()
    return answered


def _line_editing(history: Path | None) -> Callable[[], None] | None:
    """Turn on readline (arrows, history, Tab); returns what saves the history at the end,
    or None where the platform has no readline."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return None
    readline.set_completer(complete_command)
    readline.set_completer_delims(" \t\n")
    # libedit (macOS) and GNU readline spell the Tab binding differently.
    binding = "bind ^I rl_complete" if "libedit" in (readline.__doc__ or "") else "tab: complete"
    readline.parse_and_bind(binding)
    if history is None:
        return None
    with contextlib.suppress(OSError):  # the first session: no history yet
        readline.read_history_file(history)
    readline.set_history_length(1000)

    def save() -> None:
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)
        except OSError:
            pass  # a read-only data folder must not turn quitting into an error

    return save
