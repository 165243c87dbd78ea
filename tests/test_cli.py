"""The CLI contract: exact names, one-line errors, exit codes, and a light start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.harness import ROOT

pytestmark = pytest.mark.process  # every test runs the CLI in a process of its own


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=60,
    )


def test_no_argument_prints_usage():
    result = run_cli()
    assert result.returncode == 0
    assert "usage: python -m bot" in result.stdout
    for command in ("console", "run", "ask", "insight", "topics"):
        assert command in result.stdout


def test_bad_flag_is_one_line_and_exit_2():
    result = run_cli("ask", "hello", "--bogus")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unrecognized arguments: --bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_lang_is_one_line_and_exit_2():
    result = run_cli("ask", "hello", "--lang", "de")
    assert result.returncode == 2
    assert "must be 'en' or 'fr'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ask_json_in_a_real_process():
    result = run_cli("ask", "Que signifie LLaMA ?", "--json")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["answered"] is True and reply["lang"] == "fr"
    assert "Large Language Model Meta AI" in reply["answer"]


def test_unanswered_question_still_exits_0():
    result = run_cli("ask", "What is the capital of Australia?", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["answered"] is False


def test_ask_does_not_import_heavy_libraries():
    code = (
        "import sys; from bot.cli import main; main(['ask', 'What is LLaMA?']); "
        "heavy = [m for m in ('yfinance', 'pandas', 'matplotlib', 'discord') if m in sys.modules]; "
        "print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_invalid_setting_names_the_variable_without_its_value():
    result = run_cli("topics", env={"PORT": "not-a-port", "SLACK_BOT_TOKEN": "xoxb-secret-123"})
    assert result.returncode == 2
    assert "PORT" in result.stderr
    assert "not-a-port" not in result.stderr
    assert "xoxb-secret-123" not in result.stderr
    assert "Traceback" not in result.stderr


def test_console_session_reads_like_chat_and_exits():
    result = run_cli(
        "console",
        stdin="/meta help\nask Quels concurrents de LLaMA sont cités ?\nexit\nask never\n",
    )
    assert result.returncode == 0, result.stderr
    assert "/meta ask <question>" in result.stdout
    assert "Gemini d’Alphabet" in result.stdout
    assert "never" not in result.stdout.split("Gemini")[-1]


def test_run_without_credentials_starts_the_console():
    result = run_cli("run", stdin="topics\n")
    assert result.returncode == 0, result.stderr
    assert "Topics I can talk about" in result.stdout
