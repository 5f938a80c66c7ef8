"""The console: `readinglist-bot ask`, the honest preview of what Discord users get."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.console import answer, render
from bot.library import Library
from bot.models import Catalogue
from tests.conftest import DATA, FULL_LIST
from tests.test_cli import cli


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


def test_ask_json_prints_discord_payloads(tmp_path: Path) -> None:
    out = cli(
        "ask",
        "--json",
        "--db",
        str(tmp_path / "x.db"),
        "--catalogue",
        str(FULL_LIST),
        "/paper rwkv",
        "/section non-transformer",
        "/cite mamba",
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 3
    card, section, cite = lines
    assert set(card) == {"content", "embeds", "components", "flags"}
    assert card["embeds"][0]["title"] == "RWKV: Reinventing RNNs for the Transformer Era"
    buttons = card["components"][0]["components"]
    assert {
        "type": 2,
        "style": 5,
        "label": "Code",
        "url": "https://github.com/BlinkDL/RWKV-LM",
    } in buttons
    assert (
        section["embeds"][0]["footer"]["text"] == "Page 1/1 · 5 papers · /section non-transformer"
    )
    assert cite["flags"] == 64 and "@misc{gu2023mamba," in cite["embeds"][-1]["description"]


def test_ask_reads_commands_from_standard_input(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--db", str(tmp_path / "x.db")],
        input="/paper attention\n\n/author vaswani\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["embeds"][0]["title"] for r in replies] == [
        "Attention is all you need",
        "Papers by Ashish Vaswani",
    ]


def test_run_without_a_token_opens_the_console_on_the_bundled_list(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/paper rwkv\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "READINGLIST_DB": str(tmp_path / "x.db")},
    )
    assert out.returncode == 0, out.stderr
    assert "DISCORD_TOKEN is not set" in out.stderr
    assert "RWKV: Reinventing RNNs for the Transformer Era" in out.stdout
    assert "[Cite (BibTeX)]" in out.stdout


def test_rendered_card_is_legible(library: Library) -> None:
    text = render(answer(library, "/paper mamba", random.Random(0), lang="en"), width=80, lang="en")
    lines = text.splitlines()
    assert lines[0].startswith("┌") and lines[0].endswith("┐")
    assert "Mamba: Linear-Time Sequence Modeling with Selective State Spaces" in text
    assert "[Code https://github.com/state-spaces/mamba]" in text
    assert "\\" not in text  # markdown escapes are undone for the terminal


def test_boxes_stay_aligned_with_chinese_text(library: Library) -> None:
    import unicodedata

    text = render(
        answer(library, "/section 非 Transformer 架构", random.Random(0), lang="en"),
        width=80,
        lang="en",
    )
    boxed = [line for line in text.splitlines() if line.startswith(("│", "┌", "└"))]

    def columns(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)

    assert {columns(line) for line in boxed} == {80}


def test_a_line_without_a_command_is_a_paper_query_and_unknown_commands_explain(
    library: Library,
) -> None:
    assert answer(library, "rwkv", random.Random(0), lang="en").papers == ("2305.13048",)
    unknown = answer(library, "/frobnicate", random.Random(0), lang="en")
    assert unknown.ephemeral and "/paper" in unknown.content


def test_find_in_the_console(library: Library) -> None:
    reply = answer(
        library, "/find see https://arxiv.org/abs/2305.13048v1", random.Random(0), lang="en"
    )
    assert reply.papers == ("2305.13048",)
