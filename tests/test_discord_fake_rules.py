"""The fake Discord keeps Discord's documented rules for interaction responses, seen through the
real discord.py: what a deferral fixes, what a follow-up after it does, what a deletion breaks.

These are the rules the adapter relies on (bot/adapters/discord/adapter.py, `_run`): if the fake
granted more than Discord, the adapter's tests could pass where Discord would not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.harness.discord import APP_ID, EPHEMERAL, GUILD_ID, DiscordUser, FakeDiscord

Step = Callable[[discord.Interaction], Awaitable[None]]


class Probe:
    """A bare discord.py client whose `/meta probe` runs `steps`, recording what each raised."""

    def __init__(self, fake: FakeDiscord) -> None:
        discord.http.Route.BASE = fake.api_url
        self.client = discord.Client(intents=discord.Intents.none())
        self.tree = app_commands.CommandTree(self.client)
        self.steps: list[Step] = []
        self.raised: list[BaseException | None] = []
        group = app_commands.Group(name="meta", description="probe")

        @group.command(name="probe", description="probe")
        async def probe(interaction: discord.Interaction) -> None:
            for step in self.steps:
                try:
                    await step(interaction)
                    self.raised.append(None)
                except discord.HTTPException as exc:
                    self.raised.append(exc)

        self.tree.add_command(group, guild=discord.Object(int(GUILD_ID)))

    async def run(self, *steps: Step) -> list[BaseException | None]:
        self.steps, self.raised = list(steps), []
        await DiscordUser(self.client).command("probe")
        return self.raised


@pytest.fixture
async def probe(fake: FakeDiscord) -> AsyncIterator[Probe]:
    bot = Probe(fake)
    await bot.client.login("fake-bot-token")
    yield bot
    await bot.client.close()


def defer(ephemeral: bool) -> Step:
    return lambda i: i.response.defer(thinking=True, ephemeral=ephemeral)


def follow_up(text: str, ephemeral: bool) -> Step:
    async def step(interaction: discord.Interaction) -> None:
        await interaction.followup.send(text, ephemeral=ephemeral, wait=True)

    return step


def edit(text: str) -> Step:
    async def step(interaction: discord.Interaction) -> None:
        await interaction.edit_original_response(content=text)

    return step


async def delete(interaction: discord.Interaction) -> None:
    await interaction.delete_original_response()


async def test_the_first_follow_up_after_a_public_deferral_stays_public_whatever_its_flag(
    fake: FakeDiscord, probe: Probe
) -> None:
    assert await probe.run(defer(False), follow_up("secret", ephemeral=True)) == [None, None]
    (original,) = fake.originals.values()
    assert original.followups == []  # it edited the "thinking…" message, made none
    assert [m["content"] for m in fake.shown(public=True)] == ["secret"]
    assert fake.shown(public=False) == []


async def test_an_edit_never_changes_whether_the_message_is_ephemeral(
    fake: FakeDiscord, probe: Probe
) -> None:
    await probe.run(defer(True), edit("answer"))
    (token,) = fake.originals
    async with aiohttp.ClientSession() as session:  # what a client might try: flags 0
        url = f"{fake.api_url}/webhooks/{APP_ID}/{token}/messages/@original"
        async with session.patch(url, json={"content": "again", "flags": 0}) as response:
            assert response.status == 200
            assert (await response.json())["flags"] & EPHEMERAL
    assert [m["content"] for m in fake.shown(public=False)] == ["again"]
    assert fake.shown(public=True) == []


async def test_once_answered_each_follow_up_has_its_own_visibility(
    fake: FakeDiscord, probe: Probe
) -> None:
    raised = await probe.run(
        defer(True), edit("private"), follow_up("public", False), follow_up("also private", True)
    )
    assert raised == [None, None, None, None]
    assert [m["content"] for m in fake.shown(public=True)] == ["public"]
    assert [m["content"] for m in fake.shown(public=False)] == ["private", "also private"]


async def test_after_deleting_a_deferred_message_follow_ups_and_edits_are_unknown(
    fake: FakeDiscord, probe: Probe
) -> None:
    raised = await probe.run(defer(False), delete, follow_up("late", True), edit("late"))
    assert raised[:2] == [None, None]
    for exc in raised[2:]:
        assert isinstance(exc, discord.NotFound) and exc.code == 10008
    assert fake.shown(public=True) == fake.shown(public=False) == []


async def test_a_deleted_original_cannot_be_deleted_or_edited_again(
    fake: FakeDiscord, probe: Probe
) -> None:
    raised = await probe.run(defer(True), edit("x"), delete, delete)
    assert raised[:3] == [None, None, None]
    assert isinstance(raised[3], discord.NotFound) and raised[3].code == 10008


async def test_the_deferral_flag_is_what_the_original_shows(
    fake: FakeDiscord, probe: Probe
) -> None:
    await probe.run(defer(True))
    (original,) = fake.originals.values()
    assert original.loading and original.message["flags"] & EPHEMERAL
    assert fake.shown(public=True) == fake.shown(public=False) == []  # still "thinking…"
