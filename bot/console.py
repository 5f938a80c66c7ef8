"""The console: type the Discord commands, see the replies Discord users would see.

It calls the same functions as the Discord cogs (bot.replies), so it is an honest preview.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import textwrap
import unicodedata
from datetime import UTC, datetime
from typing import Any, TextIO

from bot import cards, replies
from bot.finder import find_reply
from bot.i18n import t
from bot.library import Library
from bot.replies import Reply
from bot.search import decide

COMMANDS = ("paper", "search", "section", "author", "random", "cite", "find", "help", "about")
_LINK = re.compile(r"\[([^\]]*)\]\((\S+?)\)")
_ESCAPED = re.compile(r"\\([^\w\s])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TIMESTAMP = re.compile(r"<t:(\d{1,12})(?::\w)?>")  # Discord's <t:unix:style> markup
_NAME_ECHO = 32  # characters of an unknown command's name echoed (Discord's names are 1-32)


def answer(
    library: Library, line: str, rng: random.Random, asker: int = 0, lang: str = "en"
) -> Reply:
    """The reply to one console line such as `/paper rwkv` (a line without a command is a
    /paper query), in `lang` ("en" or "zh")."""
    text = line.strip()
    if not text.startswith("/"):
        return replies.paper_reply(library, text, lang)
    name, _, arg = text[1:].partition(" ")
    name = name.lower()
    if name == "paper":
        return replies.paper_reply(library, arg, lang)
    if name == "search":
        return replies.search_reply(library, arg, asker=asker, lang=lang)
    if name == "section":
        return replies.section_reply(library, arg, asker=asker, lang=lang)
    if name == "author":
        return replies.author_reply(library, arg, lang)
    if name == "random":
        return replies.random_reply(library, rng, arg or None, lang)
    if name == "cite":
        return replies.cite_reply(library, arg, lang)
    if name == "about":
        return replies.about_reply(library, lang)
    if name == "help":
        return replies.help_reply(lang)
    if name == "find":
        return find_reply(library, arg, lang)
    known = ", ".join(f"/{c}" for c in COMMANDS)
    # The typed name is echoed like any user text: escaped (no mention, markdown or control
    # character) and short (a pasted line must not break the 2,000-character limit).
    shown = cards.escape(cards.truncate(name, _NAME_ECHO))
    return replies.notice(t(lang, "error.unknown_command", name=shown, known=known))


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


def render(reply: Reply, width: int | None = None) -> str:
    """The reply drawn for a terminal: cards boxed, links spelt out, buttons in brackets."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 100)
    out: list[str] = []
    if reply.ephemeral:
        out.append("(only you can see this)")
    for paragraph in _plain(reply.content).splitlines():
        out += _wrap(paragraph, width)
    for embed in reply.embeds:
        out += _card(dict(embed.to_dict()), width)
    for row in reply.buttons:
        out.append(
            "  ".join(
                f"[{b.label}{' ' + b.url if b.url else ''}]" + (" (off)" if b.disabled else "")
                for b in row
            )
        )
    if reply.menu:
        out.append(f"{reply.menu.placeholder}:")
        out += [f"  - {o.label}  (/paper {o.value})" for o in reply.menu.options]
    return "\n".join(out)


def _card(embed: dict[str, Any], width: int) -> list[str]:
    inner = width - 4
    lines: list[str] = []
    if author := embed.get("author", {}).get("name"):
        lines.append(author)
    if title := embed.get("title"):
        lines += _wrap(_plain(title), inner)
    if url := embed.get("url"):
        lines.append(url)
    if description := embed.get("description"):
        lines.append("")
        for paragraph in _plain(description).splitlines():
            lines += _wrap(paragraph, inner) or [""]
    for f in embed.get("fields", []):
        lines += ["", f"{_plain(f['name'])}:"]
        for paragraph in _plain(f["value"]).splitlines():
            lines += ["  " + x for x in _wrap(paragraph, inner - 2)]
    if footer := embed.get("footer", {}).get("text"):
        lines += ["", footer]
    bar = "─" * (width - 2)
    padded = (line + " " * (inner - _width(line)) for line in lines)
    return [f"┌{bar}┐", *(f"│ {line} │" for line in padded), f"└{bar}┘"]


def _plain(markdown: str) -> str:
    text = _LINK.sub(lambda m: f"{m.group(1)} <{m.group(2)}>", markdown)
    text = _TIMESTAMP.sub(
        lambda m: datetime.fromtimestamp(int(m.group(1)), UTC).strftime("%Y-%m-%d %H:%M UTC"), text
    )
    text = _BOLD.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text).replace("\u200b", "")


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
    lang: str = "en",
) -> int:
    """Answer the given command lines, or read them: one per line of standard input, or at
    an interactive prompt. Returns how many lines were answered."""
    rng = rng or random.Random()
    answered = 0

    def show(line: str) -> None:
        reply = answer(library, line, rng, lang=lang)
        print(payload_line(reply) if as_json else render(reply), file=out, flush=True)

    if lines is not None:
        for line in lines:
            show(line)
        return len(lines)
    if interactive:
        catalogue = library.catalogue
        print(
            f"readinglist-bot console: {len(catalogue.papers)} papers in "
            f"{len(catalogue.sections)} sections. Type /help, or a paper to look up; "
            "Ctrl-D quits.",
            file=out,
        )
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            break
        if line.strip():
            show(line)
            answered += 1
    return answered
