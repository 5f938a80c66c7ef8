"""The weekly schedule and rotation: parsing, daylight saving, week keys, at most one post a
week, and no paper twice in a cycle. Every moment is chosen by the test; nothing sleeps or
reads the clock."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.weekly import (
    WEEK,
    Rotation,
    Schedule,
    ScheduleError,
    next_due,
    next_paper,
    occurrence,
    parse_day,
    parse_time,
    parse_timezone,
    post_to_make,
    previous_due,
    reconcile,
    timezone_choices,
    week_key,
)

BERLIN, NEW_YORK, SHANGHAI = "Europe/Berlin", "America/New_York", "Asia/Shanghai"
GRACE = timedelta(hours=24)
SECOND = timedelta(seconds=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(moment: datetime, tz: str) -> datetime:
    """A moment as the clocks in `tz` show it, without the zone (for comparing wall times)."""
    return moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("monday", 0),
        ("Monday", 0),
        ("MON", 0),
        ("mon.", 0),
        ("Mondays", 0),
        ("  tue ", 1),
        ("tues", 1),
        ("Wednesday", 2),
        ("thu", 3),
        ("thurs", 3),
        ("fri", 4),
        ("Saturday", 5),
        ("sun", 6),
        ("周一", 0),
        ("周三", 2),
        ("周日", 6),
        ("周天", 6),
        ("星期一", 0),
        ("星期六", 5),
        ("星期日", 6),
        ("星期天", 6),
        ("礼拜五", 4),
    ],
)
def test_parse_day(text: str, day: int) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize(
    "text", ["", "mo", "m", "monday morning", "day", "1", "周八", "星期", "月曜日"]
)
def test_parse_day_says_what_to_type(text: str) -> None:
    with pytest.raises(ScheduleError, match="Type a day such as Monday, mon or 周一"):
        parse_day(text)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("09:00", time(9)),
        ("9:00", time(9)),
        ("9", time(9)),
        ("0", time(0)),
        ("00:00", time(0)),
        ("21:30", time(21, 30)),
        ("23:59", time(23, 59)),
        ("9am", time(9)),
        ("9 AM", time(9)),
        ("9:30 pm", time(21, 30)),
        ("9:30pm", time(21, 30)),
        ("9 p.m.", time(21)),
        ("12am", time(0)),
        ("12:15 am", time(0, 15)),
        ("12pm", time(12)),
        ("２１：３０", time(21, 30)),  # typed with a Chinese input method
        (" 07:05 ", time(7, 5)),
    ],
)
def test_parse_time(text: str, at: time) -> None:
    assert parse_time(text) == at


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24:00",
        "24",
        "9:60",
        "9:5",
        "25:00",
        "-1",
        "0am",
        "13pm",
        "21:30 pm",
        "9:00:00",
        "noon",
        "9h",
        "nine",
        "09:00 UTC",
    ],
)
def test_parse_time_says_what_to_type(text: str) -> None:
    with pytest.raises(ScheduleError, match="Type a time such as 09:00, 21:30 or 9pm"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "tz"),
    [
        ("Europe/Berlin", BERLIN),
        ("europe/berlin", BERLIN),
        ("ASIA/SHANGHAI", SHANGHAI),
        ("America/New York", NEW_YORK),
        ("  america/new_york ", NEW_YORK),
        ("", "UTC"),
        ("   ", "UTC"),
        ("utc", "UTC"),
        ("Etc/GMT-8", "Etc/GMT-8"),  # POSIX signs: this is UTC+8
        ("us/eastern", "US/Eastern"),
    ],
)
def test_parse_timezone(text: str, tz: str) -> None:
    assert parse_timezone(text) == tz


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Berlin", "Did you mean Europe/Berlin? Type a name such as"),
        ("Europe/Berln", "Did you mean Europe/Berlin, "),
        ("Shanghai", "Did you mean Asia/Shanghai? "),
        ("Beijing", "Did you mean Asia/Shanghai? "),
        ("北京", "Did you mean Asia/Shanghai? "),
        ("new york", "Did you mean America/New_York? "),
        ("Asia/Kolkatta", "Did you mean Asia/Kolkata"),
        ("qqqqqq", "is not a time zone. Type a name such as Europe/Berlin"),
        ("ab", "is not a time zone. Type a name such as Europe/Berlin"),
        ("localtime", "is not a time zone"),  # the host's setting, not a place
        ("Factory", "is not a time zone"),
        ("UTC+8", "offsets do not follow daylight saving time. Type the time zone of a place"),
        ("GMT -5", "offsets do not follow daylight saving time"),
        ("+05:30", "offsets do not follow daylight saving time"),
        (
            "CST",
            "'CST' names several time zones: type the one you mean, Asia/Shanghai (China Standard Time) or America/Chicago (US Central Time).",
        ),
        ("cst", "Asia/Shanghai (China Standard Time) or America/Chicago"),
        ("IST", "Asia/Kolkata (India Standard Time), Asia/Jerusalem"),
        ("BST", "Europe/London (British Summer Time) or Asia/Dhaka"),
    ],
)
def test_parse_timezone_says_what_to_type(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=re.escape(message)):
        parse_timezone(text)


def test_parse_timezone_suggests_at_most_three() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone("America/Sant")
    suggested = str(caught.value).split("Did you mean ")[1].split("?")[0]
    assert len(suggested.replace(" or ", ", ").split(", ")) == 3


def test_errors_echo_long_input_briefly() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_day("x" * 500)
    assert len(str(caught.value)) < 120 and "\n" not in str(caught.value)


def test_timezone_choices_for_an_empty_query_start_with_common_zones() -> None:
    assert timezone_choices("")[:4] == ["UTC", SHANGHAI, BERLIN, NEW_YORK]
    assert len(timezone_choices("")) == 25
    assert len(timezone_choices("", limit=5)) == 5


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("europe/b", BERLIN),
        ("ber", BERLIN),
        ("Berlin", BERLIN),
        ("Berln", BERLIN),
        ("york", NEW_YORK),
        ("new y", NEW_YORK),
        ("shang", SHANGHAI),
        ("beij", SHANGHAI),
        ("kolkatta", "Asia/Kolkata"),
        ("utc", "UTC"),
    ],
)
def test_timezone_choices(query: str, first: str) -> None:
    assert timezone_choices(query)[0] == first


def test_timezone_choices_put_literal_matches_before_close_ones() -> None:
    choices = timezone_choices("ber")
    literal = ["ber" in name.lower() for name in choices]
    assert "Australia/Canberra" in choices and not all(literal)
    assert literal == sorted(literal, reverse=True)
    assert timezone_choices("zzzzzz") == []


def test_every_choice_parses_as_itself() -> None:
    everything = timezone_choices("", limit=10_000)
    assert len(everything) > 400 and "localtime" not in everything
    assert len(set(everything)) == len(everything)
    for name in everything:
        assert parse_timezone(name) == name == parse_timezone(name.lower())


# --- the schedule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (Schedule(0, time(9), BERLIN), "Mondays at 09:00 (Europe/Berlin)"),
        (Schedule(6, time(23, 30), SHANGHAI), "Sundays at 23:30 (Asia/Shanghai)"),
        (Schedule(2, time(0, 5), "UTC"), "Wednesdays at 00:05 (UTC)"),
    ],
)
def test_describe(schedule: Schedule, text: str) -> None:
    assert schedule.describe() == text


def test_parsed_parts_make_a_schedule() -> None:
    schedule = Schedule(parse_day("周一"), parse_time("9am"), parse_timezone("asia/shanghai"))
    assert schedule == Schedule(0, time(9), SHANGHAI)


@pytest.mark.parametrize(
    ("weekday", "at", "tz"),
    [
        (7, time(9), "UTC"),
        (-1, time(9), "UTC"),
        (0, time(9, tzinfo=UTC), "UTC"),
        (0, time(9), "Mars/Olympus"),
        (0, time(9), "localtime"),
    ],
)
def test_a_schedule_checks_its_parts(weekday: int, at: time, tz: str) -> None:
    with pytest.raises(ScheduleError):
        Schedule(weekday, at, tz)


# Daylight saving in 2026: Europe/Berlin springs forward on 29 March (02:00 -> 03:00) and
# falls back on 25 October (03:00 -> 02:00); America/New_York on 8 March and 1 November
# (both at 02:00 local).
@pytest.mark.parametrize(
    ("weekday", "at", "tz", "on", "due"),
    [
        # 09:00 stays 09:00 local: 08:00 UTC in winter, 07:00 UTC in summer.
        (0, time(9), BERLIN, date(2026, 1, 5), utc(2026, 1, 5, 8)),
        (0, time(9), BERLIN, date(2026, 7, 6), utc(2026, 7, 6, 7)),
        (6, time(9), BERLIN, date(2026, 3, 22), utc(2026, 3, 22, 8)),
        (6, time(9), BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 7)),
        (6, time(9), BERLIN, date(2026, 10, 18), utc(2026, 10, 18, 7)),
        (6, time(9), BERLIN, date(2026, 10, 25), utc(2026, 10, 25, 8)),
        (0, time(9), NEW_YORK, date(2026, 3, 2), utc(2026, 3, 2, 14)),
        (0, time(9), NEW_YORK, date(2026, 3, 9), utc(2026, 3, 9, 13)),
        (0, time(9), NEW_YORK, date(2026, 10, 26), utc(2026, 10, 26, 13)),
        (0, time(9), NEW_YORK, date(2026, 11, 2), utc(2026, 11, 2, 14)),
        # The gap: 02:30 does not exist that night; posted when the clocks read 03:00.
        (6, time(2, 30), BERLIN, date(2026, 3, 22), utc(2026, 3, 22, 1, 30)),
        (6, time(2, 30), BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 1)),
        (6, time(2, 30), NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 7)),
        (6, time(2), BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 1)),
        (6, time(3), BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 1)),  # the gap's end itself
        # The fold: 02:30 (Berlin) and 01:30 (New York) happen twice; the first one counts.
        (6, time(2, 30), BERLIN, date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
        (6, time(1, 30), NEW_YORK, date(2026, 11, 1), utc(2026, 11, 1, 5, 30)),
        (6, time(1), NEW_YORK, date(2026, 11, 1), utc(2026, 11, 1, 5)),
        (6, time(2), NEW_YORK, date(2026, 11, 1), utc(2026, 11, 1, 7)),  # once, after the fold
        # Lord Howe Island moves its clocks by half an hour: 02:00 -> 02:30.
        (6, time(2, 15), "Australia/Lord_Howe", date(2026, 10, 4), utc(2026, 10, 3, 15, 30)),
        # Greenland springs forward from Saturday 23:00 to Sunday 00:00 every March.
        (5, time(23, 30), "America/Nuuk", date(2026, 3, 28), utc(2026, 3, 29, 1)),
        # Samoa skipped Friday 30 December 2011 altogether.
        (4, time(9), "Pacific/Apia", date(2011, 12, 30), utc(2011, 12, 30, 10)),
        (6, time(23, 30), SHANGHAI, date(2026, 11, 29), utc(2026, 11, 29, 15, 30)),
    ],
)
def test_occurrence(weekday: int, at: time, tz: str, on: date, due: datetime) -> None:
    found = occurrence(Schedule(weekday, at, tz), on)
    assert found == due and found.tzinfo is UTC


def test_the_gap_is_posted_when_the_clocks_read_its_end() -> None:
    due = occurrence(Schedule(6, time(2, 30), BERLIN), date(2026, 3, 29))
    assert local(due, BERLIN) == datetime(2026, 3, 29, 3)
    assert local(due - SECOND, BERLIN) == datetime(2026, 3, 29, 1, 59, 59)


def test_nine_oclock_stays_nine_oclock_all_year() -> None:
    for tz in (BERLIN, NEW_YORK, SHANGHAI, "Australia/Sydney"):
        schedule = Schedule(0, time(9), tz)
        mondays = [date(2026, 1, 5) + n * WEEK for n in range(53)]
        dues = [occurrence(schedule, day) for day in mondays]
        assert [local(d, tz) for d in dues] == [datetime.combine(d, time(9)) for d in mondays]
        offsets = {d.astimezone(ZoneInfo(tz)).utcoffset() for d in dues}
        assert len(offsets) == (1 if tz == SHANGHAI else 2)


def test_occurrence_needs_the_schedule_day() -> None:
    with pytest.raises(ValueError, match="not a schedule day"):
        occurrence(Schedule(0, time(9), BERLIN), date(2026, 11, 24))


MONDAY_9_BERLIN = Schedule(0, time(9), BERLIN)
DUE = utc(2026, 11, 23, 8)  # Monday 09:00 CET
LAST_WEEK = utc(2026, 11, 16, 8)
NEXT_WEEK = utc(2026, 11, 30, 8)


@pytest.mark.parametrize(
    ("now", "previous", "following"),
    [
        (DUE, DUE, NEXT_WEEK),  # a due moment is its own previous one
        (DUE - SECOND, LAST_WEEK, DUE),
        (DUE - timedelta(microseconds=1), LAST_WEEK, DUE),
        (DUE + timedelta(microseconds=1), DUE, NEXT_WEEK),
        (DUE + WEEK - SECOND, DUE, NEXT_WEEK),
        (utc(2026, 11, 23, 0), LAST_WEEK, DUE),  # Monday, but not 09:00 yet
        (utc(2026, 11, 22, 23, 30), LAST_WEEK, DUE),  # already Monday in Berlin
        (utc(2026, 11, 26, 12), DUE, NEXT_WEEK),
    ],
)
def test_previous_and_next_due(now: datetime, previous: datetime, following: datetime) -> None:
    assert previous_due(MONDAY_9_BERLIN, now) == previous
    assert next_due(MONDAY_9_BERLIN, now) == following


def test_now_may_be_in_any_zone_but_must_have_one() -> None:
    shanghai_now = DUE.astimezone(ZoneInfo(SHANGHAI))
    assert previous_due(MONDAY_9_BERLIN, shanghai_now) == DUE
    assert next_due(MONDAY_9_BERLIN, shanghai_now) == NEXT_WEEK
    with pytest.raises(ValueError, match="timezone-aware"):
        previous_due(MONDAY_9_BERLIN, datetime(2026, 11, 23, 9))


def test_due_moments_across_daylight_saving_are_an_hour_nearer_or_further() -> None:
    sunday_9 = Schedule(6, time(9), BERLIN)
    spring = next_due(sunday_9, utc(2026, 3, 25))
    assert spring == utc(2026, 3, 29, 7)
    assert spring - previous_due(sunday_9, spring - SECOND) == WEEK - timedelta(hours=1)
    autumn = next_due(sunday_9, utc(2026, 10, 21))
    assert autumn == utc(2026, 10, 25, 8)
    assert autumn - previous_due(sunday_9, autumn - SECOND) == WEEK + timedelta(hours=1)


def test_previous_and_next_due_at_the_gap_and_the_fold() -> None:
    gap = Schedule(6, time(2, 30), BERLIN)
    due = utc(2026, 3, 29, 1)
    assert previous_due(gap, due) == due
    assert previous_due(gap, due - SECOND) == utc(2026, 3, 22, 1, 30)
    assert next_due(gap, due - SECOND) == due
    fold = Schedule(6, time(2, 30), BERLIN)
    first = utc(2026, 10, 25, 0, 30)  # 02:30 CEST; 02:30 CET an hour later is not due
    assert previous_due(fold, first + timedelta(hours=1)) == first
    assert next_due(fold, first + timedelta(hours=1)) == utc(2026, 11, 1, 1, 30)


def test_a_due_moment_before_the_clocks_go_back_past_midnight() -> None:
    # Newfoundland fell back from Sunday 00:01 to Saturday 23:01 until 2010: at 23:10 on the
    # second Saturday evening, Sunday 00:00 (the first time) is already past.
    sunday_midnight = Schedule(6, time(0), "America/St_Johns")
    now = utc(2009, 11, 1, 2, 40)
    assert local(now, "America/St_Johns") == datetime(2009, 10, 31, 23, 10)
    assert previous_due(sunday_midnight, now) == utc(2009, 11, 1, 2, 30)
    assert next_due(sunday_midnight, now) == utc(2009, 11, 8, 3, 30)
    assert week_key(sunday_midnight, utc(2009, 11, 1, 2, 30)) == "2009-W44"


# --- week keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "due", "key"),
    [
        (MONDAY_9_BERLIN, DUE, "2026-W48"),
        (MONDAY_9_BERLIN, NEXT_WEEK, "2026-W49"),
        # Sunday 23:30 in Shanghai is Sunday 15:30 UTC: the same ISO week either way.
        (Schedule(6, time(23, 30), SHANGHAI), utc(2026, 11, 29, 15, 30), "2026-W48"),
        # Monday 00:30 in Shanghai is still Sunday in UTC, but the local Monday's week counts.
        (Schedule(0, time(0, 30), SHANGHAI), utc(2026, 11, 29, 16, 30), "2026-W49"),
        # Sunday 23:30 in New York is already Monday in UTC; the local Sunday counts.
        (Schedule(6, time(23, 30), NEW_YORK), utc(2026, 11, 30, 4, 30), "2026-W48"),
        # ISO years: 31 December 2024 is in 2025's first week, 3 January 2027 in 2026's last.
        (Schedule(1, time(9), "UTC"), utc(2024, 12, 31, 9), "2025-W01"),
        (Schedule(6, time(9), "UTC"), utc(2027, 1, 3, 9), "2026-W53"),
        # A gap pushed Sunday 23:30 (Algiers, 1971) to Monday 00:00: still Sunday's week.
        (Schedule(6, time(23, 30), "Africa/Algiers"), utc(1971, 4, 25, 23), "1971-W16"),
        (Schedule(6, time(23, 30), "Africa/Algiers"), utc(1971, 5, 2, 22, 30), "1971-W17"),
        (Schedule(5, time(23, 30), "America/Nuuk"), utc(2026, 3, 29, 1), "2026-W13"),
    ],
)
def test_week_key(schedule: Schedule, due: datetime, key: str) -> None:
    assert week_key(schedule, due) == key
    assert week_key(schedule, due.astimezone(schedule.zone)) == key  # any zone, same key


def test_week_key_needs_a_due_moment() -> None:
    with pytest.raises(ValueError, match="is not when Mondays at 09:00"):
        week_key(MONDAY_9_BERLIN, DUE + SECOND)


def test_week_key_of_the_first_of_two_readings_of_a_wall_time() -> None:
    # An ambiguous local datetime compares unequal to every UTC one (PEP 495), so keys must
    # be computed in UTC: both spellings of the due moment give the key.
    fold = Schedule(6, time(2, 30), BERLIN)
    due = utc(2026, 10, 25, 0, 30)
    as_berlin = due.astimezone(ZoneInfo(BERLIN))
    assert as_berlin != due  # the surprise
    assert week_key(fold, as_berlin) == week_key(fold, due) == "2026-W43"


# --- what to post, and when ---------------------------------------------------------------


@dataclass
class Server:
    """What the caller keeps between ticks (and restarts): the schedule and the last key."""

    schedule: Schedule
    last_key: str | None = None
    posts: list[tuple[datetime, str]] = field(default_factory=list)

    def tick(self, now: datetime, grace: timedelta = GRACE) -> str | None:
        key = post_to_make(self.schedule, now, self.last_key, grace)
        if key is not None:
            self.last_key = key
            self.posts.append((now, key))
        return key


def ticks(start: datetime, end: datetime, every: timedelta) -> Iterator[datetime]:
    moment = start
    while moment < end:
        yield moment
        moment += every


def test_due_and_not_yet_posted() -> None:
    assert post_to_make(MONDAY_9_BERLIN, DUE, None, GRACE) == "2026-W48"
    assert post_to_make(MONDAY_9_BERLIN, DUE, "2026-W47", GRACE) == "2026-W48"


def test_not_before_the_due_moment() -> None:
    assert post_to_make(MONDAY_9_BERLIN, DUE - SECOND, "2026-W47", GRACE) is None
    assert post_to_make(MONDAY_9_BERLIN, DUE - SECOND, None, timedelta(days=30)) == "2026-W47"


def test_a_restart_at_the_posting_minute_does_not_post_again() -> None:
    server = Server(MONDAY_9_BERLIN)
    assert server.tick(DUE) == "2026-W48"
    assert server.tick(DUE) is None
    restarted = Server(MONDAY_9_BERLIN, last_key=server.last_key)  # only the key survives
    assert restarted.tick(DUE + timedelta(seconds=30)) is None
    assert restarted.tick(DUE + timedelta(hours=23)) is None


def test_down_over_the_due_moment_and_back_within_grace_posts_once() -> None:
    server = Server(MONDAY_9_BERLIN, last_key="2026-W47")
    assert server.tick(DUE - timedelta(minutes=1)) is None  # then down until 14:00
    assert server.tick(DUE + timedelta(hours=5)) == "2026-W48"
    assert [server.tick(DUE + timedelta(hours=h)) for h in range(6, 30)] == [None] * 24


@pytest.mark.parametrize(
    ("late", "posts"),
    [
        (timedelta(0), True),
        (GRACE - SECOND, True),
        (GRACE, True),  # the grace window includes its end
        (GRACE + SECOND, False),
        (timedelta(days=6), False),
    ],
)
def test_back_after_grace_skips_the_week(late: timedelta, posts: bool) -> None:
    key = post_to_make(MONDAY_9_BERLIN, DUE + late, "2026-W47", GRACE)
    assert key == ("2026-W48" if posts else None)


def test_a_skipped_week_is_followed_by_the_next_one() -> None:
    server = Server(MONDAY_9_BERLIN, last_key="2026-W47")
    assert server.tick(DUE + timedelta(days=2)) is None
    assert server.tick(NEXT_WEEK - SECOND) is None
    assert server.tick(NEXT_WEEK) == "2026-W49"


def test_grace_zero_posts_only_at_the_due_moment() -> None:
    assert post_to_make(MONDAY_9_BERLIN, DUE, None, timedelta(0)) == "2026-W48"
    assert post_to_make(MONDAY_9_BERLIN, DUE + SECOND, None, timedelta(0)) is None
    with pytest.raises(ValueError, match="grace"):
        post_to_make(MONDAY_9_BERLIN, DUE, None, timedelta(seconds=-1))


def test_changing_the_schedule_mid_week_does_not_post_that_week_again() -> None:
    server = Server(MONDAY_9_BERLIN)
    assert server.tick(DUE) == "2026-W48"
    # On Tuesday a manager moves the post to Sundays; last Sunday is within grace of a
    # 3-day window but belongs to a week already done.
    server.schedule = Schedule(6, time(9), BERLIN)
    assert server.tick(DUE + timedelta(days=1), grace=timedelta(days=3)) is None
    # Moving it to Wednesdays waits for next Wednesday: this week is done.
    server.schedule = Schedule(2, time(9), BERLIN)
    assert server.tick(utc(2026, 11, 25, 8), grace=timedelta(days=3)) is None  # same W48
    assert server.tick(utc(2026, 12, 2, 8)) == "2026-W49"


@pytest.mark.parametrize("stored", ["now", "", "garbage", "2026-48", "W48"])
def test_a_last_key_that_is_not_a_week_counts_as_nothing_posted(stored: str) -> None:
    assert post_to_make(MONDAY_9_BERLIN, DUE, stored, GRACE) == "2026-W48"


@pytest.mark.parametrize(
    ("schedule", "start", "weeks"),
    [
        (Schedule(6, time(2, 30), BERLIN), utc(2026, 3, 1), 10),  # through the gap
        (Schedule(6, time(2, 30), BERLIN), utc(2026, 10, 1), 8),  # through the fold
        (Schedule(6, time(1, 30), NEW_YORK), utc(2026, 10, 15), 6),  # through the fold
        (Schedule(6, time(23, 30), SHANGHAI), utc(2026, 12, 1), 8),  # through New Year
        (Schedule(5, time(23, 30), "America/Nuuk"), utc(2026, 3, 1), 6),  # gap past midnight
    ],
)
def test_a_bot_ticking_every_ten_minutes_posts_once_a_week_on_time(
    schedule: Schedule, start: datetime, weeks: int
) -> None:
    server = Server(schedule)
    every = timedelta(minutes=10)
    for now in ticks(start, start + weeks * WEEK, every):
        server.tick(now)
    expected = []
    due = next_due(schedule, start)
    while due < start + weeks * WEEK:
        expected.append(due)
        due = next_due(schedule, due)
    assert len(server.posts) == len(expected) == weeks
    for (posted_at, key), due in zip(server.posts, expected, strict=True):
        assert due <= posted_at < due + every
        assert key == week_key(schedule, due)
    keys = [key for _, key in server.posts]
    assert keys == sorted(set(keys))


def test_a_bot_that_is_often_down_posts_at_most_once_a_week() -> None:
    server = Server(MONDAY_9_BERLIN)
    start = utc(2026, 1, 1)
    rng = random.Random(7)
    down: set[int] = set()
    for hour in range(0, 24 * 7 * 20, 12):  # down in random 12-hour stretches
        if rng.random() < 0.4:
            down.update(range(hour, hour + 12))
    for minutes in range(0, 60 * 24 * 7 * 20, 15):
        if minutes // 60 not in down:
            server.tick(start + timedelta(minutes=minutes))
    keys = [key for _, key in server.posts]
    assert len(keys) == len(set(keys)) and keys == sorted(keys)
    for posted_at, key in server.posts:
        due = previous_due(MONDAY_9_BERLIN, posted_at)
        assert week_key(MONDAY_9_BERLIN, due) == key and posted_at - due <= GRACE
    assert 10 <= len(keys) <= 20


ZONES = st.sampled_from(
    [
        "UTC",
        BERLIN,
        NEW_YORK,
        SHANGHAI,
        "America/Nuuk",
        "Australia/Lord_Howe",
        "Australia/Sydney",
        "Asia/Kathmandu",
        "Pacific/Chatham",
        "Pacific/Apia",
        "America/Santiago",
        "Africa/Casablanca",
        "Asia/Tehran",
        "America/St_Johns",
    ]
)
MOMENTS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2045, 1, 1), timezones=st.just(UTC)
)
SCHEDULES = st.builds(
    Schedule,
    weekday=st.integers(0, 6),
    at=st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
    tz=ZONES,
)


@settings(max_examples=300, deadline=None)
@given(schedule=SCHEDULES, now=MOMENTS)
def test_due_moments_surround_now(schedule: Schedule, now: datetime) -> None:
    before, after = previous_due(schedule, now), next_due(schedule, now)
    assert before <= now < after
    assert timedelta(days=5) < after - before < timedelta(days=9)
    assert previous_due(schedule, before) == before and next_due(schedule, before) == after
    assert previous_due(schedule, after) == after
    assert next_due(schedule, after - timedelta(microseconds=1)) == after
    assert week_key(schedule, before) < week_key(schedule, after)
    for due in (before, after):
        # The scheduled wall time on the scheduled date, or, when the clocks skipped it, a
        # clock change that jumped over it.
        wall, zone = local(due, schedule.tz), schedule.zone
        day = wall.date() - timedelta(days=(wall.weekday() - schedule.weekday) % 7)
        scheduled = datetime.combine(day, schedule.at)
        if wall != scheduled:
            assert local(due - SECOND, schedule.tz) < scheduled < wall
            assert (due - SECOND).astimezone(zone).utcoffset() != due.astimezone(zone).utcoffset()


@settings(max_examples=200, deadline=None)
@given(
    schedule=SCHEDULES,
    now=MOMENTS,
    grace=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
)
def test_post_to_make_is_the_latest_due_week_within_grace(
    schedule: Schedule, now: datetime, grace: timedelta
) -> None:
    due = previous_due(schedule, now)
    key = post_to_make(schedule, now, None, grace)
    assert key == (week_key(schedule, due) if now - due <= grace else None)
    if key is not None:
        assert post_to_make(schedule, now, key, grace) is None
        assert post_to_make(schedule, next_due(schedule, now), key, grace) not in (None, key)


# --- the rotation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rotation",
    [Rotation(), Rotation(("a", "b"), ()), Rotation((), ("a",)), Rotation(("c", "a"), ("b", "ü"))],
)
def test_rotation_json_round_trip(rotation: Rotation) -> None:
    assert Rotation.from_json(rotation.to_json()) == rotation


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "null",
        "[]",
        '"remaining"',
        "42",
        '{"remaining": "ab"}',
        '{"remaining": [1, 2]}',
        '{"posted": [null]}',
        '{"remaining": {"a": 1}}',
        "[" * 100_000,
    ],
)
def test_a_damaged_rotation_is_empty(text: str) -> None:
    assert Rotation.from_json(text) == Rotation()


def test_a_rotation_with_missing_parts_keeps_the_rest() -> None:
    assert Rotation.from_json('{"remaining": ["a"]}') == Rotation(("a",), ())
    assert Rotation.from_json("{}") == Rotation()


def test_reconcile_drops_gone_papers_and_keeps_the_order() -> None:
    rotation = Rotation(("a", "b", "c", "d"), ("x", "y"))
    after = reconcile(rotation, ["d", "c", "b", "y", "x"], random.Random(1))
    assert after == Rotation(("b", "c", "d"), ("x", "y"))


def test_reconcile_keeps_posted_papers_that_left_until_the_cycle_ends() -> None:
    after = reconcile(Rotation(("a",), ("x", "y")), ["a", "y"], random.Random(1))
    assert after == Rotation(("a",), ("x", "y"))


def test_reconcile_puts_new_papers_at_random_places() -> None:
    rotation = Rotation(("a", "b", "c", "d"), ("x",))
    places = set()
    for seed in range(50):
        after = reconcile(rotation, ["a", "b", "c", "d", "x", "new"], random.Random(seed))
        assert after.posted == ("x",)
        assert [i for i in after.remaining if i != "new"] == ["a", "b", "c", "d"]
        places.add(after.remaining.index("new"))
    assert places == {0, 1, 2, 3, 4}


def test_reconcile_mends_a_damaged_rotation() -> None:
    rotation = Rotation(("a", "a", "b", "x"), ("x", "x"))
    assert reconcile(rotation, ["a", "b", "x"], random.Random(1)) == Rotation(("a", "b"), ("x",))


def test_next_paper_of_an_empty_catalogue() -> None:
    assert next_paper(Rotation(), [], random.Random(1)) == (None, Rotation())
    rotation = Rotation(("a",), ("b",))
    assert next_paper(rotation, [], random.Random(1)) == (None, Rotation((), ("b",)))


def test_next_paper_takes_the_first_remaining() -> None:
    rotation = Rotation(("b", "c"), ("a",))
    assert next_paper(rotation, ["a", "b", "c"], random.Random(1)) == (
        "b",
        Rotation(("c",), ("a", "b")),
    )


def test_a_cycle_posts_every_paper_once() -> None:
    ids = [f"p{n}" for n in range(20)]
    rng, rotation = random.Random(3), Rotation()
    picks = []
    for _ in range(20):
        pick, rotation = next_paper(rotation, ids, rng)
        picks.append(pick)
    assert sorted(picks) == sorted(ids) and picks != ids  # shuffled
    assert rotation == Rotation((), tuple(picks))


def test_a_new_cycle_never_starts_with_the_paper_posted_last() -> None:
    for seed in range(100):
        rng, rotation, picks = random.Random(seed), Rotation(), []
        for _ in range(20):
            pick, rotation = next_paper(rotation, ["a", "b"], rng)
            picks.append(pick)
        assert all(x != y for x, y in pairwise(picks))


def test_one_paper_is_posted_every_week() -> None:
    rng, rotation = random.Random(1), Rotation()
    for _ in range(3):
        pick, rotation = next_paper(rotation, ["only"], rng)
        assert pick == "only"


def test_a_paper_dropped_and_restored_in_a_cycle_is_not_posted_again() -> None:
    ids = ["a", "b", "c", "d"]
    rng = random.Random(5)
    first, rotation = next_paper(Rotation(), ids, rng)
    without = [i for i in ids if i != first]
    pick, rotation = next_paper(rotation, without, rng)  # a broken edit drops it ...
    picks = [pick]
    for _ in range(2):
        pick, rotation = next_paper(rotation, ids, rng)  # ... and the fix restores it
        picks.append(pick)
    assert first not in picks and sorted([first, *picks]) == ids


def test_duplicate_ids_in_a_catalogue_count_once() -> None:
    rng, rotation, picks = random.Random(2), Rotation(), []
    for _ in range(3):
        pick, rotation = next_paper(rotation, ["a", "b", "a", "c", "b"], rng)
        picks.append(pick)
    assert sorted(picks) == ["a", "b", "c"]


POOL = [f"paper-{n}" for n in range(8)]
CATALOGUES = st.lists(st.sampled_from(POOL), unique=True, max_size=len(POOL))
# Each step is a pick after an optional reload: None keeps the catalogue as it was.
STEPS = st.lists(st.one_of(st.none(), st.none(), st.none(), CATALOGUES), min_size=1, max_size=40)


def run(
    seed: int, first: list[str], steps: list[list[str] | None]
) -> list[tuple[list[str], str | None, Rotation]]:
    """Picks through stored JSON, as the bot does: (catalogue, pick, rotation) per step."""
    rng, stored, ids = random.Random(seed), Rotation().to_json(), first
    history = []
    for step in steps:
        ids = ids if step is None else step
        pick, rotation = next_paper(Rotation.from_json(stored), ids, rng)
        stored = rotation.to_json()
        history.append((ids, pick, rotation))
    return history


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), first=CATALOGUES, steps=STEPS)
def test_rotation_properties(seed: int, first: list[str], steps: list[list[str] | None]) -> None:
    history = run(seed, first, steps)
    assert run(seed, first, steps) == history  # the same seed, the same sequence
    starts = [n for n, (_, pick, rotation) in enumerate(history) if rotation.posted == (pick,)]
    for ids, pick, rotation in history:
        assert (pick is None) == (not ids)
        assert pick is None or pick in ids
        assert set(rotation.remaining) <= set(ids) and not set(rotation.remaining) & set(
            rotation.posted
        )
    last = None
    for n, (ids, pick, _) in enumerate(history):
        if n in starts and last is not None and len(ids) >= 2:
            assert pick != last  # a new cycle does not repeat the last paper
        last = pick if pick is not None else last
    for start, end in pairwise([*starts, None]):
        cycle = history[start:end]
        picks = [pick for _, pick, _ in cycle if pick is not None]
        assert len(picks) == len(set(picks))  # no paper twice in a cycle
        if end is not None:
            # Every paper in the catalogue throughout, up to the call that began the next
            # cycle, was posted.
            throughout = set.intersection(*(set(ids) for ids, _, _ in history[start : end + 1]))
            assert throughout <= set(picks)


def test_different_seeds_give_different_orders() -> None:
    ids = [f"p{n}" for n in range(10)]
    orders = set()
    for seed in range(10):
        rng, rotation, picks = random.Random(seed), Rotation(), []
        for _ in range(10):
            pick, rotation = next_paper(rotation, ids, rng)
            picks.append(pick)
        orders.add(tuple(picks))
    assert len(orders) == 10
