"""Bounded reads and echoes: a price file too large to be one is refused with one line, channel
ids are checked wherever the CLI or chat takes one, and nothing a person typed can drive the
terminal (escape sequences and control characters never reach the CLI's or console's output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from commands.services import Services
from config import Settings
from tests.harness import DATA, ROOT
from tests.harness.chat import Chat

# An OSC title change, a colour, "clear screen", a terminal reset, C1 CSI, a carriage return.
NASTY = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m\x1b[2J\x1bc\x9b6n\rend"
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "MARKET_", "DATABASE_", "LLM_", "EMBEDDINGS_"))
    }
    env.update(PYTHONPATH=str(ROOT), DATA_DIR=str(tmp_path / "data"))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def no_controls(text: str) -> bool:
    return not any(c in text for c in CONTROLS if c != "\n")


# ---- price files --------------------------------------------------------------------------


@pytest.fixture
def huge_prices(tmp_path: Path) -> Path:
    """A header and 17 MB of blank lines: a file no export of daily bars is."""
    path = tmp_path / "huge.csv"
    with path.open("w") as out:
        out.write("Date,Open,High,Low,Close,Adj Close,Volume\n")
        out.write("\n" * (17 * 1024 * 1024))
    return path


@pytest.mark.process
def test_a_price_file_too_large_is_one_line_from_the_cli(tmp_path: Path, huge_prices: Path) -> None:
    result = run(tmp_path, "stock", "--prices", str(huge_prices))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "huge.csv: the file is larger than 16 MB" in line and "Date,Open" in line


def test_a_price_file_too_large_is_one_line_in_chat(
    settings: Settings, huge_prices: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARKET_DATA_FILE", str(huge_prices))
    from config import load_settings

    chat = Chat(Services(load_settings()))
    reply = chat.send("/meta stock")
    assert not reply.ok and "larger than 16 MB" in reply.message


@pytest.mark.process
def test_a_normal_price_file_is_still_read(tmp_path: Path) -> None:
    result = run(tmp_path, "stock", "--prices", str(DATA / "META.csv"), "--date", "2024-03-13")
    assert result.returncode == 0 and "495.57" in result.stdout


# ---- channel ids --------------------------------------------------------------------------


@pytest.mark.process
@pytest.mark.parametrize(
    ("platform", "channel", "expected"),
    [
        ("slack", "general", "a Slack channel id like C0123456789"),
        ("slack", "#C0123456789", "a Slack channel id like C0123456789"),
        ("slack", "C1", "a Slack channel id like C0123456789"),
        ("discord", "123", "a Discord channel id like 1234567890123456789"),
        ("discord", "C0123456789", "a Discord channel id like 1234567890123456789"),
        ("console", "two words", "a name of letters"),
        ("console", "x" * 200, "a name of letters"),
        ("console", "bad\x1b[2Jname", "a name of letters"),
    ],
)
def test_the_cli_refuses_a_channel_that_is_no_channel_id(
    tmp_path: Path, platform: str, channel: str, expected: str
) -> None:
    added = run(
        tmp_path,
        *("subscriptions", "add", "--platform", platform, "--channel", channel),
        *("--time", "08:30", "--zone", "Europe/Paris"),
    )
    assert added.returncode == 2, added.stderr
    (line,) = added.stderr.splitlines()
    assert expected in line and no_controls(line)


@pytest.mark.process
def test_the_cli_refuses_to_remove_a_channel_that_is_no_channel_id(tmp_path: Path) -> None:
    removed = run(tmp_path, "subscriptions", "remove", "--platform", "slack", "--channel", "gen")
    assert removed.returncode == 2 and "a Slack channel id like C0123456789" in removed.stderr
    assert run(tmp_path, "subscriptions", "list").stdout.strip() == "no subscriptions"


@pytest.mark.process
@pytest.mark.parametrize(
    ("platform", "channel"),
    [("slack", "C0123456789"), ("slack", "G0PRIVATE01"), ("discord", "920000000000000001")],
)
def test_the_cli_takes_real_channel_ids(tmp_path: Path, platform: str, channel: str) -> None:
    added = run(
        tmp_path,
        *("subscriptions", "add", "--platform", platform, "--channel", channel),
        *("--time", "08:30", "--zone", "Europe/Paris"),
    )
    assert added.returncode == 0, added.stderr
    assert channel in run(tmp_path, "subscriptions", "list").stdout


@pytest.mark.parametrize(
    ("platform", "channel", "lang", "words"),
    [
        ("slack", "C0 GENERAL", "en", "This is not a Slack channel id"),
        ("slack", "c0general1", "fr", "Ce n'est pas un identifiant de salon Slack"),
        ("discord", "92000000000000000\x1b[2J", "en", "This is not a Discord channel id"),
        ("console", "", "en", "This channel name is not one I can subscribe"),
    ],
)
def test_chat_refuses_a_channel_id_of_the_wrong_shape(
    services: Services, platform: str, channel: str, lang: str, words: str
) -> None:
    chat = Chat(services, platform=platform, channel=channel)
    reply = chat.send(f"/meta subscribe 08:30 Europe/Paris --lang {lang}")
    assert not reply.ok and words in reply.message
    assert not chat.send(f"/meta unsubscribe --lang {lang}").ok
    assert services.subscriptions.all() == []


# ---- echoed text in the terminal ----------------------------------------------------------


@pytest.mark.process
def test_the_cli_never_echoes_control_characters(tmp_path: Path) -> None:
    unknown = run(tmp_path, "insight", f"topic{NASTY}")  # echoed in "no such topic"
    assert unknown.returncode == 2 and "topic" in unknown.stderr and "end" in unknown.stderr
    assert no_controls(unknown.stderr) and no_controls(unknown.stdout)
    asked = run(tmp_path, "ask", f"What is LLaMA?{NASTY}", "--json")
    assert asked.returncode == 0 and no_controls(asked.stdout)
    assert json.loads(asked.stdout)["question"].startswith("What is LLaMA?\x1b]0;pwned")  # kept
    flag = run(tmp_path, "stock", f"--prices={NASTY}.csv")
    assert flag.returncode == 2 and no_controls(flag.stderr)


@pytest.mark.process
def test_the_console_never_echoes_control_characters(tmp_path: Path) -> None:
    session = run(tmp_path, "console", stdin=f"/meta frobnicate{NASTY}\ninsight {NASTY}\nexit\n")
    assert session.returncode == 0
    assert "frobnicate" in session.stdout and no_controls(session.stdout)
    assert no_controls(session.stderr)
