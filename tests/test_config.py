"""Settings from a mapping: defaults, every setting, and one clear line per bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError

SECRET = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gabcde.abcdefghijklmnopqrstuvwxyz0123456789"


def test_defaults_come_from_the_data_folder(tmp_path: Path) -> None:
    settings = Settings.from_mapping({}, data_dir=tmp_path)
    assert settings.catalogues == (str(tmp_path / "reading-list.md"),)
    assert settings.db_path == tmp_path / "readinglist.db"
    assert settings.token is None and settings.guild_id is None and settings.log_level == "INFO"


def test_every_setting() -> None:
    settings = Settings.from_mapping(
        {
            "DISCORD_TOKEN": SECRET,
            "READINGLIST_CATALOGUE": "a.md, b.md\nc.md",
            "READINGLIST_DB": "/tmp/x.db",
            "DISCORD_GUILD_ID": "123456789012345678",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.catalogues == ("a.md", "b.md", "c.md")
    assert settings.db_path == Path("/tmp/x.db")
    assert settings.guild_id == 123456789012345678
    assert settings.log_level == "DEBUG"
    assert settings.token == SECRET
    assert SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DISCORD_GUILD_ID": "abc"}, "DISCORD_GUILD_ID"),
        ({"DISCORD_GUILD_ID": "-5"}, "DISCORD_GUILD_ID"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DISCORD_TOKEN": "has spaces in it but is long"}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "short"}, "DISCORD_TOKEN"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping(env)
    message = str(caught.value)
    assert message.startswith(named) and "\n" not in message
    assert env.get("DISCORD_TOKEN", "@@") not in message


def test_without_shard_settings_the_bot_is_unsharded() -> None:
    settings = Settings.from_mapping({})
    assert not settings.sharded and settings.shards is None and settings.shard_list is None


@pytest.mark.parametrize(
    ("env", "shards", "ids", "shard_list"),
    [
        ({"DISCORD_SHARDS": "auto"}, "auto", None, None),
        ({"DISCORD_SHARDS": " AUTO "}, "auto", None, None),
        ({"DISCORD_SHARDS": "4"}, 4, None, (0, 1, 2, 3)),
        ({"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "2-3"}, 4, (2, 3), (2, 3)),
        ({"DISCORD_SHARDS": "8", "DISCORD_SHARD_IDS": "0,2, 5-6"}, 8, (0, 2, 5, 6), (0, 2, 5, 6)),
        ({"DISCORD_SHARDS": "2", "DISCORD_SHARD_IDS": "1"}, 2, (1,), (1,)),
    ],
)
def test_shard_settings(
    env: dict[str, str], shards: object, ids: object, shard_list: object
) -> None:
    settings = Settings.from_mapping(env)
    assert settings.sharded
    assert (settings.shards, settings.shard_ids, settings.shard_list) == (shards, ids, shard_list)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DISCORD_SHARDS": "0"}, "DISCORD_SHARDS"),
        ({"DISCORD_SHARDS": "many"}, "DISCORD_SHARDS"),
        ({"DISCORD_SHARDS": "-2"}, "DISCORD_SHARDS"),
        ({"DISCORD_SHARD_IDS": "0-1"}, "DISCORD_SHARD_IDS"),  # no count: processes must agree
        ({"DISCORD_SHARDS": "auto", "DISCORD_SHARD_IDS": "0"}, "DISCORD_SHARD_IDS"),
        ({"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "3-1"}, "DISCORD_SHARD_IDS"),
        ({"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "0-4"}, "DISCORD_SHARD_IDS"),
        ({"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "a"}, "DISCORD_SHARD_IDS"),
        ({"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "1,,2"}, "DISCORD_SHARD_IDS"),
    ],
)
def test_a_bad_shard_setting_is_one_line_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping(env)
    assert str(caught.value).startswith(named) and "\n" not in str(caught.value)
