"""A burst of mixed interactions from many users, through the real bot and the fake Discord,
with the machinery of the load benchmark (`tests/benchmarks/load.py`). Correctness only: every
interaction answered in time and each answer the right one; no timing is asserted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot import cards
from bot.library import Library
from bot.search import decide
from tests.benchmarks.load import MIX, LoadFake, Outcome, make_users, plan, run_burst
from tests.e2e.conftest import bot_running
from tests.fake_discord import Message

INTERACTIONS, USERS, CONCURRENCY = 300, 100, 50


def _message(outcome: Outcome) -> Message:
    assert outcome.interaction is not None and outcome.interaction.callback_type == 4, outcome
    message = outcome.interaction.message
    assert message is not None, outcome
    return message


async def test_a_burst_from_many_users_is_answered_in_time_and_right(
    tmp_path: Path, library: Library
) -> None:
    async with LoadFake() as fake, bot_running(tmp_path / "bot.db", library) as bot:
        users = make_users(fake, USERS)
        requests = plan(bot.library, INTERACTIONS, users, seed=11)
        burst = await run_burst(fake, requests, CONCURRENCY, time_limit=60)

        assert burst.cancelled == 0
        assert [o.error for o in burst.outcomes if o.error] == []
        assert burst.answered == INTERACTIONS
        assert not any(i.expired for i in fake.interactions)
        assert fake.problems() == []
        assert len({r.user for r in requests}) == USERS
        assert set(Counter(r.kind for r in requests)) == set(MIX)

        index = bot.library.index
        for outcome in burst.outcomes:
            request = outcome.request
            if request.kind == "autocomplete":
                choices = outcome.choices
                assert choices is not None and outcome.interaction is not None
                assert outcome.interaction.callback_type == 8
                assert len(choices) <= 25, request
                assert all(bot.library.paper(c["value"]) for c in choices), request
                continue
            message = _message(outcome)
            if request.kind == "paper":
                result = index.search(request.value)
                best, decision = result.best, decide(result)
                if best is None or decision == "none":
                    assert message.ephemeral and not message.embeds, request
                elif decision == "list":
                    assert not message.ephemeral, request
                    assert message.embeds[0]["title"].startswith("Search: "), request
                else:
                    expected = cards.paper_card(best.paper, lang="en").title
                    assert not message.ephemeral, request
                    assert message.embeds[0]["title"] == expected, request
                    ids = [c.get("custom_id") for r in message.components for c in r["components"]]
                    assert f"rl:cite:{best.paper.id}" in ids, request
            elif request.kind == "cite" and index.search(request.value).best is not None:
                assert message.embeds[-1]["title"].startswith("Cite: "), request
            elif request.kind == "section":
                # Page buttons name whoever asked: answers did not cross between users.
                for row in message.components:
                    for component in row["components"]:
                        if component.get("custom_id", "").startswith("rl:page:"):
                            assert component["custom_id"].endswith(f":{request.user.id}")
            elif request.kind == "author" and not message.ephemeral:
                assert message.embeds[0]["title"].startswith("Papers by "), request
