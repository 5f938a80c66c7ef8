"""The paper of the week, one package: when it is due (`schedule`), which paper (`rotation`),
what a server's state becomes at a moment (`plan`), the bookkeeping of a post (`poster`)
and the Discord glue (`cog`). Everything but the cog is free of Discord.

The pure API is re-exported here; the cog is loaded as the extension `bot.weekly.cog`.
"""

from __future__ import annotations

from bot.weekly.rotation import Rotation, next_paper, reconcile
from bot.weekly.schedule import (
    WEEK,
    Schedule,
    ScheduleError,
    next_due,
    occurrence,
    parse_day,
    parse_time,
    parse_timezone,
    post_to_make,
    previous_due,
    timezone_choices,
    week_key,
)

__all__ = [
    "WEEK",
    "Rotation",
    "Schedule",
    "ScheduleError",
    "next_due",
    "next_paper",
    "occurrence",
    "parse_day",
    "parse_time",
    "parse_timezone",
    "post_to_make",
    "previous_due",
    "reconcile",
    "timezone_choices",
    "week_key",
]
