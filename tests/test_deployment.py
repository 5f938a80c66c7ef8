"""No Docker engine runs here, so the deployment files are checked against the code: what
compose passes exists in the settings, the volume is where the database goes, and the
health check is a command the bot has (it passes against a running bot in tests/e2e)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.__main__ import build_parser
from bot.config import ENVIRONMENT, Settings
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
BOT = COMPOSE["services"]["bot"]


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def dockerfile(instruction: str) -> list[str]:
    return re.findall(rf"^{instruction}\s+(.+)$", DOCKERFILE, re.MULTILINE)


def test_compose_runs_one_bot_service_that_restarts_and_reads_dotenv() -> None:
    assert list(COMPOSE["services"]) == ["bot"]
    assert BOT["env_file"] == ".env"
    assert BOT["restart"] == "unless-stopped"
    assert BOT["build"] == "."


def test_every_setting_passed_exists_and_every_setting_is_documented() -> None:
    assert set(BOT["environment"]) <= set(ENVIRONMENT)
    assert set(env_example()) == set(ENVIRONMENT)
    for key in ENVIRONMENT:
        assert key in (ROOT / "README.md").read_text(encoding="utf-8"), key


def test_the_example_settings_are_valid() -> None:
    example = {k: v for k, v in env_example().items() if v}
    Settings.from_mapping(example)  # raises SettingsError on a bad default


def test_the_database_lives_on_the_named_volume() -> None:
    db = Path(BOT["environment"]["READINGLIST_DB"])
    [mount] = BOT["volumes"]
    volume, target = mount.split(":")
    assert volume in COMPOSE["volumes"]
    assert db.parent == Path(target)
    assert Settings.from_mapping(BOT["environment"]).db_path == db
    assert f"ENV READINGLIST_DB={db}" in DOCKERFILE
    assert str(db.parent) in dockerfile("VOLUME")[0]


def test_the_health_check_is_a_command_of_the_bot() -> None:
    assert BOT["healthcheck"]["test"] == ["CMD", "readinglist-bot", "health"]
    assert '"readinglist-bot", "health"' in DOCKERFILE
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"run", "health", "load", "ask", "sync"} <= set(commands)


def test_the_image_runs_as_a_non_root_user_from_a_slim_python() -> None:
    assert dockerfile("FROM")[0].startswith("python:3.11-slim")
    [user] = dockerfile("USER")
    assert user not in ("root", "0")
    assert dockerfile("CMD")[-1] == '["readinglist-bot", "run"]'
    assert "pip install" in DOCKERFILE and "pyproject.toml" in DOCKERFILE


def test_the_sharded_compose_file_splits_one_shard_count_over_one_volume() -> None:
    sharded = yaml.safe_load((ROOT / "docker-compose.shards.yml").read_text(encoding="utf-8"))
    services = sharded["services"].values()
    settings = [Settings.from_mapping(service["environment"]) for service in services]
    assert len({s.shards for s in settings}) == 1 and isinstance(settings[0].shards, int)
    covered = [i for s in settings for i in s.shard_ids or ()]
    assert sorted(covered) == list(range(settings[0].shards))  # each shard exactly once
    assert len({s.instance for s in settings}) == len(settings)
    assert len({s.db_path for s in settings}) == 1
    for service in services:
        assert service["volumes"] == BOT["volumes"] and service["healthcheck"] == BOT["healthcheck"]
        assert set(service["environment"]) <= set(ENVIRONMENT)
