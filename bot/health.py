"""`readinglist-bot health`: is the bot alive? Pure verdict over what the store says."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.store import StoreError, read_health

HEARTBEAT_EVERY = timedelta(seconds=30)  # how often a connected bot writes its heartbeat
MAX_AGE = timedelta(minutes=3)  # older than this, the bot is considered stuck or down


def verdict(heartbeat: str | None, papers: int, now: datetime) -> tuple[bool, str]:
    """Healthy or not, and a one-line reason."""
    if heartbeat is None:
        return False, "unhealthy: no heartbeat yet (the bot has not connected to Discord)"
    try:
        beat = datetime.fromisoformat(heartbeat)
    except ValueError:
        return False, f"unhealthy: unreadable heartbeat {heartbeat[:40]!r}"
    age = now - beat
    if age > MAX_AGE:
        return False, f"unhealthy: last gateway heartbeat {int(age.total_seconds())} s ago"
    if papers == 0:
        return False, "unhealthy: no reading list loaded"
    return (
        True,
        f"healthy: gateway heartbeat {max(0, int(age.total_seconds()))} s ago, {papers} papers",
    )


def check(db: Path, now: datetime) -> tuple[bool, str]:
    """The verdict for the database at `db`."""
    try:
        heartbeat, papers = read_health(db)
    except StoreError as exc:
        return False, f"unhealthy: {exc}"
    return verdict(heartbeat, papers, now)
