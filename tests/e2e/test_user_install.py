"""Commands that go where readers are: synced for user installs, answered in a DM or a
server without the bot through the interaction's webhook alone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import TestBot
from tests.fake_discord import FakeDiscord

EVERYWHERE = {
    "paper",
    "search",
    "section",
    "author",
    "cite",
    "random",
    "next",
    "progress",
    "reading",
    "help",
    "about",
    "Find in reading list",
}
SERVER_ONLY = {"weekly", "reload"}


async def test_commands_are_synced_with_their_installs_and_contexts(
    fake: FakeDiscord, bot: TestBot
) -> None:
    synced = {c["name"]: c for c in fake.synced_commands()}
    assert set(synced) == EVERYWHERE | SERVER_ONLY
    for name in EVERYWHERE:
        assert sorted(synced[name]["integration_types"]) == [0, 1], name
        assert sorted(synced[name]["contexts"]) == [0, 1, 2], name
    for name in SERVER_ONLY:
        assert synced[name]["integration_types"] == [0], name
        assert synced[name]["contexts"] == [0], name


@pytest.mark.parametrize("context", [1, 2, 0])
async def test_a_user_install_is_answered_without_the_bot(
    fake: FakeDiscord, bot: TestBot, context: int
) -> None:
    where = fake.elsewhere(context, guild_id=fake.new_id() if context == 0 else None)
    answer = await (await fake.slash("paper", {"query": "rwkv"}, elsewhere=where)).wait()
    payload = answer.payload
    assert payload["authorizing_integration_owners"] == {"1": str(fake.member.id)}
    assert ("member" in payload) == (context == 0) and ("user" in payload) == (context != 0)
    card = answer.message
    assert card is not None and card.embeds[0]["title"].startswith("RWKV")
    assert card.channel_id == where.channel.id
    # The card's buttons work there too, and the reader's marks are kept.
    mark = await (await fake.click(card, "rl:read:2305.13048")).wait()
    assert mark.message is not None and mark.message.content.startswith("Marked as read")
    progress = await (await fake.slash("progress", elsewhere=where)).wait()
    assert progress.message is not None and progress.message.ephemeral
    export = await (await fake.slash("reading export", elsewhere=where)).wait(edited=True)
    assert export.message is not None and len(export.message.attachments) == 2
    delete = await (await fake.click(card, f"rl:del:{fake.member.id}")).wait()
    assert delete.callback_type == 6
    await fake.wait_until(lambda: card.deleted)
    assert fake.forbidden == []  # nothing needed the bot's own access to the channel


async def test_server_commands_are_not_offered_to_user_installs(
    fake: FakeDiscord, bot: TestBot
) -> None:
    where = fake.elsewhere(1)
    with pytest.raises(PermissionError):
        await fake.slash("weekly show", elsewhere=where)
    with pytest.raises(PermissionError):
        await fake.slash("reload", elsewhere=where)
