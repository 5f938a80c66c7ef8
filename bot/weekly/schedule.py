"""When each server's paper of the week is due. Pure: no clock, no I/O.

Two pieces, each plain data the caller stores:

- Parsing what a server manager types (`parse_day`, `parse_time`, `parse_timezone`,
  `timezone_choices` for autocomplete); a `ScheduleError` says what to type instead.
- A `Schedule` (weekday, local wall-clock time, IANA zone) and its arithmetic. The post keeps
  its local wall-clock time across daylight saving changes. A wall time that does not exist
  on a date (the spring-forward gap) is posted at the first moment after the gap, when the
  clocks read the end of the gap (02:30 Berlin on the last Sunday of March is posted at
  03:00); a wall time that happens twice (the autumn fall-back) is posted the first time.
  `now` is always passed in, and every datetime returned is aware and in UTC.

At most one post a week per server: `post_to_make` names the week to post with a key, and
the caller stores the key of the last week posted. Keys are ISO weeks of the scheduled local
date ("2026-W48"), so they sort in time and survive restarts and schedule changes.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.i18n import Failure

WEEK = timedelta(days=7)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_ALIASES = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_CHINESE_PREFIXES = ("星期", "礼拜", "周")
_CHINESE_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?")
_OFFSET = re.compile(r"(?:utc|gmt)?_?[+-]_?\d{1,2}(?::?\d{2})?")  # folded: spaces are _
_KEY = re.compile(r"(\d{4})-W(\d{2})")
# Listed first for an empty autocomplete query: where most readers are.
_COMMON_ZONES = (
    "UTC",
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "Europe/London",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Europe/Paris",
    "America/Chicago",
    "Australia/Sydney",
)
# Places readers type that share another place's zone, offered as that zone.
_ZONE_ALIASES = {
    **dict.fromkeys(
        (
            "beijing",
            "北京",
            "上海",
            "shenzhen",
            "guangzhou",
            "hangzhou",
            "chengdu",
            "wuhan",
            "nanjing",
        ),
        "Asia/Shanghai",
    ),
    **dict.fromkeys(("san_francisco", "seattle", "silicon_valley"), "America/Los_Angeles"),
    **dict.fromkeys(("boston", "washington", "pittsburgh"), "America/New_York"),
    **dict.fromkeys(("bangalore", "bengaluru", "mumbai", "delhi", "new_delhi"), "Asia/Kolkata"),
    **dict.fromkeys(("munich", "frankfurt", "hamburg"), "Europe/Berlin"),
}
# Abbreviations that name several zones: asked about, never guessed (CST is China Standard
# Time to most of this list's readers, US Central to tzdata's fuzzy neighbour CST6CDT).
_AMBIGUOUS = {
    "cst": (("China Standard Time", "Asia/Shanghai"), ("US Central Time", "America/Chicago")),
    "ist": (
        ("India Standard Time", "Asia/Kolkata"),
        ("Israel Standard Time", "Asia/Jerusalem"),
        ("Irish Standard Time", "Europe/Dublin"),
    ),
    "bst": (("British Summer Time", "Europe/London"), ("Bangladesh Time", "Asia/Dhaka")),
    "ast": (("Arabia Standard Time", "Asia/Riyadh"), ("Atlantic Time", "America/Halifax")),
}
# In the zone folder but not places: the host's own setting, and tzdata's placeholder.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_LEGACY_AREAS = ("Etc/", "US/", "SystemV/", "Brazil/", "Canada/", "Chile/", "Mexico/")
_ECHO = 40  # characters of a user's input repeated in an error


class ScheduleError(Failure, ValueError):
    """What a server manager typed is not a day, time or time zone; the message (a key of
    bot.i18n, rendered in the reader's language) says what to type instead."""


# --- parsing ------------------------------------------------------------------------------


def parse_day(text: str) -> int:
    """A weekday, 0 = Monday … 6 = Sunday: `Monday`, `mon`, `Mondays`, `周一`, `星期天`."""
    day = _fold(text).rstrip(".")
    for prefix in _CHINESE_PREFIXES:
        if day.startswith(prefix) and day[len(prefix) :] in _CHINESE_DAYS:
            return _CHINESE_DAYS[day[len(prefix) :]]
    for number, name in enumerate(_DAYS):
        if day in (name.lower(), name.lower() + "s", name[:3].lower()):
            return number
    if day in _DAY_ALIASES:
        return _DAY_ALIASES[day]
    raise ScheduleError("schedule.not_day", text=_echo(text))


def parse_time(text: str) -> time:
    """A time of day to the minute: `09:00`, `9:00`, `9`, `21:30`, `9am`, `9:30 pm`."""
    match = _TIME.fullmatch(_fold(text))
    hour, minute = (int(match[1]), int(match[2] or 0)) if match else (-1, -1)
    if match and match[3]:
        # 12 am is midnight and 12 pm noon; "0am" and "13pm" are not times.
        hour = hour % 12 + (12 if match[3] == "p" else 0) if 1 <= hour <= 12 else -1
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return time(hour, minute)
    raise ScheduleError("schedule.not_time", text=_echo(text))


def parse_timezone(text: str) -> str:
    """The canonical IANA name of a time zone (`europe/berlin` is `Europe/Berlin`); `UTC` for
    an empty answer."""
    query = _zone_key(text)
    if not query:
        return "UTC"
    if query in _AMBIGUOUS:
        meanings = tuple(f"{zone} ({what})" for what, zone in _AMBIGUOUS[query])
        raise ScheduleError("schedule.ambiguous_zone", text=_echo(text), choices=meanings)
    name = _zones_by_key().get(query)
    if name is not None:
        return name
    if _OFFSET.fullmatch(query):
        raise ScheduleError("schedule.offset", text=_echo(text))
    # What was typed as written if anything matches it, else what is spelt alike; one or
    # two Latin letters would match half the world.
    worth_matching = len(query) >= 3 or not query.isascii()  # 北京 is a word
    literal, alike = _zone_matches(query, 3) if worth_matching else ([], [])
    close = tuple(dict.fromkeys(literal or alike))[:3]
    if close:
        raise ScheduleError("schedule.not_zone_close", text=_echo(text), choices=close)
    raise ScheduleError("schedule.not_zone", text=_echo(text))


def timezone_choices(query: str, limit: int = 25) -> list[str]:
    """Time zones for autocomplete, best first: names starting with the query, then names
    with a part starting with it (`york`, `new y`) or containing it, then names spelt alike
    (`Berln`). Common zones lead each group, and come first of all for an empty query."""
    key = _zone_key(query)
    if not key:
        return list(_zone_names()[:limit])
    literal, close = _zone_matches(key, limit)
    return list(dict.fromkeys(literal + close))[:limit]


def _zone_matches(key: str, limit: int) -> tuple[list[str], list[str]]:
    """Zones matching a folded query as written, and (up to `limit`) zones spelt alike."""
    zones = _zones_by_key().items()
    literal = [name for k, name in zones if k.startswith(key)]
    literal += [name for alias, name in _ZONE_ALIASES.items() if alias.startswith(key)]
    literal += [name for k, name in zones if any(p.startswith(key) for p in k.split("/"))]
    literal += [name for k, name in zones if key in k]
    by_spelling = _zones_by_spelling()
    spellings = difflib.get_close_matches(key, list(by_spelling), n=limit, cutoff=0.6)
    close = [name for spelling in spellings for name in by_spelling[spelling]]
    return list(dict.fromkeys(literal)), close


# --- the schedule -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Schedule:
    """Every week on `weekday` (0 = Monday) at the local wall-clock time `at` in zone `tz`."""

    weekday: int
    at: time
    tz: str

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ScheduleError("schedule.bad_weekday", weekday=self.weekday)
        if self.at.tzinfo is not None:
            raise ScheduleError("schedule.aware_time")
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError("schedule.no_zone", text=_echo(self.tz)) from None
        if self.tz in _NOT_ZONES:
            raise ScheduleError("schedule.not_place", text=_echo(self.tz))

    @classmethod
    def parse(cls, day: str, at: str, timezone: str) -> Schedule:
        """The schedule a manager typed (`monday`, `9:00`, `Asia/Shanghai`; an empty zone is
        UTC); ScheduleError saying what to type instead."""
        return cls(parse_day(day), parse_time(at), parse_timezone(timezone))

    @property
    def zone(self) -> ZoneInfo:
        """The time zone (ZoneInfo keeps one instance per name)."""
        return ZoneInfo(self.tz)

    def describe(self) -> str:
        """For people: `Mondays at 09:00 (Europe/Berlin)`."""
        return f"{_DAYS[self.weekday]}s at {self.at:%H:%M} ({self.tz})"


def occurrence(schedule: Schedule, local_date: date) -> datetime:
    """The moment, in UTC, the post is due on `local_date` (which must be the schedule's
    weekday): the schedule's wall-clock time there; the end of the gap if the clocks skip
    that time; the first time if they pass it twice."""
    if local_date.weekday() != schedule.weekday:
        raise ValueError(f"{local_date} is a {_DAYS[local_date.weekday()]}, not a schedule day")
    zone, wall = schedule.zone, datetime.combine(local_date, schedule.at)
    # fold=0 picks the first of two readings of an ambiguous wall time.
    due = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if due.astimezone(zone).replace(tzinfo=None) == wall:
        return due
    return _end_of_gap(wall, zone)


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    # zoneinfo reads a wall time inside a gap with the offset from before it (fold=0), which
    # lands as far past the gap as the wall time was into it (02:30 -> 03:30), or with the
    # offset from after it (fold=1), which lands before the gap. The clock change lies
    # between the two; transitions are whole seconds, so bisect on POSIX seconds.
    before = wall.replace(tzinfo=zone, fold=0).utcoffset()
    low = math.floor(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = math.ceil(wall.replace(tzinfo=zone, fold=0).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def previous_due(schedule: Schedule, now: datetime) -> datetime:
    """The latest moment the post is due at or before `now` (a due moment itself included)."""
    return occurrence(schedule, _previous_date(schedule, now))


def next_due(schedule: Schedule, now: datetime) -> datetime:
    """The earliest moment the post is due strictly after `now`."""
    return occurrence(schedule, _previous_date(schedule, now) + WEEK)


def _previous_date(schedule: Schedule, now: datetime) -> date:
    """The schedule day whose due moment is the latest at or before `now`."""
    moment = _utc(now, "now")
    today = moment.astimezone(schedule.zone).date()
    day = today - timedelta(days=(today.weekday() - schedule.weekday) % 7)
    # Due moments rise week by week, but a gap or a fold can put one a little off its own
    # date's wall clock, so check both neighbours rather than trust the local date.
    while occurrence(schedule, day) > moment:
        day -= WEEK
    while occurrence(schedule, day + WEEK) <= moment:
        day += WEEK
    return day


def week_key(schedule: Schedule, due: datetime) -> str:
    """The week a due moment belongs to, `2026-W48`: the ISO week of its scheduled local date.

    Each ISO week holds one date of each weekday, so no two due moments share a key, and a
    restart computes the same key again. The scheduled date is the local date of the moment
    except when a gap pushed the post past midnight (Saturday 23:30 in America/Nuuk each
    March is posted at Sunday 00:00), which still counts for the Saturday's week."""
    moment = _utc(due, "due")
    local = moment.astimezone(schedule.zone).date()
    day = local - timedelta(days=(local.weekday() - schedule.weekday) % 7)
    if occurrence(schedule, day) != moment:
        raise ValueError(f"{moment.isoformat()} is not when {schedule.describe()} is due")
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def post_to_make(
    schedule: Schedule,
    now: datetime,
    last_key: str | None,
    grace: timedelta,
    since: datetime | None = None,
) -> str | None:
    """The key of the week to post now, or None.

    That is the latest due moment at or before `now`, unless its week is already posted
    (`last_key` is that week or a later one), it is more than `grace` ago, or it is not after
    `since`, the moment the schedule was set (so the first post is `next_due(schedule, since)`,
    as /weekly set promises): grace is for a bot that was down at a moment it was scheduled to
    post, never for moments before the schedule existed. A bot that was down
    posts once when it comes back within the grace window; past it the week is skipped.
    Comparing keys in order, not only for equality, means changing the schedule mid-week
    never posts a second time for a week already done (a Monday post, then a switch to
    Sundays, does not post the Sunday just gone). A `last_key` that is not a week key is
    taken as nothing posted."""
    if grace < timedelta(0):
        raise ValueError(f"grace must not be negative, got {grace}")
    due = previous_due(schedule, now)
    if _utc(now, "now") - due > grace:
        return None
    if since is not None and due <= _utc(since, "since"):
        return None
    key = week_key(schedule, due)
    if last_key is not None and _KEY.fullmatch(last_key) and key <= last_key:
        return None
    return key


# --- helpers ------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Full-width characters (２１：３０) made plain, spaces trimmed, lower case."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def _zone_key(text: str) -> str:
    return "_".join(_fold(text).split())


def _echo(text: str) -> str:
    shown = " ".join(text.split())
    return repr(shown if len(shown) <= _ECHO else shown[: _ECHO - 1] + "…")


@cache
def _zone_names() -> tuple[str, ...]:
    """Every zone, common ones first, then places, then legacy names (`US/Eastern`, `EST`).
    Cached: available_timezones() walks the zone folder on every call."""
    common = {name: rank for rank, name in enumerate(_COMMON_ZONES)}

    def rank(name: str) -> tuple[int, int, str]:
        legacy = "/" not in name or name.startswith(_LEGACY_AREAS)
        return common.get(name, len(common)), legacy, name

    return tuple(sorted(available_timezones() - _NOT_ZONES, key=rank))


@cache
def _zones_by_key() -> dict[str, str]:
    """Zones by their folded name (`america/new_york`), in the order of `_zone_names`."""
    return {_zone_key(name): name for name in _zone_names()}


@cache
def _zones_by_spelling() -> dict[str, tuple[str, ...]]:
    """Zones by their folded full name and by their folded city (`berlin`), for typos."""
    found: dict[str, list[str]] = {}
    for name in _zone_names():
        key = _zone_key(name)
        found.setdefault(key, []).append(name)
        if "/" in key:
            found.setdefault(key.rsplit("/", 1)[1], []).append(name)
    return {spelling: tuple(names) for spelling, names in found.items()}


def _utc(moment: datetime, name: str) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment.isoformat()}")
    return moment.astimezone(UTC)
