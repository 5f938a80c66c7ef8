"""`readinglist-bot run` and `readinglist-bot sync` as processes, against the fake Discord.

The child process is pointed at the fake with the same two assignments every e2e test
makes (shared/DISCORD.md); nothing else differs from production.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fake_discord import FakeDiscord

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gabcde.abcdefghijklmnopqrstuvwxyz0123456789"
LAUNCH = (
    "import sys, discord, yarl; "
    "discord.http.Route.BASE = sys.argv[1] + '/api/v10'; "
    "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2]); "
    "from bot.__main__ import main; sys.exit(main(sys.argv[3:]))"
)


async def launch(fake: FakeDiscord, tmp_path: Path, *args: str) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ["PATH"],
        "DISCORD_TOKEN": TOKEN,
        "READINGLIST_DB": str(tmp_path / "bot.db"),
        "LOG_LEVEL": "INFO",
        "READINGLIST_METADATA": "off",  # no test reaches the real arXiv
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LAUNCH,
        fake.url,
        str(fake.gateway_url),
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_run_serves_commands_and_stops_cleanly_on_sigterm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    process = await launch(fake, tmp_path, "run")
    assert process.stderr is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(30):
            while not any("connected as" in line for line in lines):
                lines.append((await process.stderr.readline()).decode())
                assert lines[-1], "".join(lines)  # the process ended before it was ready
        answer = await (await fake.slash("paper", {"query": "rwkv"})).wait(timeout=10)
        assert answer.message is not None
        assert answer.message.embeds[0]["title"].startswith("RWKV")
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), 30)
    log = "".join(lines) + rest.decode()
    assert process.returncode == 0, log
    assert "catalogue loaded: 20 papers" in log
    assert "synced 14 commands globally" in log
    assert TOKEN not in log and TOKEN.split(".")[0] not in log


async def test_sync_command_syncs_even_when_unchanged(fake: FakeDiscord, tmp_path: Path) -> None:
    for _ in range(2):
        process = await launch(fake, tmp_path, "sync")
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
    puts = [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert len(puts) == 2
    assert len(fake.synced_commands()) == 14


async def test_a_refused_token_is_one_clear_line(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.fail_next("GET", r"^/users/@me$", 401, 0, "401: Unauthorized")
    process = await launch(fake, tmp_path, "run")
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1] == (
        "readinglist-bot: Discord refused DISCORD_TOKEN: check the token"
    )
