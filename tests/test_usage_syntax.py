"""Help and usage lines are written in the syntax of the platform they are shown on: slash text
on Slack and the console, named options on Discord, arguments on the command line."""

from __future__ import annotations

from commands import all_commands
from commands.usage import with_text, written

ASK = all_commands()["ask"]
STOCK = all_commands()["stock"]


def test_slack_and_the_console_keep_the_slash_text_syntax(chat):
    for platform in ("slack", "console"):
        reply = chat.send("/meta help", platform=platform).plain_text()
        assert "`/meta ask <question> [--lang en|fr]`" in reply
        assert "add `--lang en` or `--lang fr`" in reply
        assert "question:" not in reply
        refused = chat.say("/meta stock 2y", platform=platform)
        assert "Usage: `/meta stock [1d|5d|1mo|3mo|6mo|ytd|1y] [share]`" in refused


def test_discord_usage_names_the_options_required_first(chat):
    refused = chat.say("/meta stock 2y", platform="discord")
    assert "Usage: `/meta stock [range:1d|5d|1mo|3mo|6mo|ytd|1y] [share:true]`" in refused
    subscribe = written(all_commands()["subscribe"], "discord")
    assert subscribe.startswith("/meta subscribe time:… zone:… [language:en|fr] [cadence:")
    assert written(all_commands()["help"], "discord") == "/meta help [command:…]"


def test_the_command_line_writes_its_own_arguments():
    assert written(ASK, "cli") == "python -m bot ask <question> [--lang en|fr]"
    assert written(STOCK, "cli") == "python -m bot stock [1d|5d|1mo|3mo|6mo|ytd|1y]"  # no share


def test_the_full_answer_hint_is_written_each_platform_s_way():
    assert with_text(ASK, "slack", "Who?", "full") == "/meta ask --full Who?"
    assert with_text(ASK, "discord", "Who?", "full") == "/meta ask question:Who? full:true"
    assert with_text(ASK, "cli", 'Say "hi"', "full") == 'python -m bot ask --full "Say \\"hi\\""'


def test_a_repeated_question_on_another_platform_gets_that_platform_s_hint(chat):
    question = "/meta ask What does open source mean?"
    on_slack = chat.send(question, platform="slack").plain_text()
    on_discord = chat.send(question, platform="discord").plain_text()
    assert "`/meta ask --full What does open source mean?`" in on_slack
    assert "`/meta ask question:What does open source mean? full:true`" in on_discord
