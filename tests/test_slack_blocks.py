"""Replies as Block Kit within Slack's limits; the manifest; the adapter's mode and settings."""

from __future__ import annotations

import json
import logging

import pytest
import yaml

from bot.adapters.slack import RedactSlackSecrets, SlackAdapter, resolve_mode
from bot.adapters.slack.blocks import (
    clip,
    content_blocks,
    ephemeral_message,
    escape,
    public_message,
    read_share_value,
    share_value,
)
from bot.adapters.slack.manifest import manifest, manifest_yaml
from chat.reply import (
    Actions,
    BulletList,
    Button,
    Context,
    Fields,
    Heading,
    Image,
    Paragraph,
    Quote,
    Reply,
)
from chat.request import Request
from commands import all_commands
from commands.router import Router
from commands.services import Services
from config import Settings, load_settings
from config.settings import SettingsError
from tests.harness.slack import block_errors


def test_every_block_kind_renders_escaped() -> None:
    reply = Reply(
        (
            Heading("R&D <now>"),
            Paragraph("Meta & <!channel>"),
            Quote("line one\nline <two>", "LLaMA & growth"),
            Fields((("P&L", "<@U1>"),)),
            BulletList(("a < b", "c")),
            Image(b"png", "chart"),
            Context("Source: A & B"),
        )
    )
    assert content_blocks(reply) == [
        {"type": "header", "text": {"type": "plain_text", "text": "R&amp;D &lt;now&gt;"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "Meta &amp; &lt;!channel&gt;"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": ">line one\n>line &lt;two&gt;\n>— _LLaMA &amp; growth_",
            },
        },
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*P&amp;L*\n&lt;@U1&gt;"}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": "• a &lt; b\n• c"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Source: A &amp; B"}]},
    ]


def test_slack_limits_are_respected() -> None:
    long_words = " ".join(["word"] * 1500)  # 7,499 characters
    reply = Reply(
        (
            Heading("H" * 200),
            Paragraph(long_words),
            Fields(tuple((f"label {i}", str(i)) for i in range(23))),
            *[Context(f"note {i}") for i in range(60)],
        )
    )
    message = public_message(reply, "en")
    blocks = message["blocks"]
    assert len(blocks) == 50
    assert blocks[-1]["elements"][0]["text"] == "… (shortened to fit in Slack)"
    assert len(blocks[0]["text"]["text"]) == 150
    sections = [b for b in blocks if b["type"] == "section" and "text" in b]
    assert len(sections) == 3 and all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert " ".join(s["text"]["text"] for s in sections) == long_words
    assert [len(b["fields"]) for b in blocks if "fields" in b] == [10, 10, 3]
    assert len(message["text"]) <= 3000


def test_clipping_never_cuts_an_entity_in_half() -> None:
    text = escape("a" * 8 + "<b>")  # "aaaaaaaa&lt;b&gt;"
    assert clip(text, 11) == "aaaaaaaa…"


def test_the_share_button_carries_the_request_safely() -> None:
    request = Request(
        "ask", text="<!channel> & co " + "x" * 3000, lang="fr", can_manage_channel=True
    )
    value = share_value(request)
    assert len(value) <= 2000 and "<" not in value and "&" not in value
    decoded = read_share_value(value)
    assert decoded is not None and decoded["command"] == "ask" and decoded["lang"] == "fr"
    assert decoded["text"].startswith("<!channel> & co xxx")
    assert read_share_value('{"c": 1}') is None and read_share_value("[]") is None


def test_an_ephemeral_chart_reply_shows_its_uploaded_chart_then_its_buttons() -> None:
    chart = Image(b"png", "META, 1 year")
    share = Button("share", "Partager", "--lang fr stock 1y")
    reply = Reply(
        (Heading("META"), chart, Actions((share,), "--lang fr stock 1y")), data={"lang": "fr"}
    )
    request = Request("stock", text="1y", can_manage_channel=True)
    message = ephemeral_message(reply, request, "fr", {chart: "F0CHART001"})
    assert message["response_type"] == "ephemeral"
    _header, image, actions = message["blocks"]
    assert image == {
        "type": "image",
        "slack_file": {"id": "F0CHART001"},
        "alt_text": "META, 1 year",
    }
    (button,) = actions["elements"]
    assert button["action_id"] == "meta_share"
    assert button["text"]["text"] == "Partager dans le canal"
    assert actions["block_id"] == "meta:--lang fr stock 1y"
    # Not uploaded (Slack refused the file): no image block, and nothing says there is one.
    message = ephemeral_message(reply, request, "fr")
    assert [b["type"] for b in message["blocks"]] == ["header", "actions"]
    assert "graphique" not in json.dumps(message)


def test_an_error_has_no_share_button() -> None:
    message = ephemeral_message(Reply.error("No.", "Usage: x"), None, "en")
    assert [b["type"] for b in message["blocks"]] == ["section", "context"]


# ---- manifest ---------------------------------------------------------------------------------


def test_the_socket_mode_manifest() -> None:
    data = yaml.safe_load(manifest_yaml())
    (meta,) = data["features"]["slash_commands"]
    assert meta["command"] == "/meta" and meta["should_escape"] is False and "url" not in meta
    assert meta["usage_hint"].split(" | ") == [c.usage for c in all_commands().values()]
    assert len(meta["usage_hint"]) <= 1000
    assert {"commands", "chat:write", "chat:write.public", "channels:join", "files:write"} <= set(
        data["oauth_config"]["scopes"]["bot"]
    )
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["settings"]["interactivity"] == {"is_enabled": True}
    assert data["display_information"]["name"]


def test_the_http_mode_manifest_points_at_slack_events() -> None:
    data = manifest("https://bot.example.com/")
    assert data["features"]["slash_commands"][0]["url"] == "https://bot.example.com/slack/events"
    assert (
        data["settings"]["interactivity"]["request_url"] == "https://bot.example.com/slack/events"
    )
    assert data["settings"]["socket_mode_enabled"] is False
    with pytest.raises(ValueError):
        manifest("http://insecure.example.com")


# ---- mode and settings ----------------------------------------------------------------------


def test_the_mode_follows_the_settings(settings: Settings) -> None:
    base = {"slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}
    assert resolve_mode(load_settings(**base).slack, None) == "http"
    assert resolve_mode(load_settings(**base, slack_app_token="xapp-1").slack, None) == "socket"
    assert resolve_mode(load_settings(**base, slack_app_token="xapp-1").slack, "http") == "http"
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        resolve_mode(load_settings(**base).slack, "socket")
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        resolve_mode(load_settings(slack_bot_token="xoxb-1").slack, "http")


def test_building_the_adapter_makes_no_call_and_leaks_no_secret(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_settings(
        slack_bot_token="xoxb-secret-1",
        slack_app_token="xapp-secret-2",
        slack_api_url="http://127.0.0.1:9/api/",
    )
    adapter = SlackAdapter(config.slack, Router(Services(config)))
    assert adapter.mode == "socket" and adapter.client.base_url == "http://127.0.0.1:9/api/"
    body = "token=abc&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F2%2F3"
    record = logging.LogRecord(
        "slack_bolt.X",
        logging.INFO,
        "",
        0,
        "body: %s %s x=%s",
        (body, '{"token": "abc"}', "xoxb-9-9"),
        None,
    )
    RedactSlackSecrets().filter(record)
    assert record.getMessage() == (
        "body: token=(redacted)&response_url=(redacted) {\"token\": '(redacted)'} x=(redacted token)"
    )
    assert "secret" not in caplog.text


LONG_QUOTE = "\n".join(
    [
        "First line of the passage & its <figures>.",
        " ".join(["growth"] * 700),  # one line of 4,899 characters
        "",
        *(f"Line {n}: " + "x" * 90 for n in range(40)),
    ]
)


def quoted_lines(blocks: list[dict]) -> list[str]:
    return [line for b in blocks for line in b["text"]["text"].split("\n")]


def test_a_long_quote_keeps_its_marker_on_every_line_of_every_piece() -> None:
    blocks = content_blocks(Reply((Quote(LONG_QUOTE, "Section & 12"),)))
    assert len(blocks) >= 3
    assert block_errors(blocks) == []
    for block in blocks:
        text = block["text"]["text"]
        assert 0 < len(text) <= 3000
        assert all(line.startswith(">") for line in text.split("\n")), text[:200]
    lines = quoted_lines(blocks)
    assert lines[0] == ">First line of the passage &amp; its &lt;figures&gt;."
    assert lines[-1] == ">— _Section &amp; 12_"
    assert ">" in lines  # the blank line stays inside the quote
    shown = " ".join(line[1:] for line in lines if line.startswith(">growth"))
    assert shown.split() == ["growth"] * 700  # nothing lost where the long line was cut


def test_no_empty_text_object_is_ever_built() -> None:
    reply = Reply(
        (
            Heading(""),
            Paragraph(""),
            Paragraph("   "),
            Quote(""),
            BulletList(()),
            Context(""),
            Paragraph("the one real line"),
        )
    )
    for message in (public_message(reply, "en"), ephemeral_message(reply, None, "en")):
        assert block_errors(message["blocks"]) == []
        assert [b["text"]["text"] for b in message["blocks"]] == ["the one real line"]


def test_the_fake_slack_refuses_what_slack_refuses() -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    assert block_errors([section])
    assert block_errors([{"type": "context", "elements": [{"type": "mrkdwn", "text": ""}]}])
    assert block_errors([{"type": "section"}])
    assert block_errors([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}])
    assert block_errors([{"type": "divider"}] * 51)
    assert block_errors([{"type": "image", "slack_file": {"id": "F1"}, "alt_text": "a"}]) == []
