"""`python -m bot subscriptions import FILE.csv`: all rows checked first, all or nothing, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

HEADER = "platform,channel,time,zone,language,cadence"


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def listed(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["subscriptions", "list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_json_then_again_changes_nothing(isolated_env, capsys):
    good = write(
        isolated_env / "subs.csv",
        HEADER + ",workspace",
        "slack,C1,08:30,Europe/Paris,fr,weekdays,T1",
        "slack,C2,8:30am,America/New_York,en,trading-days,T1",
        "discord,1234,17h05,Asia/Tokyo,en,daily,G9",
        "console,local-1,07:00,UTC,en,,",
    )
    assert main(["subscriptions", "import", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 4}
    first = listed(capsys)
    assert [(s["platform"], s["workspace"], s["channel"], s["time"], s["zone"]) for s in first] == [
        ("slack", "T1", "C1", "08:30", "Europe/Paris"),
        ("slack", "T1", "C2", "08:30", "America/New_York"),
        ("discord", "G9", "1234", "17:05", "Asia/Tokyo"),
        ("console", "local", "local-1", "07:00", "UTC"),
    ]
    assert first[3]["cadence"] == "trading-days"  # an empty cell: the default, as with `add`

    assert main(["subscriptions", "import", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 0}
    assert listed(capsys) == first  # creation times included: nothing changed


def test_a_changed_row_changes_that_channel_only(isolated_env, capsys):
    path = isolated_env / "subs.csv"
    write(path, HEADER, "slack,C1,08:30,Europe/Paris,fr,weekdays", "slack,C2,09:00,UTC,en,daily")
    assert main(["subscriptions", "import", str(path)]) == 0
    before = listed(capsys)
    write(path, HEADER, "slack,C1,08:30,Europe/Paris,fr,weekdays", "slack,C2,10:00,UTC,en,daily")
    assert main(["subscriptions", "import", str(path)]) == 0
    assert "1 changed, 1 already as in the file" in capsys.readouterr().out
    after = listed(capsys)
    assert after[0] == before[0]
    assert after[1]["time"] == "10:00" and len(after) == 2


def test_one_bad_row_imports_nothing_and_each_is_named(isolated_env, capsys):
    bad = write(
        isolated_env / "bad.csv",
        HEADER,
        "slack,C1,08:30,Europe/Paris,fr,weekdays",
        "slack,C2,25:00,Europe/Paris,fr,weekdays",
        "",
        "slack,C3,08:30,Paris,en,daily",
        "teams,C4,08:30,UTC,en,daily",
        "slack,C5,08:30,UTC,de,daily",
        "slack,C6,08:30,UTC,en,monthly",
        "slack,C1,09:00,UTC,en,daily",
        "slack,,08:30,UTC,en,daily",
        "slack,C9,08:30,UTC",
    )
    assert main(["subscriptions", "import", str(bad), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    errors = captured.err.strip().splitlines()
    assert "Traceback" not in captured.err
    assert [e.split(": ")[3] for e in errors[:-1]] == [
        "line 3",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "line 10",
        "line 11",
    ]
    assert "Did you mean Europe/Paris?" in errors[1]
    assert "unknown platform 'teams'" in errors[2]
    assert "already on line 2" in errors[5]
    assert "4 fields, the header has 6" in errors[7]
    assert errors[-1].endswith("nothing imported from " + str(bad))
    assert listed(capsys) == []  # not even the good line 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("platform,channel,time,zone\n", "missing column(s) language, cadence"),
        (HEADER + ",langauge\n", "unknown column(s) langauge"),
        (b"platform,channel\n\xff\xfe\n", "not UTF-8 text"),
    ],
)
def test_unreadable_files_are_one_line_each(isolated_env, capsys, content, message):
    path = isolated_env / "odd.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    assert main(["subscriptions", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert main(["subscriptions", "import", str(isolated_env / "missing.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_header_only_imports_zero(isolated_env, capsys):
    path = write(isolated_env / "empty.csv", HEADER)
    assert main(["subscriptions", "import", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 0}


@pytest.mark.process
def test_a_real_process_exits_1_naming_the_line_and_0_when_good(isolated_env):
    import os
    import subprocess
    import sys

    from tests.harness import ROOT

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "subscriptions", "import", str(path), "--json"],
            capture_output=True,
            text=True,
            cwd=isolated_env,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )

    bad = run(write(isolated_env / "bad.csv", HEADER, "slack,C1,8h,UTC,en,daily"))
    assert bad.returncode == 1 and bad.stdout == ""
    assert "line 2: “8h” isn't a time I understand" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = run(write(isolated_env / "good.csv", HEADER, "slack,C1,08:00,UTC,en,daily"))
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout) == {"imported": 1}
