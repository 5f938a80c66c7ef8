"""`readinglist-bot health`: is this bot process alive? Pure verdict over what the store says.

Each process (each container of a deployment, or each shard range) writes its own heartbeat
under its instance name, so one container's health is never read from another's heartbeat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.store import Health, StoreError, read_health

HEARTBEAT_EVERY = timedelta(seconds=30)  # how often a connected bot writes its heartbeat
MAX_AGE = timedelta(minutes=3)  # older than this, the bot is considered stuck or down


def verdict(health: Health, instance: str, now: datetime) -> tuple[bool, str]:
    """Healthy or not, and a one-line reason, for the process named `instance`."""
    beat = health.heartbeats.get(instance)
    if beat is None:
        return False, (
            f"unhealthy: no heartbeat yet from {instance!r} (the bot has not connected to Discord)"
        )
    stamp, problem = beat
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return False, f"unhealthy: unreadable heartbeat {stamp[:40]!r}"
    age = now - at
    if age > MAX_AGE:
        return False, f"unhealthy: last gateway heartbeat {int(age.total_seconds())} s ago"
    if problem:
        return False, f"unhealthy: {problem}"
    if health.papers == 0:
        return False, "unhealthy: no reading list loaded"
    return (
        True,
        f"healthy: gateway heartbeat {max(0, int(age.total_seconds()))} s ago, "
        f"{health.papers} papers",
    )


def check(db: Path, instance: str, now: datetime) -> tuple[bool, str]:
    """The verdict for the process `instance` on the database at `db`."""
    try:
        health = read_health(db)
    except StoreError as exc:
        return False, f"unhealthy: {exc}"
    return verdict(health, instance, now)
