"""Slack buttons, pressed as Slack sends them: signed `block_actions` payloads to the real
slack-bolt app, each press changing the same message, read back from the fake Slack."""

from __future__ import annotations

from tests.harness.slack import BOT_USER_ID, FakeSlack, SlackUser, buttons, visible_text

RANGE_IDS = ["meta_range"] * 5


def by_label(message: dict, label: str) -> dict:
    return next(b for b in buttons(message) if b["text"]["text"] == label)


async def stock_answer(alice: SlackUser, api: FakeSlack, line: str) -> dict:
    """The answer to `line`: the acknowledgement itself, or what came through response_url."""
    before = len(api.responses())
    ack = await alice.command(line)
    if ack.json is not None and ack.json.get("text") != "Working on it…":
        return ack.json
    await api.wait_for("response", before + 1)
    return api.responses()[before]


async def test_stock_carries_ranges_refresh_and_share(alice: SlackUser, api: FakeSlack) -> None:
    answer = await stock_answer(alice, api, "/meta stock 1y")
    ids = [b["action_id"] for b in buttons(answer)]
    assert ids == [*RANGE_IDS, "meta_refresh", "meta_share"]
    assert [b["value"] for b in buttons(answer)][:5] == ["1d", "5d", "1mo", "ytd", "1y"]
    assert by_label(answer, "1y").get("style") == "primary"  # the range shown
    (actions,) = [b for b in answer["blocks"] if b["type"] == "actions"]
    assert actions["block_id"] == "meta:--lang en stock 1y"


async def test_a_range_button_replaces_the_message_in_place(
    alice: SlackUser, api: FakeSlack
) -> None:
    answer = await stock_answer(alice, api, "/meta stock 1y")
    ack = await alice.press(by_label(answer, "5d"), "1700000000.000200", message=answer)
    assert ack.status == 200 and ack.body == ""  # acknowledged at once, answered after
    await api.wait_for("response", 2)
    replaced = api.replaced["1700000000.000200"]
    assert replaced["replace_original"] is True
    assert visible_text(replaced).startswith("META · 5 days")
    assert by_label(replaced, "5d").get("style") == "primary"
    assert api.calls_to("chat.postMessage") == []  # nothing new in the channel
    (before,) = [b for b in answer["blocks"] if b["type"] == "image"]
    (after,) = [b for b in replaced["blocks"] if b["type"] == "image"]  # the 5-day chart, in it
    assert after["slack_file"]["id"] in api.uploaded_file_ids()
    assert after["slack_file"] != before["slack_file"]


async def test_brief_takes_a_range_and_refresh_keeps_it(alice: SlackUser, api: FakeSlack) -> None:
    answer = await stock_answer(alice, api, "/meta brief")
    assert [b["action_id"] for b in buttons(answer)][-2:] == ["meta_refresh", "meta_share"]
    await alice.press(by_label(answer, "YTD"), "1.1", message=answer)
    await api.wait_for("response", 2)
    ytd = api.replaced["1.1"]
    assert visible_text(ytd).startswith("META briefing")
    assert by_label(ytd, "YTD").get("style") == "primary"
    await alice.press(by_label(ytd, "Refresh"), "1.1", message=ytd)
    await api.wait_for("response", 3)
    assert by_label(api.replaced["1.1"], "YTD").get("style") == "primary"


async def test_an_answer_carries_more_and_share_and_more_shows_the_passage(
    alice: SlackUser, api: FakeSlack
) -> None:
    answer = await stock_answer(alice, api, "/meta ask What does open source mean?")
    assert [b["action_id"] for b in buttons(answer)] == ["meta_more", "meta_share"]
    short = answer["blocks"][0]["text"]["text"]
    presses = len(api.responses()) + 1
    await alice.press(by_label(answer, "More"), "2.2", message=answer)
    await api.wait_for("response", presses)
    whole = api.replaced["2.2"]
    passage = whole["blocks"][0]["text"]["text"]
    assert short in passage and len(passage) > len(short)  # the whole passage it came from
    assert [b["action_id"] for b in buttons(whole)] == ["meta_share"]


async def test_no_buttons_under_help_errors_or_no_answer(alice: SlackUser, api: FakeSlack) -> None:
    for line in ("/meta help", "/meta stonks", "/meta ask zzzz qqqq xxxx", "/meta stock 7y"):
        answer = await stock_answer(alice, api, line)
        assert not buttons(answer), line


async def test_share_posts_in_the_channel_without_a_share_button(
    alice: SlackUser, api: FakeSlack
) -> None:
    answer = await stock_answer(alice, api, "/meta stock 1mo")
    await alice.press(by_label(answer, "Share in channel"), message=answer)
    (post,) = await api.wait_for("chat.postMessage")
    assert visible_text(post.params).startswith("META · 1 month")
    assert "Shared by <@U0ALICE001>" in visible_text(post.params)
    shown = [b["action_id"] for b in buttons(post.params)]
    assert "meta_share" not in shown and "meta_refresh" in shown


async def test_a_range_on_a_channel_message_updates_it_with_chat_update(
    alice: SlackUser, api: FakeSlack
) -> None:
    await alice.command("/meta stock 1mo share")
    await api.wait_for("chat.postMessage")
    posted = api.messages["C0GENERAL1"][0]
    assert posted["user"] == BOT_USER_ID
    await alice.press(by_label(posted, "1y"), posted["ts"], message=posted, ephemeral=False)
    (update,) = await api.wait_for("chat.update")
    assert update.params["ts"] == posted["ts"]
    changed = api.message("C0GENERAL1", posted["ts"])
    assert changed is not None and changed["text"].startswith("META · 1 year")
    assert "edited" in changed
    # The new chart is the bot's own file, shown in the changed message (never in a thread).
    chart = (await api.wait_for("files.completeUploadExternal", 2))[-1]
    assert "channel_id" not in chart.params and "thread_ts" not in chart.params
    (image,) = [b for b in changed["blocks"] if b["type"] == "image"]
    assert image["slack_file"] == {"id": chart.params["files"][0]["id"]}
    assert image["alt_text"].startswith("META closes, 1 year")
    assert [m for m in api.messages["C0GENERAL1"] if m.get("thread_ts")] == []
    assert "thread" not in visible_text(changed)


async def test_a_forged_press_changes_nothing(alice: SlackUser, api: FakeSlack) -> None:
    for button in (
        {"action_id": "meta_range", "text": {"type": "plain_text", "text": "7y"}, "value": "7y"},
        {"action_id": "meta_refresh", "text": {"type": "plain_text", "text": "x"}, "value": "rm"},
    ):
        ack = await alice.press(button, "3.3")
        assert ack.status == 200
    await api.wait_for("response", 2)
    assert "3.3" not in api.replaced
    assert all(r["replace_original"] is False for r in api.responses())
    assert "no longer works" in api.responses()[0]["text"]
