"""Settings: read once from a mapping (os.environ in production, a dict in tests)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A missing or malformed setting; the message names it in one line."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot is configured with. The token is kept out of repr and logs."""

    catalogues: tuple[str, ...]
    db_path: Path
    data_dir: Path = PACKAGE_DATA
    token: str | None = field(default=None, repr=False)
    guild_id: int | None = None
    log_level: str = "INFO"

    @property
    def sections_table(self) -> Path:
        """The curated English names and slugs of section headings."""
        return self.data_dir / "sections.toml"

    @property
    def aliases_table(self) -> Path:
        """The curated nicknames of papers."""
        return self.data_dir / "aliases.toml"

    @classmethod
    def from_mapping(cls, env: Mapping[str, str], data_dir: Path = PACKAGE_DATA) -> Settings:
        """Build settings from environment-style strings; raises SettingsError naming the key."""
        catalogues = _split(env.get("READINGLIST_CATALOGUE", ""))
        if not catalogues:
            catalogues = (str(data_dir / "reading-list.md"),)
        db = env.get("READINGLIST_DB", "").strip()
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in _LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LEVELS)}, not {level!r}")
        return cls(
            catalogues=catalogues,
            db_path=Path(db).expanduser() if db else data_dir / "readinglist.db",
            data_dir=data_dir,
            token=_token(env),
            guild_id=_snowflake(env, "DISCORD_GUILD_ID"),
            log_level=level,
        )

    def logging_level(self) -> int:
        """The numeric logging level."""
        return logging.getLevelNamesMapping()[self.log_level]


def _split(value: str) -> tuple[str, ...]:
    """Several catalogues are separated by commas or new lines."""
    return tuple(p.strip() for p in value.replace("\n", ",").split(",") if p.strip())


def _token(env: Mapping[str, str]) -> str | None:
    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        return None
    if any(c.isspace() for c in token) or not token.isascii() or len(token) < 20:
        # Never echo the token itself: it is a secret.
        raise SettingsError("DISCORD_TOKEN does not look like a bot token (copy it again)")
    return token


def _snowflake(env: Mapping[str, str], key: str) -> int | None:
    value = env.get(key, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**64:
        raise SettingsError(f"{key} must be a Discord id (a number such as 123456789012345678)")
    return int(value)
