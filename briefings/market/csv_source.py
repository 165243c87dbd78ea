"""Daily bars from CSV files in the format yfinance exports (`Date,Open,High,Low,Close,...`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

from briefings.market.bars import Bar, MarketDataError, MarketDataUnavailable, Series
from chat.wording import Phrase

REQUIRED = ("Date", "Open", "High", "Low", "Close", "Volume")
EXPECTED = ",".join(REQUIRED)
PRICES = ("Open", "High", "Low", "Close")
# A yfinance export of 40 years of daily bars is about 1 MB: anything much larger is no price
# file (a log, a disk image, /dev/zero), and is refused before it fills memory.
MAX_FILE_BYTES = 16 * 1024 * 1024


def read_bars_csv(path: Path, symbol: str) -> Series:
    """Read a yfinance CSV export; `Close` is the real close, extra columns are ignored.

    Raises MarketDataError with one line naming the file, the problem and what would work.
    """
    name = path.name
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # bounded, whatever the file claims to be
        if len(raw) > MAX_FILE_BYTES:
            raise MarketDataError(
                f"{name}: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                f"expected a CSV of daily bars with columns {EXPECTED} (about 1 MB for 40 years)"
            )
        text = raw.decode("utf-8-sig")
        bars = _read(csv.DictReader(io.StringIO(text, newline="")), name)
        fetched_at = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise MarketDataError(
            f"{name}: cannot read the file ({problem}); expected a readable UTF-8 CSV "
            f"with columns {EXPECTED}"
        ) from exc
    return Series(symbol=symbol, bars=tuple(bars), source=f"file {name}", fetched_at=fetched_at)


def _read(reader: csv.DictReader[str], name: str) -> list[Bar]:
    if reader.fieldnames is None:
        raise MarketDataError(f"{name}: the file is empty; expected a header line {EXPECTED}")
    reader.fieldnames = [field.strip() for field in reader.fieldnames]
    missing = [column for column in REQUIRED if column not in reader.fieldnames]
    if missing:
        raise MarketDataError(f"{name}: missing column(s) {','.join(missing)}; expected {EXPECTED}")
    bars: list[Bar] = []
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank line
        bar = _bar(row, name, reader.line_num)
        if bars and bar.date == bars[-1].date:
            raise MarketDataError(
                f"{name}: line {reader.line_num}: duplicate date {bar.date}; "
                "expected one row per trading day"
            )
        if bars and bar.date < bars[-1].date:
            raise MarketDataError(
                f"{name}: line {reader.line_num}: date {bar.date} comes after "
                f"{bars[-1].date}; expected dates in ascending order (oldest first)"
            )
        bars.append(bar)
    if not bars:
        raise MarketDataError(f"{name}: no rows; expected one row per trading day under the header")
    return bars


MIN_PRICE = 0.0001  # a hundredth of a cent: below it, percentages overflow any display
MAX_PRICE = 10_000_000.0  # well above any listed share price
MAX_VOLUME = 1e13


def _bar(row: dict[str, str], name: str, line: int) -> Bar:
    raw_date = (row.get("Date") or "").strip()
    try:
        # "2024-03-13" or "2024-03-13 00:00:00-04:00": the date part is the trading day.
        day = dt.date.fromisoformat(raw_date[:10])
    except ValueError:
        raise MarketDataError(
            f"{name}: line {line}: Date {raw_date!r} is not a date; expected YYYY-MM-DD"
        ) from None
    prices = [_number(row, column, name, line) for column in PRICES]
    for column, price in zip(PRICES, prices, strict=True):
        if not MIN_PRICE <= price <= MAX_PRICE:
            raise MarketDataError(
                f"{name}: line {line}, column {column}: {price:g} is not a plausible share "
                f"price; expected a price from {MIN_PRICE:g} to {MAX_PRICE:,.0f}"
            )
    volume = _number(row, "Volume", name, line)
    if not 0 <= volume <= MAX_VOLUME:
        raise MarketDataError(
            f"{name}: line {line}, column Volume: {volume:g} is not a share count; "
            "expected a whole number of shares, 0 or more"
        )
    open_, high, low, close = prices
    return Bar(day, open_, high, low, close, volume=int(volume))


def _number(row: dict[str, str], column: str, name: str, line: int) -> float:
    raw = (row.get(column) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise MarketDataError(
            f"{name}: line {line}, column {column}: {raw!r} is not a number; "
            "expected a decimal like 495.57"
        )
    return value


class FileSource:
    """Bars from one CSV file per symbol (offline use, demos, tests)."""

    name = "file"

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = {symbol.upper(): Path(path) for symbol, path in files.items()}

    def fetch(self, symbol: str) -> Series:
        path = self.files.get(symbol.upper())
        if path is None:
            raise MarketDataUnavailable(symbol, Phrase("reason.no_price_file"))
        return read_bars_csv(path, symbol)
