"""Benchmark: a burst of interactions from many users, end to end.

The fake Discord and the real bot (on the full foundations-of-llms list) run in this one
process, on one event loop, talking over 127.0.0.1. A burst of N interactions (/paper with
reader-like queries, autocomplete of /paper with partial queries, /section, /author, /cite)
is fired from many distinct users with bounded concurrency. Per interaction it measures the
time from the fake's dispatch of INTERACTION_CREATE to the arrival of the bot's initial
callback (for autocomplete, its choices), as the fake sees it. Speed is reported, never
asserted.

    .venv/bin/python -m tests.benchmarks.load [--interactions 1000] [--concurrency 50]

``tests/e2e/test_load.py`` runs a smaller burst through the same machinery for correctness.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import logging
import math
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalogue import SectionTable, parse_catalogue
from bot.library import Library
from tests.conftest import DATA, FULL_LIST
from tests.e2e.conftest import bot_running
from tests.fake_discord import FakeDiscord, FakeInteraction, User

QUERIES = Path(__file__).resolve().parents[1] / "search_eval" / "queries.toml"
RESPONSE_WINDOW = 3.0  # Discord's (and the fake's) window for the initial callback, s
P99_TARGET_MS = 100.0
# The mix of a burst, by kind: weights of a random draw.
MIX: dict[str, float] = {
    "paper": 0.35,
    "autocomplete": 0.35,
    "section": 0.10,
    "author": 0.10,
    "cite": 0.10,
}
LABELS = {
    "paper": "`/paper`",
    "autocomplete": "autocomplete `/paper query`",
    "section": "`/section`",
    "author": "`/author`",
    "cite": "`/cite`",
}

# Queries for /paper and /cite that the list has no answer for (a reader's share: MISS).
MISSES = (
    "protein folding",
    "stable diffusion",
    "reinforcement learning from human feedback",
    "arxiv.org/abs/2401.99999",
    "how do I cook rice",
    "xyzzy plugh",
)
MISS = 0.05

# The interaction the current task last dispatched (see LoadFake._interact).
_dispatched: contextvars.ContextVar[FakeInteraction] = contextvars.ContextVar("dispatched")


def build_library() -> Library:
    """The full list with the shipped nicknames, as the e2e conftest's `library` fixture."""
    table = SectionTable.from_toml(DATA / "sections.toml")
    catalogue = parse_catalogue(FULL_LIST.read_text(encoding="utf-8"), str(FULL_LIST), table)
    return Library.build(catalogue, DATA / "aliases.toml")


class LoadFake(FakeDiscord):
    """The fake Discord, also noting when each initial callback arrived, and handing the
    interaction behind ``autocomplete`` (which returns only the choices) to its caller."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.answered_at: dict[int, float] = {}  # interaction id -> time.monotonic()

    def _callback(self, call: Any) -> Any:
        response = super()._callback(call)  # raises for a refused callback
        self.answered_at[int(call.params["interaction"])] = time.monotonic()
        return response

    async def _interact(self, *args: Any, **kwargs: Any) -> FakeInteraction:
        interaction = await super()._interact(*args, **kwargs)
        _dispatched.set(interaction)  # each asyncio task sees only its own
        return interaction

    def latency_ms(self, interaction: FakeInteraction) -> float | None:
        """Dispatch to initial callback, as the fake saw them; None if never answered."""
        answered = self.answered_at.get(interaction.id)
        if answered is None:
            return None
        dispatched = interaction.deadline - self.response_window
        return (answered - dispatched) * 1000


@dataclass(frozen=True)
class Request:
    """One interaction of a burst: a slash command, or typing into /paper's query."""

    kind: str  # a key of MIX
    value: str  # the query, section or author name; for autocomplete the partial query
    user: User

    @property
    def command(self) -> tuple[str, str]:
        """The slash command and its option."""
        return {
            "paper": ("paper", "query"),
            "autocomplete": ("paper", "query"),
            "section": ("section", "name"),
            "author": ("author", "name"),
            "cite": ("cite", "query"),
        }[self.kind]


@dataclass
class Outcome:
    """What became of one request."""

    request: Request
    interaction: FakeInteraction | None = None
    latency_ms: float | None = None  # None: not answered
    choices: list[dict[str, Any]] | None = None  # autocomplete only
    error: str | None = None  # a time-out waiting, or an error raised by the fake's driver

    @property
    def answered(self) -> bool:
        return self.interaction is not None and self.interaction.callback is not None


def reader_queries() -> list[dict[str, str]]:
    """The search evaluation set: queries as readers type them, with their kind."""
    with QUERIES.open("rb") as f:
        return list(tomllib.load(f)["query"])


def plan(
    library: Library,
    count: int,
    users: Sequence[User],
    *,
    seed: int = 7,
    mix: dict[str, float] | None = None,
) -> list[Request]:
    """A reproducible burst of ``count`` requests spread over ``users``, in random order:
    queries from the search evaluation set (a few from MISSES), their prefixes as typed so
    far for autocomplete, section slugs, names and headings, authors' names and surnames."""
    rng = random.Random(seed)
    mix = mix or MIX
    evaluation = reader_queries()
    queries = [q["q"] for q in evaluation]
    authors = [q["q"] for q in evaluation if q.get("kind") == "author"]
    for paper in library.catalogue.papers:  # full names and surnames from the list itself
        for name in paper.authors[:2]:
            authors += [name, *name.split()[-1:]]
    sections: list[str] = []
    for section in library.catalogue.sections:
        sections += [section.slug, section.name, section.heading, section.slug.replace("-", " ")]
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=count)
    requests = []
    for n, kind in enumerate(kinds):
        if kind == "autocomplete":
            query = rng.choice(queries)
            value = query[: rng.randint(1, len(query))]  # what is typed so far
        elif kind == "section":
            value = rng.choice(sections)
        elif kind == "author":
            value = rng.choice(authors)
        else:
            value = rng.choice(MISSES if rng.random() < MISS else queries)
        requests.append(Request(kind, value, users[n % len(users)]))
    rng.shuffle(requests)
    return requests


def make_users(fake: FakeDiscord, count: int) -> list[User]:
    return [User(fake.new_id(), f"reader{n}") for n in range(count)]


async def _one(fake: LoadFake, request: Request, gate: asyncio.Semaphore) -> Outcome:
    outcome = Outcome(request)
    command, option = request.command
    wait = fake.response_window + 2.0  # past the window it has expired anyway
    async with gate:
        try:
            if request.kind == "autocomplete":
                outcome.choices = await fake.autocomplete(
                    command, option, request.value, user=request.user, timeout=wait
                )
                outcome.interaction = _dispatched.get()
            else:
                outcome.interaction = await fake.slash(
                    command, {option: request.value}, user=request.user
                )
                await outcome.interaction.wait(wait)
        except (TimeoutError, LookupError, ValueError, TypeError) as error:
            outcome.error = f"{type(error).__name__}: {error}"
            outcome.interaction = outcome.interaction or _dispatched.get(None)
    if outcome.interaction is not None:
        outcome.latency_ms = fake.latency_ms(outcome.interaction)
    return outcome


@dataclass
class Burst:
    """The outcomes of a burst, in plan order, and its wall time."""

    outcomes: list[Outcome]
    seconds: float
    cancelled: int  # requests still running when the time limit struck

    @property
    def answered(self) -> int:
        return sum(o.answered for o in self.outcomes)


async def run_burst(
    fake: LoadFake, requests: Sequence[Request], concurrency: int, time_limit: float = 120.0
) -> Burst:
    """Fire every request at once, at most ``concurrency`` in flight; give up on whatever is
    still running after ``time_limit`` seconds."""
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()
    tasks = [asyncio.create_task(_one(fake, request, gate)) for request in requests]
    done, pending = await asyncio.wait(tasks, timeout=time_limit)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    seconds = time.monotonic() - started
    outcomes = []
    for request, task in zip(requests, tasks, strict=True):
        if task in done and task.exception() is None:
            outcomes.append(task.result())
        else:
            error = "cancelled at the time limit" if task in pending else repr(task.exception())
            outcomes.append(Outcome(request, error=error))
    return Burst(outcomes, seconds, len(pending))


# --- the benchmark ------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted ``values``."""
    return values[max(0, math.ceil(share * len(values)) - 1)]


@dataclass
class Run:
    burst: Burst
    idle: Burst  # the same kind of traffic, one interaction at a time
    expired: int
    problems: list[str]
    cpu_seconds: float  # process time spent during the burst (both sides: bot and fake)
    rss_before_mb: float
    rss_after_mb: float
    traced_rest_mb: float | None = None  # tracemalloc: library, bot and fake after start-up
    traced_peak_mb: float | None = None  # tracemalloc: peak during the burst


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


async def measure(
    library: Library | None,
    count: int,
    concurrency: int,
    users: int,
    *,
    seed: int,
    mix: dict[str, float],
    time_limit: float,
    warmup: int = 10,
    sequential: int = 200,
    trace: bool = False,
) -> Run:
    """Start the fake and the bot, warm up, measure traffic one at a time, then fire one
    burst and collect the figures. With ``trace``, the library is built (again) under
    tracemalloc, so its memory counts as well."""
    if trace:
        tracemalloc.start()
    library = library if library is not None and not trace else build_library()
    with tempfile.TemporaryDirectory(prefix="readinglist-load-") as tmp:
        async with (
            LoadFake(response_window=RESPONSE_WINDOW) as fake,
            bot_running(Path(tmp) / "bot.db", library),
        ):
            people = make_users(fake, users)
            # A few interactions first, so that what is measured meets a bot that has run.
            await run_burst(fake, plan(library, warmup, people, seed=seed + 1), 1, time_limit)
            alone = plan(library, sequential, people, seed=seed + 2, mix=mix)
            idle = await run_burst(fake, alone, 1, time_limit)
            requests = plan(library, count, people, seed=seed, mix=mix)
            rss_before = _rss_mb()
            traced_rest = None
            if trace:
                traced_rest = tracemalloc.get_traced_memory()[0] / 2**20
                tracemalloc.reset_peak()
            cpu = time.process_time()
            burst = await run_burst(fake, requests, concurrency, time_limit)
            cpu = time.process_time() - cpu
            traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
            rss_after = _rss_mb()
            expired = sum(i.expired for i in fake.interactions)
            problems = fake.problems()
    if trace:
        tracemalloc.stop()
    return Run(burst, idle, expired, problems, cpu, rss_before, rss_after, traced_rest, traced_peak)


def _times(outcomes: Sequence[Outcome]) -> list[float]:
    return sorted(o.latency_ms for o in outcomes if o.latency_ms is not None)


def _ms(times: Sequence[float], share: float) -> str:
    return f"{percentile(times, share):.1f}" if times else "–"


def latency_table(run: Run) -> list[str]:
    lines = [
        "| interactions | answered | p50 ms | p95 ms | p99 ms | max ms | alone: p50 / p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    kinds = [(label, kind) for kind, label in LABELS.items()] + [("**all**", None)]
    for label, kind in kinds:
        outcomes = [o for o in run.burst.outcomes if kind in (None, o.request.kind)]
        if not outcomes:
            continue
        times = _times(outcomes)
        alone = _times([o for o in run.idle.outcomes if kind in (None, o.request.kind)])
        answered = sum(o.answered for o in outcomes)
        cells = [_ms(times, 0.50), _ms(times, 0.95), _ms(times, 0.99), _ms(times, 1.0)]
        lines.append(
            f"| {label} | {answered}/{len(outcomes)} | {' | '.join(cells)} | "
            f"{_ms(alone, 0.50)} / {_ms(alone, 0.99)} |"
        )
    return lines


def report(args: argparse.Namespace, run: Run, traced: Run | None) -> str:
    burst = run.burst
    times = _times(burst.outcomes)
    p99 = percentile(times, 0.99) if times else math.inf
    total = len(burst.outcomes)
    window_ms = RESPONSE_WINDOW * 1000
    within = sum(o.answered and (o.latency_ms or 0) <= window_ms for o in burst.outcomes)
    throughput = burst.answered / burst.seconds if burst.seconds else 0.0
    mix = ", ".join(f"{LABELS[k]} {w / sum(args.mix.values()):.0%}" for k, w in args.mix.items())
    lines = [
        f"{total} interactions from {args.users} users, at most {args.concurrency} in flight, "
        f"all fired at once; mix: {mix}. *Alone*: {len(run.idle.outcomes)} interactions of "
        "the same mix sent one at a time, before the burst.",
        f"The fake Discord and the bot share one process and one event loop over 127.0.0.1 "
        f"(Python {platform.python_version()}, {os.cpu_count()} CPUs). Latency runs from the "
        "fake's dispatch of INTERACTION_CREATE to its receipt of the bot's initial callback "
        "(for autocomplete, the choices).",
        "",
        *latency_table(run),
        "",
        "| measure | this run | target | met |",
        "| --- | ---: | ---: | :---: |",
        f"| answered within the 3 s window | {within}/{total} | {total}/{total} | "
        f"{_met(within == total)} |",
        f"| expired interactions (the fake's count) | {run.expired} | 0 | "
        f"{_met(run.expired == 0)} |",
        f"| `fake.problems()` | {len(run.problems)} | 0 | {_met(not run.problems)} |",
        f"| p99 latency, all kinds | {p99:.1f} ms | < {P99_TARGET_MS:.0f} ms | "
        f"{_met(p99 < P99_TARGET_MS)} |",
        f"| throughput | {throughput:.0f} interactions/s ({burst.seconds:.2f} s) | – | – |",
        f"| CPU time per interaction (bot and fake together) | "
        f"{run.cpu_seconds / total * 1000:.2f} ms | – | – |",
        f"| peak RSS (`ru_maxrss`) before / after the burst | {run.rss_before_mb:.0f} / "
        f"{run.rss_after_mb:.0f} MB | – | – |",
    ]
    if traced is not None:
        traced_times = _times(traced.burst.outcomes)
        lines += [
            f"| Python heap (tracemalloc, second run): library, bot and fake at rest / burst "
            f"peak | {traced.traced_rest_mb:.1f} / {traced.traced_peak_mb:.1f} MB | – | – |",
            f"| the traced run's p50 / p99 (tracemalloc slows everything) | "
            f"{_ms(traced_times, 0.5)} / {_ms(traced_times, 0.99)} ms "
            f"({traced.burst.answered}/{len(traced.burst.outcomes)} answered) | – | – |",
        ]
    problems = [*run.problems, *(traced.problems if traced else [])]
    if problems:
        lines += ["", f"{len(problems)} problems reported by the fake; the first:"]
        lines += [f"- {p}" for p in problems[:20]]
    errors = [o.error for o in burst.outcomes if o.error]
    if errors:
        lines += ["", f"{len(errors)} requests failed; the first:"]
        lines += [f"- {e}" for e in errors[:10]]
    return "\n".join(lines)


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _mix(text: str) -> dict[str, float]:
    """`paper=35,autocomplete=35,...`: weights by kind."""
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind.strip() not in MIX:
            raise argparse.ArgumentTypeError(f"unknown kind {kind!r}; kinds: {', '.join(MIX)}")
        mix[kind.strip()] = float(weight)
    if sum(mix.values()) <= 0:
        raise argparse.ArgumentTypeError("the weights must add up to more than 0")
    return mix


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, help="distinct users (default: one per 10)")
    parser.add_argument(
        "--mix",
        type=_mix,
        default=MIX,
        help="weights by kind, e.g. paper=35,autocomplete=35,section=10,author=10,cite=10",
    )
    parser.add_argument("--sequential", type=int, default=200, help="interactions sent alone")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per burst")
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="skip the second, traced run that measures the Python heap",
    )
    args = parser.parse_args(argv)
    if min(args.interactions, args.concurrency, args.sequential + 1, args.warmup + 1) < 1:
        parser.error("--interactions and --concurrency must be positive, the others not negative")
    args.users = args.users or max(1, math.ceil(args.interactions / 10))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # no voice: not an issue here
    options: dict[str, Any] = {
        "count": args.interactions,
        "concurrency": args.concurrency,
        "users": args.users,
        "seed": args.seed,
        "mix": args.mix,
        "time_limit": args.time_limit,
        "warmup": args.warmup,
        "sequential": args.sequential,
    }
    run = asyncio.run(measure(build_library(), **options))
    traced = None
    if not args.no_tracemalloc:
        traced = asyncio.run(measure(None, trace=True, **options))
    print(report(args, run, traced))


if __name__ == "__main__":
    main()
