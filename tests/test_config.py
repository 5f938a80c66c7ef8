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
