"""Numbers and dates for the reader's language, through Babel: `+1.2%` / `+1,2 %`, `13 Mar 2024`."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LOCALES = {"en": "en_US", "fr": "fr_FR"}


@cache
def _signed_percent_pattern(lang: str, decimals: int) -> str:
    """The locale's own percent pattern (keeps French's space before %), signed, with decimals."""
    base = Locale.parse(LOCALES[lang]).percent_formats[None].pattern.split(";")[0]
    number = "#,##0." + "0" * decimals if decimals else "#,##0"
    body = base.replace("#,##0", number)
    return f"+{body};-{body}"


def percent(value: float | None, lang: str, decimals: int = 1) -> str:
    """A change in percent, signed: `percent(40.01, "fr")` -> '+40,0 %'. None -> '–'."""
    if value is None:
        return "–"
    return format_percent(
        value / 100, format=_signed_percent_pattern(lang, decimals), locale=LOCALES[lang]
    )


def points(value: float | None, lang: str) -> str:
    """A difference of percentages, in percentage points: '+3.1 pts' / '+3,1 pts'."""
    if value is None:
        return "–"
    number = format_decimal(value, format="+#,##0.0;-#,##0.0", locale=LOCALES[lang])
    return f"{number}\u00a0pts"


def price(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.00", locale=LOCALES[lang])


def volume(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return format_decimal(round(value / 1e6, 1), format="#,##0.0", locale=LOCALES[lang]) + "\u00a0M"


def day(value: dt.date, lang: str) -> str:
    """'13 Mar 2024' / '13 mars 2024'."""
    return format_date(value, "d MMM y", locale=LOCALES[lang])


def long_day(value: dt.date, lang: str) -> str:
    """'Wednesday 13 March 2024' / 'mercredi 13 mars 2024'."""
    return format_date(value, "EEEE d MMMM y", locale=LOCALES[lang])


def moment(value: dt.datetime, lang: str) -> str:
    """A UTC time, e.g. '13 Mar 2024 21:00 UTC'."""
    return format_datetime(value.astimezone(dt.UTC), "d MMM y HH:mm", locale=LOCALES[lang]) + " UTC"


def source_name(source: str) -> str:
    """A data source as readers see it: 'file META.csv' -> 'META.csv'."""
    return source.removeprefix("file ")


def local_moment(value: dt.datetime, lang: str) -> str:
    """A moment in its own zone: 'Fri 27 Nov 2026 08:30' / 'ven. 27 nov. 2026 08:30'."""
    return format_datetime(value, "EEE d MMM y HH:mm", tzinfo=value.tzinfo, locale=LOCALES[lang])


def language_name(code: str, lang: str) -> str:
    """The name of language `code` in `lang` ("English", "anglais")."""
    from babel import Locale

    return Locale.parse(lang).languages.get(code, code)
