"""`python -m bot subscriptions import FILE.csv`: many subscriptions at once, all or nothing.

Every row is checked before anything is written; a file with one bad row imports nothing and
names each bad row by its line number. A row already in place as written is left alone (its
creation time too), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefings.subscriptions.model import (
    DEFAULT_CADENCE,
    SubscriptionError,
    parse_cadence,
    parse_language,
    parse_time,
    parse_zone,
)
from briefings.subscriptions.store import SubscriptionRow

REQUIRED = ("platform", "channel", "time", "zone", "language", "cadence")
OPTIONAL = ("workspace",)
# An empty cell means what `subscriptions add` assumes without the flag.
DEFAULT_WORKSPACE, DEFAULT_LANGUAGE = "local", "en"


class ImportFileError(Exception):
    """The file cannot be imported: one line per problem, nothing written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class _Memo:
    """Parsers memoised per distinct text: 100,000 rows share a few dozen zones and times."""

    parse: Callable[[str], object]
    seen: dict[str, object]

    def __call__(self, text: str) -> object:
        if text not in self.seen:
            self.seen[text] = self.parse(text)
        return self.seen[text]


def read_rows(path: Path, platforms: Iterable[str]) -> list[SubscriptionRow]:
    """The file's rows, every one checked; ImportFileError naming each bad line otherwise."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _check(csv.reader(handle), tuple(platforms))
    except FileNotFoundError:
        raise ImportFileError(["no such file"]) from None
    except IsADirectoryError:
        raise ImportFileError(["a folder, not a CSV file"]) from None
    except PermissionError:
        raise ImportFileError(["not readable (permission denied)"]) from None
    except UnicodeDecodeError:
        raise ImportFileError(["not UTF-8 text"]) from None
    except csv.Error as exc:
        raise ImportFileError([f"not a readable CSV file ({exc})"]) from None


def _columns(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    problems = []
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    unknown = [n for n in names if n not in REQUIRED + OPTIONAL]
    if unknown:
        known = ", ".join(REQUIRED + OPTIONAL)
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)} (known: {known})")
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        problems.append(f"line 1: column(s) named twice: {', '.join(doubled)}")
    if problems:
        raise ImportFileError(problems)
    return {name: index for index, name in enumerate(names)}


def _check(reader: Iterable[list[str]], platforms: tuple[str, ...]) -> list[SubscriptionRow]:
    lines = iter(reader)
    header = next((row for row in lines if any(cell.strip() for cell in row)), None)
    if header is None:
        raise ImportFileError(["the file is empty: the first line must name the columns"])
    columns = _columns(header)
    parsers = {
        "time": _Memo(parse_time, {}),
        "zone": _Memo(parse_zone, {}),
        "language": _Memo(parse_language, {}),
        "cadence": _Memo(parse_cadence, {}),
    }
    rows: list[SubscriptionRow] = []
    problems: list[str] = []
    first_line: dict[tuple[str, str, str], int] = {}
    line = getattr(reader, "line_num", 1)
    for cells in lines:
        line = getattr(reader, "line_num", line + 1)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"line {line}: {len(cells)} fields, the header has {len(header)}")
            continue
        value = {name: cells[index].strip() for name, index in columns.items()}
        try:
            row = _row(value, parsers, platforms)
        except SubscriptionError as error:
            problems.append(f"line {line}: {error}")
            continue
        except ValueError as error:
            problems.append(f"line {line}: {error}")
            continue
        key = (row.platform, row.workspace, row.channel)
        if key in first_line:
            problems.append(
                f"line {line}: {row.platform} channel {row.channel} is already on line "
                f"{first_line[key]}"
            )
            continue
        first_line[key] = line
        rows.append(row)
    if problems:
        raise ImportFileError(problems)
    return rows


def _row(
    value: dict[str, str], parsers: dict[str, _Memo], platforms: tuple[str, ...]
) -> SubscriptionRow:
    platform = value["platform"].lower()
    if platform not in platforms:
        raise ValueError(
            f"unknown platform '{value['platform'][:20]}' (one of {', '.join(platforms)})"
        )
    channel = value["channel"]
    if not channel:
        raise ValueError("the channel is empty")
    if len(channel) > 100:
        raise ValueError("the channel id is longer than 100 characters")
    workspace = value.get("workspace") or DEFAULT_WORKSPACE
    if len(workspace) > 100:
        raise ValueError("the workspace id is longer than 100 characters")
    time = parsers["time"](value["time"])
    zone = parsers["zone"](value["zone"])
    language = parsers["language"](value["language"] or DEFAULT_LANGUAGE)
    cadence = parsers["cadence"](value["cadence"] or DEFAULT_CADENCE)
    assert isinstance(time, dt.time)
    return SubscriptionRow(
        platform, workspace, channel, time, str(zone), str(language), str(cadence)
    )
