"""The command line: `python -m bot <command>`. Each subcommand goes through the same router
as chat, so the CLI shows exactly what a person would see."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.adapters import registry
from bot.adapters.console import render
from bot.terminal import json_safe, terminal_safe
from chat.reply import Reply
from chat.request import Request
from config import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)
# As it was started: `meta-bot` (the installed command) or `python -m bot`.
PROG = "meta-bot" if Path(sys.argv[0]).name == "meta-bot" else "python -m bot"


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(
            2,
            terminal_safe(
                f"{self.prog}: error: {_with_suggestion(message)} (see '{self.prog} --help')\n"
            ),
        )


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


def _with_suggestion(message: str) -> str:
    """argparse's "invalid choice: 'stok'" with the nearest choice: "did you mean 'stock'?"."""
    match = _INVALID_CHOICE.search(message)
    if not match:
        return message
    from commands.suggest import nearest

    choices = [c.strip().strip("'") for c in match.group(2).split(",")]
    suggestion = nearest(match.group(1), choices)
    return f"{message}; did you mean '{suggestion}'?" if suggestion else message


def _lang(value: str) -> str:
    if value.lower() not in ("en", "fr"):
        raise argparse.ArgumentTypeError("must be 'en' or 'fr'")
    return value.lower()


def _date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must look like 2024-03-13") from None
    return value


RANGES = ["1d", "5d", "1mo", "3mo", "6mo", "ytd", "1y"]


def _market_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--prices",
        action="append",
        default=[],
        metavar="[SYMBOL=]FILE",
        help="daily bars CSV (yfinance export); FILE alone is the company symbol; "
        "repeatable; with files, Yahoo is not used",
    )
    parser.add_argument(
        "--earnings",
        type=Path,
        metavar="FILE",
        help="earnings dates CSV (get_earnings_dates() export: "
        "Earnings Date,EPS Estimate,Reported EPS,Surprise(%%)) instead of Yahoo's",
    )
    parser.add_argument("--date", type=_date, help="as of that day's close (YYYY-MM-DD)")
    parser.add_argument("--lang", type=_lang, help="en or fr")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def build_parser() -> Parser:
    parser = Parser(prog=PROG, description="Meta AI strategy briefings for Slack and Discord.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    sub.add_parser("console", help="chat with the bot in this terminal")
    run = sub.add_parser("run", help="start every configured chat platform (the console if none)")
    for platform in registry.PLATFORMS:
        platform.add_run_arguments(run)

    ask = sub.add_parser("ask", help="ask the articles a question")
    ask.add_argument("question", help="your question, in English or French")
    ask.add_argument("--lang", type=_lang, help="answer language: en or fr")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--full", action="store_true", help="the whole passage, not the short answer")

    insight = sub.add_parser("insight", help="one insight from the articles")
    insight.add_argument("topic", nargs="?", default="", help="a topic (see 'topics')")
    insight.add_argument("--lang", type=_lang, help="en or fr")
    insight.add_argument("--json", action="store_true", help="print one JSON object")

    stock = sub.add_parser("stock", help="how the stock is moving")
    # The range is checked by the command, so a bad one is refused in the asker's language.
    stock.add_argument(
        "range",
        nargs="?",
        default="3mo",
        metavar=f"{{{','.join(RANGES)}}}",
        help="period (default 3mo)",
    )
    _market_flags(stock)
    stock.add_argument("--chart", type=Path, metavar="OUT.png", help="also write the chart there")

    brief = sub.add_parser("brief", help="today's briefing (or a past day's with --date)")
    brief.add_argument(
        "words", nargs="*", metavar="en|fr|share", help="as in chat: `brief fr` is --lang fr"
    )
    _market_flags(brief)
    brief.add_argument("--chart", type=Path, metavar="OUT.png", help="also write the chart there")

    from bot.operator_cli import add_parsers

    add_parsers(sub)
    from bot.sources_cli import add_parsers as add_sources_parsers

    add_sources_parsers(sub)

    sub.add_parser("doctor", help="check settings, database, platforms, market data")
    sub.add_parser("migrate", help="apply database migrations (the Procfile's release step)")
    for platform in registry.PLATFORMS:
        platform.add_setup_commands(sub)

    topics = sub.add_parser("topics", help="the topics the articles cover")
    topics.add_argument("--lang", type=_lang, help="en or fr")
    topics.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _print_reply(reply: Reply, as_json: bool, chart: Path | None = None) -> int:
    if not reply.ok:
        print(f"{PROG}: error: {terminal_safe(reply.message)}", file=sys.stderr)
        return 1 if reply.internal_error else 2
    if as_json:
        print(json_safe(json.dumps(dict(reply.data), ensure_ascii=False)))
    else:
        print(render(reply))
    if chart is not None:
        images = reply.images
        if not images:
            print(f"{PROG}: error: no chart: market data is unavailable", file=sys.stderr)
            return 2
        chart.write_bytes(images[0].png)
    return 0


def _handle(
    settings: Settings,
    request: Request,
    as_json: bool,
    price_files: dict[str, Path] | None = None,
    chart: Path | None = None,
    earnings: Path | None = None,
) -> int:
    from commands.router import Router
    from commands.services import Services

    services = Services(settings, price_files=price_files, earnings_file=earnings)
    reply = asyncio.run(Router(services).handle(request))
    return _print_reply(reply, as_json, chart)


def _price_files(values: list[str], company: str) -> dict[str, Path] | None:
    """`--prices FILE` (the company) and `--prices SYMBOL=FILE`, each file checked up front."""
    if not values:
        return None
    from briefings.market.csv_source import read_bars_csv

    files: dict[str, Path] = {}
    for value in values:
        symbol, sep, path = value.partition("=")
        symbol, path = (symbol.strip().upper(), path) if sep else (company, value)
        read_bars_csv(Path(path), symbol)  # raises MarketDataError with one clear line
        files[symbol] = Path(path)
    return files


def _migrate_in_a_child(settings: Settings) -> None:
    """A fresh database is migrated by a short-lived `python -m bot migrate`: Alembic, its
    templates and the Slack stores it builds tables from are about 15 MB that a long-running
    process would keep for nothing. On failure the process migrates itself and says why."""
    import subprocess

    from briefings.storage import Database
    from briefings.storage.database import HEAD_REVISION

    url = settings.storage.resolved_database_url
    if url.startswith("sqlite://") and url.removeprefix("sqlite://") in ("", "/", "/:memory:"):
        return  # an in-memory database lives in this process only
    database = Database(url)
    try:
        if database.current_revision() == HEAD_REVISION:
            return
    finally:
        database.engine.dispose()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        log.warning("migration in a child process failed (%s); migrating here", last[:300])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "doctor":
        from bot.doctor import doctor

        return doctor()
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"{PROG}: error: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    from bot.logs import setup_logging

    # The running bot logs to stderr; the console (and `run` falling back to it) keeps it quiet.
    serving = args.command == "run" and bool(registry.configured(settings))
    console = args.command == "console" or (args.command == "run" and not serving)
    setup_logging(settings, service=serving, quiet=console and sys.stdin.isatty())
    try:
        return _dispatch(args, settings)
    except SettingsError as exc:  # a platform found its settings incomplete at start
        print(f"{PROG}: error: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: log the details, show one line
        log.debug("unexpected failure in %s", args.command, exc_info=True)
        if _storage_fault_reported(exc, settings):
            return 1
        message = " ".join(str(exc).split())[:300]
        logging.getLogger("bot").error(
            "%s failed: %s: %s", args.command, exc.__class__.__name__, message
        )
        return 1


def _storage_fault_reported(exc: Exception, settings: Settings) -> bool:
    """A database fault gets its one line, naming the file and the fix (logged at most once,
    so the database's own report and this one make one line)."""
    from briefings.storage.faults import BUSY, StorageFault, problem_of

    problem = problem_of(exc)
    if problem == BUSY:
        log.error("the database is busy: another process holds its write lock; try again soon")
        return True
    if not isinstance(problem, StorageFault):
        return False
    from briefings.storage import Database
    from briefings.storage.guard import report

    if problem.where == "(unknown)":
        database = Database(settings.storage.resolved_database_url)
        where = str(database.file) if database.file else database.safe_url
        problem = type(problem)(problem.kind, where, problem.detail)
    report(problem)
    return True


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    # The operator at the command line runs the bot: they may manage its channel.
    def request(command: str, **values: Any) -> Request:
        return Request(
            command,
            platform="cli",
            workspace="local",
            channel="cli",
            can_manage_channel=True,
            lang=args.lang,
            **values,
        )

    if args.command == "ask":
        options = {"full": "yes"} if args.full else {}
        return _handle(settings, request("ask", text=args.question, options=options), args.json)
    if args.command == "insight":
        return _handle(settings, request("insight", text=args.topic), args.json)
    if args.command == "topics":
        return _handle(settings, request("topics"), args.json)
    if args.command in ("stock", "brief"):
        from briefings.market.bars import MarketDataError
        from briefings.market.earnings import read_earnings_csv

        try:
            files = _price_files(args.prices, settings.market.company_symbol)
            if args.earnings is not None:  # one clear line for a bad file, up front
                read_earnings_csv(args.earnings, settings.market.company_symbol)
        except MarketDataError as exc:
            print(f"{PROG}: error: {terminal_safe(str(exc))}", file=sys.stderr)
            return 2
        options = {"date": args.date or ""}
        if args.command == "stock":
            options["range"] = args.range
        text = " ".join(args.words) if args.command == "brief" else ""
        return _handle(
            settings,
            request(args.command, text=text, options=options),
            args.json,
            files,
            args.chart,
            args.earnings,
        )
    if args.command == "migrate":
        from briefings.storage import Database

        Database(settings.storage.resolved_database_url).migrate()
        print("database migrated")
        return 0
    for platform in registry.PLATFORMS:
        code = platform.setup(args, settings)
        if code is not None:
            return code
    if args.command == "subscriptions":
        from bot.operator_cli import subscriptions

        return subscriptions(args, settings)
    if args.command == "alerts":
        from bot.operator_cli import alerts_check

        return alerts_check(args, settings)
    if args.command == "sources":
        from bot.sources_cli import sources

        return sources(args, settings)
    if args.command == "deliver-due":
        from bot.operator_cli import deliver_due

        return deliver_due(args, settings)
    if args.command in ("console", "run"):
        from bot.app import run

        _migrate_in_a_child(settings)

        return run(
            settings,
            console_only=args.command == "console",
            options=vars(args),
        )
    raise AssertionError(args.command)
