"""Command line: `readinglist-bot run | load | ask | sync` (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TextIO

import discord
from dotenv import dotenv_values

from bot.catalogue import CatalogueError
from bot.catalogue.diff import CatalogueDiff
from bot.client import bot_class
from bot.config import Settings, SettingsError, list_database
from bot.console import locale_of, run_console, search_line
from bot.health import check_process
from bot.i18n import lang_of
from bot.library import Library
from bot.loader import (
    load_catalogue,
    open_library,
    preview_catalogue,
    preview_library,
    summary,
    summary_lines,
)
from bot.metadata.check import KINDS, check_list
from bot.metadata.enrich import enrich, stored_metadata
from bot.metadata.http import open_clients
from bot.sources import SourceError, fetch_all
from bot.store import Store, StoreError

log = logging.getLogger("bot")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="readinglist-bot", description="A Discord bot for a curated reading list of papers."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def data_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--catalogue",
            action="append",
            metavar="PATH",
            help="a markdown reading list (repeatable); default: READINGLIST_CATALOGUE",
        )
        p.add_argument("--db", metavar="PATH", help="the SQLite database; default: READINGLIST_DB")

    run = sub.add_parser(
        "run", help="start the Discord bot (needs DISCORD_TOKEN; without it, the console)"
    )
    data_options(run)
    sync = sub.add_parser("sync", help="send the command definitions to Discord now")
    data_options(sync)
    health = sub.add_parser(
        "health", help="exit 0 if the bot is connected and its database readable, else 1"
    )
    data_options(health)
    load = sub.add_parser("load", help="parse the reading list and store it")
    data_options(load)
    load.add_argument("--json", action="store_true", help="print the summary as JSON")
    load.add_argument(
        "--force", action="store_true", help="load even a list that removes most papers"
    )
    ask = sub.add_parser(
        "ask",
        help="answer commands as the bot would, without Discord",
        description="Answer commands such as '/paper rwkv' with the replies Discord users "
        "would get. With no command, read commands from standard input, one per line "
        "(an interactive prompt at a terminal).",
    )
    ask.add_argument("commands", nargs="*", metavar="COMMAND", help="e.g. '/paper rwkv'")
    ask.add_argument(
        "--json", action="store_true", help="print each reply as its Discord message payload"
    )
    ask.add_argument(
        "--locale", default="en-US", help="answer as for a Discord client in this locale (zh-CN)"
    )
    data_options(ask)
    enrich = sub.add_parser(
        "enrich",
        help="fetch the papers' metadata (abstracts, TL;DRs, citations) from arXiv and "
        "Semantic Scholar now",
    )
    data_options(enrich)
    enrich.add_argument("--json", action="store_true", help="print the report as JSON")
    enrich.add_argument(
        "--force", action="store_true", help="fetch every paper again, however recent"
    )
    check = sub.add_parser(
        "check",
        help="lint the reading list against itself and its metadata (exit 1 on findings)",
    )
    data_options(check)
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    search = sub.add_parser(
        "search",
        help="rank papers for queries as /paper and /search do",
        description="For each query (one per line on standard input when none is given), "
        "the papers that fit best and what /paper would show: a card, a list, or none.",
    )
    search.add_argument("query", nargs="?", metavar="QUERY", help="e.g. 'mixture of experts'")
    search.add_argument(
        "--json",
        action="store_true",
        help='one JSON object a query: {"query", "decision", "results": [...]}',
    )
    search.add_argument("--limit", type=int, default=10, metavar="N", help="results a query")
    data_options(search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # Whoever read the output stopped (`ask … | head`): stop quietly, as a pipe's other
        # tools do (status 141, 128 + SIGPIPE). Python flushes stdout again on exit, so it
        # writes to devnull from here on.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "ask":
        try:  # one line, not argparse's usage: the error says what to type
            args.locale = locale_of(args.locale)
        except ValueError as exc:
            print(f"readinglist-bot ask: {exc}", file=sys.stderr)
            return 2
    try:
        settings = _settings(args)
    except SettingsError as exc:
        print(f"readinglist-bot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings, quiet=_quiet(args, settings))
    commands = {
        "load": _load,
        "run": _run,
        "search": _search,
        "sync": _sync,
        "health": _health,
        "enrich": _enrich,
        "check": _check,
    }
    try:
        if args.command == "ask" or (args.command == "run" and not settings.token):
            # The console waits on the terminal, so it runs outside any event loop.
            return _ask(args, settings) if args.command == "ask" else _run_console(settings)
        return asyncio.run(commands[args.command](args, settings))
    except (CatalogueError, StoreError) as exc:
        print(f"readinglist-bot: {exc}", file=sys.stderr)
        return 1
    except discord.LoginFailure:
        print("readinglist-bot: Discord refused DISCORD_TOKEN: check the token", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def configure_logging(settings: Settings, *, quiet: bool) -> None:
    """Log to standard error at LOG_LEVEL; a command whose output is its answer (`ask`,
    `load`, `search`, the console) logs only warnings unless LOG_LEVEL was set. At DEBUG only
    the bot's own loggers go to DEBUG: discord.py and aiosqlite stay at INFO."""
    level = logging.WARNING if quiet else settings.logging_level()
    logging.basicConfig(
        level=max(level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    logging.getLogger("bot").setLevel(level)


def _quiet(args: argparse.Namespace, settings: Settings) -> bool:
    """Whether the command's output is for a person reading answers (no INFO lines in it)."""
    if settings.log_level_set:
        return False
    if args.command == "run":
        return not settings.token  # without a token, `run` is the console
    return args.command in ("ask", "load", "search")


def _settings(args: argparse.Namespace) -> Settings:
    env = {**{k: v for k, v in dotenv_values(".env").items() if v is not None}, **os.environ}
    settings = Settings.from_mapping(env)
    if getattr(args, "db", None):
        settings = replace(settings, db_path=Path(args.db))
    catalogues = tuple(getattr(args, "catalogue", None) or ())
    if catalogues and _where(catalogues) != _where(settings.catalogues):
        if not getattr(args, "db", None):
            # A one-off list gets a database of its own: the default one keeps its list.
            settings = replace(settings, db_path=list_database(settings.db_path, catalogues))
        settings = replace(settings, catalogues=catalogues)
    return settings


def _where(sources: Sequence[str]) -> tuple[str, ...]:
    """The sources as places, to tell whether two spellings name the same lists: a file by
    its absolute path (`data/reading-list.md` is the configured list), a URL as written."""
    return tuple(s if "://" in s else str(Path(s).expanduser().resolve()) for s in sources)


def _clock() -> datetime:
    """The bot's clock: the wall clock, in UTC (tests hand the bot their own)."""
    return datetime.now(UTC)


async def _load(args: argparse.Namespace, settings: Settings) -> int:
    async with await Store.open(settings.db_path) as store:
        report = await load_catalogue(store, settings, now=_clock(), force=args.force)
    if args.json:
        print(json.dumps(summary(report.catalogue), ensure_ascii=False))
    else:
        print("\n".join(summary_lines(report, settings.db_path)))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    _console(settings, args.commands, as_json=args.json, locale=args.locale)
    return 0


async def _search(args: argparse.Namespace, settings: Settings) -> int:
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=_clock())
    queries = [args.query] if args.query is not None else (line.rstrip("\n") for line in sys.stdin)
    for query in queries:
        if query.strip():
            print(search_line(library, query, max(args.limit, 1), as_json=args.json), flush=True)
    return 0


def _console(
    settings: Settings, commands: list[str], *, as_json: bool = False, locale: str = "en-US"
) -> int:
    """The console, run outside any event loop (it waits on the terminal); each step that
    needs the database or the network runs its own."""
    library = asyncio.run(_console_library(settings))
    return run_console(
        library,
        commands or None,
        as_json=as_json,
        interactive=not commands and sys.stdin.isatty(),
        out=sys.stdout,
        lang=lang_of(locale),
        history=settings.db_path.parent / "console-history",
        clock=_clock,
        reloader=partial(_preview_reload, settings),
    )


async def _console_library(settings: Settings) -> Library:
    """The configured list as it is now, with the stored metadata; nothing is stored (the
    console is a preview: `load`, or the bot's start-up, stores the list)."""
    async with await Store.open(settings.db_path) as store:
        library = await preview_library(store, settings, now=_clock())
        return await asyncio.to_thread(library.with_metadata, await stored_metadata(store))


def _preview_reload(
    settings: Settings, library: Library, force: bool
) -> tuple[CatalogueDiff | None, Library]:
    """The console's /reload: the configured lists read again and compared with the list
    shown, stored nowhere (`load` stores)."""
    report = asyncio.run(preview_catalogue(settings, library.catalogue, force=force))
    if not report.changed:
        return None, library
    new = Library.build(
        report.catalogue, settings.aliases_table, _clock(), metadata=library.paper_metadata
    )
    return report.diff, new


def _run_console(settings: Settings) -> int:
    """`run` without a token: the console, or a clear failure where nobody can type."""
    print(
        "readinglist-bot: DISCORD_TOKEN is not set, so the bot cannot connect to Discord;\n"
        "starting the console instead: type the commands Discord users would (see README.md).",
        file=sys.stderr,
    )
    answered = _console(settings, [])
    if answered == 0 and not sys.stdin.isatty():
        # Docker, CI, a service manager: no terminal and nothing on standard input, so
        # this is a start that failed for want of a token, not a console session.
        print(
            "readinglist-bot: no terminal and no commands on standard input for the "
            "console, so nothing ran: set DISCORD_TOKEN (in .env or the environment) to "
            "connect to Discord",
            file=sys.stderr,
        )
        return 2
    return 0


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    assert settings.token, "main() runs the console when there is no token"
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=_clock())
        bot = bot_class(settings)(store=store, library=library, settings=settings, clock=_clock)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            # Stop taking work, let replies in flight finish, then close the database.
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            await bot.start(settings.token)
    log.info("stopped")
    return 0


async def _sync(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.token:
        print("readinglist-bot: sync needs DISCORD_TOKEN", file=sys.stderr)
        return 2
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=_clock())
        bot = bot_class(settings)(
            store=store, library=library, settings=settings, clock=_clock, sync_commands=False
        )
        async with bot:
            await bot.login(settings.token)
            await bot.sync_commands(force=True)
    print("readinglist-bot: command definitions synced", file=sys.stderr)
    return 0


async def _health(args: argparse.Namespace, settings: Settings) -> int:
    ok, reason = check_process(
        settings.db_path,
        settings.instance,
        _clock(),
        sharded=settings.sharded,
        shard_ids=settings.shard_list,
    )
    print(reason, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


async def _enrich(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.metadata_enabled:
        print("readinglist-bot: metadata is off (READINGLIST_METADATA=off)", file=sys.stderr)
        return 2
    bar = _Bar(sys.stderr) if sys.stderr.isatty() else None
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=_clock())
        async with open_clients(settings) as clients:
            report = await enrich(
                store,
                library.catalogue,
                clients,
                now=datetime.now(UTC),
                ttl=settings.metadata_ttl,
                force=args.force,
                progress=bar,
            )
    if bar:
        bar.done()
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return 0


async def _check(args: argparse.Namespace, settings: Settings) -> int:
    async with await Store.open(settings.db_path) as store:
        library = await open_library(store, settings, now=_clock())
        metadata = await stored_metadata(store)
    try:
        texts = [(f.source, f.text or "") for f in await fetch_all(settings.catalogues, {})]
    except SourceError as exc:
        raise CatalogueError(exc.key, **exc.params) from exc
    findings = check_list(texts, library.catalogue, metadata)
    counts = {kind: sum(f.kind == kind for f in findings) for kind in KINDS}
    if args.json:
        data = {"findings": [f.to_json() for f in findings], "counts": counts}
        print(json.dumps(data, ensure_ascii=False))
    else:
        for finding in findings:
            print("\n".join(finding.lines()))
        known = sum(1 for p in library.catalogue.papers if p.id in metadata)
        kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        papers = _count(len(library.catalogue.papers), "paper")
        print(
            f"{_count(len(findings), 'finding')} in {papers} "
            f"({known} with metadata; `readinglist-bot enrich` fetches it)"
            + (f": {kinds}" if kinds else "")
        )
    return 1 if findings else 0


def _count(n: int, noun: str) -> str:
    """`1 finding`, `2 findings`: the CLI's summaries, in English."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class _Bar:
    """A progress bar on a terminal: `[#####.....] 120/388`."""

    def __init__(self, out: TextIO, width: int = 30) -> None:
        self.out = out
        self.width = width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\rfetching metadata [{bar}] {done}/{total}")
        self.out.flush()

    def done(self) -> None:
        self.out.write("\n")
        self.out.flush()


if __name__ == "__main__":
    sys.exit(main())
