"""The console at a real terminal (a pseudo-terminal driven with pexpect): line editing and
history, Ctrl-C and Ctrl-D, the terminal's width, buttons as numbered choices, logs kept out of
the chat, and the prompt drawn again after a scheduled post."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.harness import ROOT
from tests.harness.delivery import META

pytestmark = pytest.mark.process

PROMPT = "meta>"  # its space is drawn as a cursor move
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


def plain(text: str) -> str:
    """What the terminal shows, without its control sequences."""
    return ANSI.sub("", text)


@pytest.fixture
def console(tmp_path: Path) -> Iterator[pexpect.spawn]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(tmp_path),
        "MARKET_DATA_FILE": str(META),
        "SCHEDULER_SWEEP_SECONDS": "1",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",  # pexpect does not answer cursor position requests
    }
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "DATABASE_URL", "COLUMNS", "LINES"):
        env.pop(name, None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "console"],
        env=env,
        dimensions=(40, 64),
        encoding="utf-8",
        timeout=60,
    )
    child.expect_exact(PROMPT)
    yield child
    if child.isalive():
        child.terminate(force=True)


# A reply ends with a blank line, then the prompt is drawn again.
NEXT_PROMPT = re.compile(r"\r?\n\r?\n(?:\x1b\[[0-9;?]*[A-Za-z])*" + PROMPT)


def answer(child: pexpect.spawn, line: str) -> str:
    """Type `line` and Enter; what the terminal showed until the prompt after the reply."""
    child.send(line + "\r")
    child.expect(NEXT_PROMPT)
    return plain(child.before)


def test_history_is_kept_in_the_data_folder_and_recalled_with_the_up_arrow(
    console: pexpect.spawn, tmp_path: Path
) -> None:
    assert "Topics I can talk about" in answer(console, "topics")
    console.send("\x1b[A")  # ↑: the last line comes back, ready to run again
    console.expect_exact("topics")
    console.send("\r")
    console.expect_exact("Topics I can talk about")
    console.expect_exact(PROMPT)
    assert "topics" in (tmp_path / "console-history").read_text(encoding="utf-8")


def test_ctrl_c_clears_the_line_and_ctrl_d_leaves(console: pexpect.spawn) -> None:
    console.send("stonks and more")
    console.expect_exact("stonks and more")
    console.send("\x03")  # Ctrl-C: the half-typed line is dropped, the console stays
    console.expect_exact(PROMPT)
    shown = answer(console, "topics")
    assert "Topics I can talk about" in shown
    assert "know the command" not in shown  # "stonks and more" was never run
    console.send("\x04")  # Ctrl-D on an empty line
    console.expect(pexpect.EOF)
    console.close()
    assert console.exitstatus == 0


def test_text_is_wrapped_to_the_terminal_and_logs_stay_in_the_log_file(
    console: pexpect.spawn, tmp_path: Path
) -> None:
    shown = answer(console, "ask How does LLaMA make money?")
    lines = [line for line in shown.splitlines()[1:] if line.strip()]
    assert lines and max(len(line) for line in lines) <= 63  # 64 columns, not a fixed 92
    answer(console, "insight nothing-like-this")
    assert "WARNING" not in shown and "INFO" not in shown
    assert "command ask platform=console" in (tmp_path / "bot.log").read_text(encoding="utf-8")


def test_buttons_are_numbered_choices_and_a_number_presses_one(console: pexpect.spawn) -> None:
    shown = answer(console, "stock 1y")
    assert "META · 1 year" in shown
    assert "[1] 1d" in shown and "[5] *1y" in shown and "[6] Refresh" in shown
    assert "Share" not in shown  # nowhere to share to from a terminal
    pressed = answer(console, "2")  # 5d
    assert "META · 5 days" in pressed and "[2] *5d" in pressed
    assert "No button 9" in answer(console, "9")


@pytest.mark.slow  # waits for the next minute
def test_a_scheduled_post_prints_above_the_prompt_which_is_drawn_again(
    console: pexpect.spawn,
) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).strftime("%H:%M")
    assert "Subscribed" in answer(console, f"subscribe {soon} UTC daily")
    console.send("ask wh")  # half-typed when the post arrives
    console.expect_exact("── post to #console", timeout=150)
    console.expect_exact(PROMPT)
    console.expect_exact("ask wh")  # the prompt and the half-typed line, drawn again
    console.send("\x03")
