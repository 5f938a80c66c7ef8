"""Settings: read once from a mapping (os.environ in production, a dict in tests)."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from bot.weekly import parse_day, parse_time, parse_timezone

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
# Every environment variable the bot reads (documented in .env.example and the README).
ENVIRONMENT = (
    "DISCORD_TOKEN",
    "READINGLIST_CATALOGUE",
    "READINGLIST_REFRESH",
    "READINGLIST_RELOAD",
    "READINGLIST_DB",
    "DISCORD_GUILD_ID",
    "LOG_LEVEL",
    "WEEKLY_CHANNEL_ID",
    "WEEKLY_DAY",
    "WEEKLY_TIME",
    "WEEKLY_TZ",
    "WEEKLY_GRACE",
    "READINGLIST_METADATA",
    "READINGLIST_METADATA_TTL",
    "ARXIV_API_URL",
    "SEMANTIC_SCHOLAR_API_URL",
    "SEMANTIC_SCHOLAR_API_KEY",
    "READINGLIST_INSTANCE",
    "DISCORD_SHARDS",
    "DISCORD_SHARD_IDS",
)
ARXIV_API_URL = "http://export.arxiv.org/api/query"
SEMANTIC_SCHOLAR_API_URL = "https://api.semanticscholar.org/graph/v1"
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
    log_level_set: bool = False  # LOG_LEVEL was given (else the console and `ask` stay quiet)
    refresh: timedelta | None = None  # re-read the list this often (READINGLIST_REFRESH)
    reload_access: str = "managers"  # who may /reload: "managers" (and the owner) or "owner"
    weekly_channel_id: int | None = None  # a default weekly channel (single-server setups)
    weekly_day: str = "monday"
    weekly_time: str = "09:00"
    weekly_tz: str = "UTC"
    weekly_grace: timedelta = timedelta(hours=24)  # how late a missed weekly post still goes
    # Paper metadata (bot.metadata): on or off, refreshed this often, and from where.
    metadata_enabled: bool = True
    metadata_ttl: timedelta = timedelta(days=30)
    arxiv_api_url: str = ARXIV_API_URL
    semantic_scholar_api_url: str = SEMANTIC_SCHOLAR_API_URL
    semantic_scholar_api_key: str | None = field(default=None, repr=False)
    # Seconds between requests: arXiv asks for one every 3 s; Semantic Scholar allows one a
    # second with a key. Not settings a deployment needs; tests and benchmarks shorten them.
    arxiv_interval: float = 3.0
    scholar_interval: float = 1.0
    instance: str = "bot"  # this process's name in the heartbeats `health` reads
    # Sharding (DISCORD_SHARDS): None runs one plain gateway session as before; "auto" asks
    # Discord for the count; a number fixes it. shard_ids: the shards this process runs
    # (DISCORD_SHARD_IDS; None: all of them).
    shards: int | str | None = None
    shard_ids: tuple[int, ...] | None = None

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
        shards, shard_ids = _sharding(env)
        return cls(
            catalogues=catalogues,
            db_path=Path(db).expanduser() if db else data_dir / "readinglist.db",
            data_dir=data_dir,
            token=_token(env),
            guild_id=_snowflake(env, "DISCORD_GUILD_ID"),
            log_level=level,
            log_level_set=bool(env.get("LOG_LEVEL", "").strip()),
            refresh=_duration(env, "READINGLIST_REFRESH", minimum=timedelta(minutes=1)),
            reload_access=_choice(env, "READINGLIST_RELOAD", ("managers", "owner")),
            weekly_channel_id=_snowflake(env, "WEEKLY_CHANNEL_ID"),
            weekly_day=_checked(env, "WEEKLY_DAY", "monday", parse_day),
            weekly_time=_checked(env, "WEEKLY_TIME", "09:00", parse_time),
            weekly_tz=_checked(env, "WEEKLY_TZ", "UTC", parse_timezone),
            weekly_grace=_duration(env, "WEEKLY_GRACE") or timedelta(hours=24),
            metadata_enabled=_choice(env, "READINGLIST_METADATA", ("on", "off")) == "on",
            metadata_ttl=_duration(env, "READINGLIST_METADATA_TTL", minimum=timedelta(hours=1))
            or timedelta(days=30),
            arxiv_api_url=_url(env, "ARXIV_API_URL", ARXIV_API_URL),
            semantic_scholar_api_url=_url(
                env, "SEMANTIC_SCHOLAR_API_URL", SEMANTIC_SCHOLAR_API_URL
            ).rstrip("/"),
            semantic_scholar_api_key=env.get("SEMANTIC_SCHOLAR_API_KEY", "").strip() or None,
            instance=_instance(env),
            shards=shards,
            shard_ids=shard_ids,
        )

    @property
    def sharded(self) -> bool:
        """Whether the bot runs as an AutoShardedBot (DISCORD_SHARDS is set)."""
        return self.shards is not None

    @property
    def shard_list(self) -> tuple[int, ...] | None:
        """The shards this process runs, when known before connecting (None for "auto")."""
        if self.shard_ids is not None:
            return self.shard_ids
        return tuple(range(self.shards)) if isinstance(self.shards, int) else None

    @property
    def shard_count(self) -> int | None:
        """The fixed shard count, or None (unsharded, or "auto")."""
        return self.shards if isinstance(self.shards, int) else None

    def logging_level(self) -> int:
        """The numeric logging level."""
        return logging.getLevelNamesMapping()[self.log_level]


def list_database(default: Path, catalogues: Sequence[str]) -> Path:
    """The database of a list given with `--catalogue` but no `--db`: beside the default
    one, named after the list (`readinglist-foundations-of-llms-paper-list.db`), so a
    one-off look at another list never replaces the default list in the default database."""
    names = [_slug(PurePosixPath(urlsplit(c).path if "://" in c else c).stem) for c in catalogues]
    slug = "+".join(n for n in names if n)[:80] or "list"
    return default.with_name(f"{default.stem}-{slug}{default.suffix or '.db'}")


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower(), flags=re.ASCII).strip("-_")


def _split(value: str) -> tuple[str, ...]:
    """Several catalogues are separated by commas or new lines."""
    return tuple(p.strip() for p in value.replace("\n", ",").split(",") if p.strip())


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(
    env: Mapping[str, str], key: str, minimum: timedelta | None = None
) -> timedelta | None:
    """A duration such as 90s, 30m, 6h or 2d."""
    value = env.get(key, "").strip().lower()
    if not value:
        return None
    number, unit = value[:-1], value[-1]
    if unit not in _UNITS or not number.isdigit() or int(number) == 0:
        raise SettingsError(f"{key} must be a duration such as 30m, 6h or 1d, not {value!r}")
    duration = timedelta(seconds=int(number) * _UNITS[unit])
    if minimum and duration < minimum:
        raise SettingsError(f"{key} must be at least {int(minimum.total_seconds())} seconds")
    return duration


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...]) -> str:
    value = env.get(key, "").strip().lower() or choices[0]
    if value not in choices:
        raise SettingsError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _checked(env: Mapping[str, str], key: str, default: str, parse: Callable[[str], object]) -> str:
    """A weekly default, checked now so a typo stops start-up rather than the first post."""
    value = env.get(key, "").strip() or default
    try:
        parse(value)
    except ValueError as exc:
        raise SettingsError(f"{key}: {exc}") from None
    return value


def _url(env: Mapping[str, str], key: str, default: str) -> str:
    value = env.get(key, "").strip() or default
    if not value.lower().startswith(("http://", "https://")) or any(c.isspace() for c in value):
        raise SettingsError(f"{key} must be an http(s) URL, not {value!r}")
    return value


def _token(env: Mapping[str, str]) -> str | None:
    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        return None
    if any(c.isspace() for c in token) or not token.isascii() or len(token) < 20:
        # Never echo the token itself: it is a secret.
        raise SettingsError("DISCORD_TOKEN does not look like a bot token (copy it again)")
    return token


def _instance(env: Mapping[str, str]) -> str:
    """READINGLIST_INSTANCE, else the host name: each container of a deployment has its own,
    and a restarted container keeps it."""
    name = env.get("READINGLIST_INSTANCE", "").strip() or env.get("HOSTNAME", "").strip()
    name = name or socket.gethostname() or "bot"
    if len(name) > 100 or not name.isprintable():
        raise SettingsError("READINGLIST_INSTANCE must be a short name such as bot-1")
    return name


_MAX_SHARDS = 10_000


def _sharding(env: Mapping[str, str]) -> tuple[int | str | None, tuple[int, ...] | None]:
    """DISCORD_SHARDS (auto or a count) and DISCORD_SHARD_IDS (0-3, or 0,2: this process's
    shards, which need a fixed count so that every process agrees on it)."""
    shards_value = env.get("DISCORD_SHARDS", "").strip().lower()
    ids_value = env.get("DISCORD_SHARD_IDS", "").strip()
    shards: int | str | None = None
    if shards_value == "auto":
        shards = "auto"
    elif shards_value:
        if not shards_value.isdigit() or not 0 < int(shards_value) <= _MAX_SHARDS:
            raise SettingsError(
                f"DISCORD_SHARDS must be auto or a count such as 4, not {shards_value!r}"
            )
        shards = int(shards_value)
    if not ids_value:
        return shards, None
    if not isinstance(shards, int):
        raise SettingsError("DISCORD_SHARD_IDS needs DISCORD_SHARDS set to the total shard count")
    ids: set[int] = set()
    for part in ids_value.split(","):
        low, _, high = part.strip().partition("-")
        if not low.isdigit() or not (high or low).isdigit() or int(low) > int(high or low):
            raise SettingsError(
                "DISCORD_SHARD_IDS must be a range such as 0-3 or a list such as 0,2, "
                f"not {ids_value!r}"
            )
        ids.update(range(int(low), int(high or low) + 1))
    if max(ids) >= shards:
        raise SettingsError(
            f"DISCORD_SHARD_IDS: shard {max(ids)} is past DISCORD_SHARDS={shards} (ids start at 0)"
        )
    return shards, tuple(sorted(ids))


def _snowflake(env: Mapping[str, str], key: str) -> int | None:
    value = env.get(key, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**64:
        raise SettingsError(f"{key} must be a Discord id (a number such as 123456789012345678)")
    return int(value)
