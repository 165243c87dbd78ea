"""`/meta peers`, `/meta alerts` and the earnings line on Slack: the real slack-bolt app against
the loopback fake of Slack's Web API and response_urls."""

from __future__ import annotations

from tests.harness.slack import FakeSlack, SlackUser, visible_text
from tests.test_slack_commands import (  # noqa: F401 (fixtures)
    PNG,
    bot,
    slack,
)


async def test_peers_over_slack_then_a_shared_stock_with_its_chart(
    slack: SlackUser,  # noqa: F811
    api: FakeSlack,
) -> None:
    ack = await slack.command("/meta peers NVDA benchmark QQQ")
    assert ack.json["text"] == "Working on it…"  # it checks the new symbols first
    (answer,) = [c.params for c in await api.wait_for("response")]
    assert "compare META with NVDA, benchmark QQQ" in visible_text(answer)
    await slack.command("/meta stock 1y share")
    (post,) = await api.wait_for("chat.postMessage")
    text = visible_text(post.params)
    assert "NVDA" in text and "GOOGL" not in text
    (image,) = [b for b in post.params["blocks"] if b["type"] == "image"]  # in the message
    assert image["slack_file"]["id"] in api.uploaded_file_ids()
    (upload,) = api.calls_to("upload")
    assert upload.raw.startswith(PNG)


async def test_alerts_over_slack_in_french(slack: SlackUser) -> None:  # noqa: F811
    ack = await slack.command("/meta alerts on 2,5% --lang fr")
    assert "quand META bouge de 2,5\xa0% ou plus pendant la séance" in ack.json["text"]
    ack = await slack.command("/meta schedule")
    assert "Move alerts: on, when META moves by 2.5% or more." in str(ack.json)
