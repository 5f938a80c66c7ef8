"""The newcomer's path through the command line (issue 15): quiet answers, clear errors."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from bot.config import list_database
from tests.conftest import FULL_LIST, ROOT
from tests.test_cli import cli

BUNDLED = ROOT / "data" / "reading-list.md"


def test_ask_prints_answers_only_unless_log_level_is_set(tmp_path: Path) -> None:
    env = {"READINGLIST_DB": str(tmp_path / "x.db")}
    out = cli("ask", "/paper rwkv", env=env)
    assert out.returncode == 0, out.stderr
    assert "RWKV" in out.stdout
    assert "INFO" not in out.stdout + out.stderr
    fresh = {"READINGLIST_DB": str(tmp_path / "y.db"), "LOG_LEVEL": "info"}
    loud = cli("ask", "/paper rwkv", env=fresh)
    assert "INFO bot.loader: catalogue read, not stored: 20 papers" in loud.stderr
    assert "INFO" not in loud.stdout


def test_load_prints_the_change_list_once(tmp_path: Path) -> None:
    listing = tmp_path / "list.md"
    text = BUNDLED.read_text(encoding="utf-8")
    listing.write_text(text, encoding="utf-8")
    db = str(tmp_path / "x.db")
    assert cli("load", "--catalogue", str(listing), "--db", db).returncode == 0
    extra = "\n1. **A Paper Added For The Test.** `arXiv 2401.00001`\n   *Ada Lovelace.*\n"
    listing.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    out = cli("load", "--catalogue", str(listing), "--db", db)
    assert out.returncode == 0, out.stderr
    both = out.stdout + out.stderr
    assert both.count("added") == 1, both
    assert "changes:" in out.stdout and out.stderr == ""


def test_debug_logs_the_bot_but_not_aiosqlite(tmp_path: Path) -> None:
    out = cli("load", "--db", str(tmp_path / "x.db"), env={"LOG_LEVEL": "debug"})
    assert out.returncode == 0, out.stderr
    assert "INFO bot.loader: catalogue loaded" in out.stderr
    assert "aiosqlite" not in out.stderr  # at DEBUG it logs every statement


def test_license_is_an_spdx_string_for_a_setuptools_that_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"  # a table makes setuptools warn on install
    assert "setuptools>=77" in project["build-system"]["requires"]


def test_a_missing_list_is_an_error_unless_the_database_holds_a_copy_of_it(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "x.db")
    assert cli("load", "--db", db).returncode == 0  # the bundled list
    out = cli(
        "ask", "/paper rwkv", env={"READINGLIST_CATALOGUE": "/nonexistent.md", "READINGLIST_DB": db}
    )
    assert out.returncode == 1 and out.stdout == ""
    assert "cannot read" in out.stderr and "holds another list" in out.stderr
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1
    # the same list, gone after it was stored: served from the database, said in one line
    listing = tmp_path / "list.md"
    listing.write_text(BUNDLED.read_text(encoding="utf-8"), encoding="utf-8")
    other = str(tmp_path / "other.db")
    assert cli("load", "--catalogue", str(listing), "--db", other).returncode == 0
    listing.unlink()
    kept = cli("ask", "/paper rwkv", "--catalogue", str(listing), "--db", other)
    assert kept.returncode == 0, kept.stderr
    assert "RWKV" in kept.stdout
    assert kept.stderr.count("\n") == 1 and "serving the copy stored on" in kept.stderr
    assert "(20 papers)" in kept.stderr


def test_run_without_a_token_or_a_terminal_fails_with_the_reason(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "READINGLIST_DB": str(tmp_path / "x.db")},
    )
    assert out.returncode == 2
    assert "no terminal" in out.stderr and "set DISCORD_TOKEN" in out.stderr


def test_a_one_off_catalogue_gets_its_own_database_and_the_default_keeps_its_list(
    tmp_path: Path,
) -> None:
    default = tmp_path / "readinglist.db"
    env = {"READINGLIST_DB": str(default)}
    assert cli("load", env=env).returncode == 0
    other = cli("load", "--catalogue", str(FULL_LIST), "--json", env=env)
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout)["papers"] == 217
    assert (tmp_path / "readinglist-foundations-of-llms-paper-list.db").exists()
    back = cli("load", env=env)
    assert back.returncode == 0, back.stderr
    assert back.stdout.startswith("20 papers") and f"database {default}: unchanged" in back.stdout
    asked = cli("ask", "--catalogue", str(FULL_LIST), "/about", env=env)
    assert asked.returncode == 0, asked.stderr
    assert "217" in asked.stdout
    # the configured list, however it is spelt, is the configured database's
    relative = cli("load", "--catalogue", "data/reading-list.md", env=env)
    assert f"database {default}: unchanged" in relative.stdout, relative.stdout
    assert not (tmp_path / "readinglist-reading-list.db").exists()
    # --db still means that database, whatever the list
    pinned = tmp_path / "pinned.db"
    assert cli("load", "--catalogue", str(FULL_LIST), "--db", str(pinned), env=env).returncode == 0
    assert pinned.exists()


def test_list_database_is_named_after_the_list() -> None:
    default = Path("/srv/data/readinglist.db")
    assert list_database(default, ["../shared/Foundations of LLMs.md"]) == Path(
        "/srv/data/readinglist-foundations-of-llms.db"
    )
    assert list_database(default, ["a.md", "https://example.org/lists/b.md?raw=1"]) == Path(
        "/srv/data/readinglist-a+b.db"
    )


def test_the_example_env_file_keeps_ask_quiet(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        (ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = cli("ask", "/paper rwkv", env={"READINGLIST_DB": str(tmp_path / "x.db")}, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "RWKV" in out.stdout and "INFO" not in out.stdout + out.stderr
