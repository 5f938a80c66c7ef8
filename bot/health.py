"""`readinglist-bot health`: is this bot process alive? Pure verdict over what the store says.

Each process (each container of a deployment, or each shard range) writes its own heartbeat
under its instance name, so one container's health is never read from another's heartbeat.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def shard_name(instance: str, shard_id: int) -> str:
    """The heartbeat name of one shard of the process `instance`: each shard writes its own."""
    return f"{instance}:shard-{shard_id}"


def shard_verdict(
    health: Health, instance: str, shard_ids: Sequence[int] | None, now: datetime
) -> tuple[bool, str]:
    """Healthy only if every shard of the process `instance` is, with a line per shard. With
    `shard_ids` None (DISCORD_SHARDS=auto), the shards are those that have written a heartbeat."""
    prefix = shard_name(instance, 0).removesuffix("0")
    if shard_ids is None:
        tails = (name.removeprefix(prefix) for name in health.heartbeats if name.startswith(prefix))
        shard_ids = sorted(int(tail) for tail in tails if tail.isdigit())
    if not shard_ids:
        return False, (
            f"unhealthy: no heartbeat yet from any shard of {instance!r} "
            "(the bot has not connected to Discord)"
        )
    verdicts = [(i, *verdict(health, shard_name(instance, i), now)) for i in shard_ids]
    return all(ok for _, ok, _ in verdicts), "\n".join(
        f"shard {i}: {reason}" for i, _, reason in verdicts
    )


def check(db: Path, instance: str, now: datetime) -> tuple[bool, str]:
    """The verdict for the process `instance` on the database at `db`."""
    try:
        health = read_health(db)
    except StoreError as exc:
        return False, f"unhealthy: {exc}"
    return verdict(health, instance, now)


def check_process(
    db: Path, instance: str, now: datetime, *, sharded: bool, shard_ids: Sequence[int] | None
) -> tuple[bool, str]:
    """The verdict for this process as configured: its one heartbeat, or each shard's."""
    if not sharded:
        return check(db, instance, now)
    try:
        health = read_health(db)
    except StoreError as exc:
        return False, f"unhealthy: {exc}"
    return shard_verdict(health, instance, shard_ids, now)
