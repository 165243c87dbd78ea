"""The snapshot of daily bars shipped in the package (`sample/SYMBOL.csv`): figures on the very
first run, with no network and nothing stored, always labelled as the bundled sample."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from briefings.market.bars import Series
from briefings.market.csv_source import read_bars_csv

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
SAMPLE_SOURCE = "bundled sample"


@cache
def sample_series(symbol: str) -> Series | None:
    """The bundled bars for `symbol` (META: 2 Jan 2019 to 30 Jul 2024), or None."""
    path = SAMPLE_DIR / f"{symbol.upper()}.csv"
    if not path.is_file():
        return None
    return dataclasses.replace(read_bars_csv(path, symbol.upper()), source=SAMPLE_SOURCE)


def is_sample(series: Series | None) -> bool:
    return series is not None and series.source == SAMPLE_SOURCE
