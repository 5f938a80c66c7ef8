"""The command line, run as a user would: a subprocess of `python -m bot`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CHAPTER_LIST, FULL_LIST, ROOT


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("READINGLIST_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=60,
    )


def test_load_json_summary(tmp_path: Path) -> None:
    out = cli("load", "--catalogue", str(FULL_LIST), "--db", str(tmp_path / "x.db"), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["papers"] == 217
    assert summary["entries"] == 238
    assert len(summary["sections"]) == 31
    assert summary["sections"][0] == {
        "slug": "statistical-lm",
        "title": "基于统计方法的语言模型",
        "name": "Statistical language models",
        "count": 2,
    }
    assert summary["problems"] == []


def test_load_default_catalogue_from_settings(tmp_path: Path) -> None:
    db = tmp_path / "default.db"
    out = cli("load", env={"READINGLIST_DB": str(db)}, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "20 papers (20 entries) in 6 sections" in out.stdout
    assert "non-transformer" in out.stdout
    assert f"database {db}: updated" in out.stdout
    again = cli("load", env={"READINGLIST_DB": str(db)}, cwd=tmp_path)
    assert f"database {db}: unchanged" in again.stdout


def test_load_several_catalogues(tmp_path: Path) -> None:
    env = {"READINGLIST_CATALOGUE": f"{CHAPTER_LIST},{FULL_LIST}"}
    out = cli("load", "--db", str(tmp_path / "x.db"), "--json", env=env)
    summary = json.loads(out.stdout)
    assert summary["papers"] == 217  # the chapter is a subset of the full list
    assert len(summary["sections"]) == 37
    assert len({s["slug"] for s in summary["sections"]}) == 37


def test_load_reports_problems_with_line_numbers(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# C\n## S\n1. **Fine.** `x`\n   *A B.*\n2. no title\n", encoding="utf-8")
    out = cli("load", "--catalogue", str(bad), "--db", str(tmp_path / "x.db"))
    assert out.returncode == 0, out.stderr
    assert f"{bad}:5: no bold title" in out.stdout
    as_json = json.loads(
        cli("load", "--catalogue", str(bad), "--db", str(tmp_path / "y.db"), "--json").stdout
    )
    assert as_json["problems"][0]["line"] == 5


def test_unreadable_catalogue_is_one_clear_line_and_keeps_the_database(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert cli("load", "--db", db).returncode == 0
    out = cli("load", "--catalogue", str(tmp_path / "missing.md"), "--db", db)
    assert out.returncode == 1
    assert "cannot read" in out.stderr and "Traceback" not in out.stderr
    binary = tmp_path / "junk.md"
    binary.write_bytes(b"\x00\x01\x02junk")
    out = cli("load", "--catalogue", str(binary), "--db", db)
    assert out.returncode == 1 and "binary" in out.stderr
    again = cli("load", "--db", db, "--json")
    assert json.loads(again.stdout)["papers"] == 20


def test_malformed_setting_names_the_setting(tmp_path: Path) -> None:
    out = cli(
        "load", env={"DISCORD_GUILD_ID": "not-a-number", "READINGLIST_DB": str(tmp_path / "x")}
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "DISCORD_GUILD_ID" in out.stderr


def test_search_prints_one_json_object_a_query(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert cli("load", "--catalogue", str(FULL_LIST), "--db", db).returncode == 0
    queries = "lora\nstate space models\nbanana\n"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "search",
            "--json",
            "--limit",
            "3",
            "--catalogue",
            str(FULL_LIST),
            "--db",
            db,
        ],
        input=queries,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["query"], r["decision"]) for r in rows] == [
        ("lora", "card"),
        ("state space models", "list"),
        ("banana", "none"),
    ]
    assert rows[0]["results"][0] == {
        "id": "2106.09685",
        "title": "LoRA: Low-Rank Adaptation of Large Language Models",
        "score": rows[0]["results"][0]["score"],
    }
    assert len(rows[1]["results"]) == 3 and rows[2]["results"] == []
    one = cli("search", "arXiv:2106.09685", "--catalogue", str(FULL_LIST), "--db", db)
    assert one.stdout.startswith("card: arXiv:2106.09685\n  1. LoRA")


def test_health_of_a_sharded_process_reports_each_of_its_shards(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert cli("load", "--catalogue", str(CHAPTER_LIST), "--db", str(db)).returncode == 0
    env = {"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "1,3", "READINGLIST_INSTANCE": "box"}
    out = cli("health", "--db", str(db), env=env)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "shard 1: unhealthy: no heartbeat yet from 'box:shard-1' (the bot has not connected to"
        " Discord)",
        "shard 3: unhealthy: no heartbeat yet from 'box:shard-3' (the bot has not connected to"
        " Discord)",
    ]
