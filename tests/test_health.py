"""The health verdict of a sharded process: one line a shard, healthy only if all are."""

from __future__ import annotations

from datetime import timedelta

from bot.health import shard_name, shard_verdict
from bot.store import Health
from tests.conftest import NOW


def health(*beats: tuple[str, timedelta]) -> Health:
    return Health({name: ((NOW - age).isoformat(), "") for name, age in beats}, papers=10)


def test_every_shard_of_the_process_is_reported() -> None:
    beats = health((shard_name("h", 0), timedelta(seconds=5)), (shard_name("h", 1), timedelta()))
    ok, reason = shard_verdict(beats, "h", (0, 1), NOW)
    assert ok
    assert reason.splitlines() == [
        "shard 0: healthy: gateway heartbeat 5 s ago, 10 papers",
        "shard 1: healthy: gateway heartbeat 0 s ago, 10 papers",
    ]


def test_one_shard_down_makes_the_process_unhealthy() -> None:
    beats = health((shard_name("h", 0), timedelta(minutes=5)), (shard_name("h", 1), timedelta()))
    ok, reason = shard_verdict(beats, "h", (0, 1, 2), NOW)
    assert not ok
    zero, one, two = reason.splitlines()
    assert zero.startswith("shard 0: unhealthy: last gateway heartbeat 300 s ago")
    assert one.startswith("shard 1: healthy")
    assert two.startswith("shard 2: unhealthy: no heartbeat yet from 'h:shard-2'")


def test_with_auto_shards_the_shards_that_beat_are_read_and_others_ignored() -> None:
    beats = health(
        (shard_name("h", 3), timedelta()),
        (shard_name("other", 0), timedelta(hours=1)),
        ("h", timedelta(hours=1)),
    )
    assert shard_verdict(beats, "h", None, NOW) == (
        True,
        "shard 3: healthy: gateway heartbeat 0 s ago, 10 papers",
    )
    ok, reason = shard_verdict(beats, "nobody", None, NOW)
    assert not ok and "no heartbeat yet from any shard of 'nobody'" in reason
