"""What a newcomer meets first: help with examples, "did you mean", `brief fr`, what a new
subscription replaced, one-line errors, and a clear word when run outside the venv."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from commands.services import Services
from tests.harness import DATA, ROOT
from tests.harness.chat import Chat

META = DATA / "META.csv"


def test_help_ask_shows_that_command_with_examples(chat):
    reply = chat.say("/meta help ask")
    assert reply.splitlines()[0] == "/meta ask"
    assert "Usage: `/meta ask <question>" in reply
    assert "Examples:" in reply and "`/meta ask How does LLaMA make money for Meta?`" in reply
    assert "/meta subscribe" not in reply  # that command only
    french = chat.say("/meta help subscribe --lang fr")
    assert "Exemples :" in french and "`/meta subscribe 08:30 Europe/Paris fr`" in french
    assert chat.send("/meta help brief").data["examples"][1] == "/meta brief fr"


def test_help_of_an_unknown_command_suggests_the_nearest(chat):
    reply = chat.send("/meta help aks")
    assert not reply.ok
    assert (
        reply.message == "I don't know the command “aks”: did you mean `ask`? Try `/meta help ask`."
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/meta stok", "I don't know the command “stok”: did you mean `stock`?"),
        ("/meta subscrbe 08:30 UTC", "did you mean `subscribe`?"),
        ("/meta insight ads", "I don't know the topic “ads”: did you mean advertising?"),
        ("/meta insight pub --lang fr", "vouliez-vous dire publicité ?"),
        ("/meta stock 1m", "“1m” is not a range: did you mean 1mo?"),
        ("/meta stock 5days", "did you mean 5d?"),
    ],
)
def test_a_near_miss_gets_the_nearest(chat, line, expected):
    assert expected in chat.say(line)


def test_a_word_far_from_everything_gets_no_guess(chat):
    assert chat.say("/meta dance") == "I don't know the command “dance”. Try `/meta help`."
    assert "did you mean" not in chat.say("/meta insight xyzzy")
    assert "did you mean" not in chat.say("/meta stock zz")


def test_the_cli_suggests_the_nearest_command(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["stok"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "did you mean 'stock'?" in err


def test_brief_fr_is_a_french_briefing(settings):
    clock = dt.datetime(2024, 3, 13, 22, 0, tzinfo=dt.UTC)
    chat = Chat(Services(settings, clock=lambda: clock, price_files={"META": META}))
    assert chat.say("/meta brief fr").startswith("Briefing META · mercredi 13 mars 2024")
    assert chat.say("/meta brief en share --lang fr").startswith("Briefing META")  # --lang wins
    assert chat.say("/meta brief").startswith("META briefing · Wednesday 13 March 2024")


def test_cli_brief_fr_works_as_in_chat(capsys):
    args = ["brief", "fr", "--prices", str(META), "--date", "2024-03-13", "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["lang"] == "fr"


def test_resubscribing_says_what_it_replaced(chat):
    first = chat.send("/meta subscribe 08:30 Europe/Paris").message
    assert first.startswith("Subscribed: the daily briefing at 08:30 Europe/Paris")
    changed = chat.send("/meta subscribe 09:00 Asia/Tokyo fr daily").message
    assert changed.startswith(
        "Subscribed: the daily briefing at 09:00 Asia/Tokyo, every day, in French, replacing "
        "the daily briefing at 08:30 Europe/Paris, on US market trading days, in English."
    )
    again = chat.send("/meta subscribe 09:00 Asia/Tokyo fr daily").message
    assert again.startswith("Already subscribed: the daily briefing at 09:00 Asia/Tokyo")
    assert "nothing changed" in again
    assert len(chat.services.subscriptions.all()) == 1


def test_slack_manifest_with_a_bad_url_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["slack-manifest", "--http-url", "bad"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "'bad' is not an https:// URL that Slack can reach" in err
    assert main(["slack-manifest", "--http-url", "https://bot.example.com"]) == 0
    assert "url: https://bot.example.com/slack/events" in capsys.readouterr().out


def test_the_license_is_an_spdx_string_and_meta_bot_is_a_command():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"  # setuptools warns about the old table form
    assert project["scripts"]["meta-bot"] == "bot.cli:main"


@pytest.mark.process
def test_meta_bot_runs_as_the_readme_says(isolated_env):
    meta_bot = Path(sys.executable).parent / "meta-bot"
    if not meta_bot.exists():
        pytest.skip("the package is not installed in this interpreter's environment")
    result = subprocess.run([str(meta_bot), "topics"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Advertising" in result.stdout


@pytest.mark.process
def test_outside_the_venv_one_line_says_what_to_do(isolated_env):
    # -S: no site-packages, as with a system Python that has none of the bot's libraries
    result = subprocess.run(
        [sys.executable, "-S", "-m", "bot", "ask", "What is LLaMA?"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "is not installed" in lines[0] and "make run" in lines[0]
    assert ".venv/bin/meta-bot" in lines[0]
