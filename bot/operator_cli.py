"""Operator commands of the CLI: `subscriptions add|list|remove|import` and `deliver-due`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path

from bot.adapters import registry
from bot.adapters.console import ConsoleDelivery
from bot.terminal import json_safe, terminal_safe
from briefings.subscriptions.model import (
    CADENCES,
    DEFAULT_CADENCE,
    SubscriptionError,
    parse_cadence,
    parse_language,
    parse_time,
    parse_zone,
)
from chat.delivery import DeliveryPort
from commands.channel_rules import EXPECTED, channel_problem
from commands.services import Services
from config import Settings

PLATFORMS = registry.names()


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    subs = sub.add_parser("subscriptions", help="add, list or remove channel subscriptions")
    actions = subs.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(subs)
    )
    add = actions.add_parser("add", help="subscribe a channel to the daily briefing")
    add.add_argument("--channel", required=True, help="channel id")
    add.add_argument("--time", required=True, help="HH:MM (24 h) or 8:30am, in ZONE")
    add.add_argument("--zone", required=True, help="IANA time zone, e.g. Europe/Paris")
    add.add_argument("--lang", default="en", help="en or fr (default en)")
    add.add_argument("--cadence", default=DEFAULT_CADENCE, help=f"{'|'.join(CADENCES)}")
    add.add_argument("--platform", default="console", choices=PLATFORMS)
    add.add_argument("--workspace", default="local", help="Slack team id / Discord guild id")
    listing = actions.add_parser("list", help="every subscription")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--platform", choices=PLATFORMS)
    remove = actions.add_parser("remove", help="unsubscribe a channel")
    remove.add_argument("--channel", required=True)
    remove.add_argument("--platform", default="console", choices=PLATFORMS)
    bulk = actions.add_parser(
        "import",
        help="subscribe many channels from a CSV file, all rows or none",
        description="Columns: platform,channel,time,zone,language,cadence and optionally "
        "workspace. Every row is checked first; one bad row imports nothing. A row already "
        "in place as written is left alone, so importing the same file twice changes nothing.",
    )
    bulk.add_argument("file", type=Path, metavar="FILE.csv")
    bulk.add_argument("--json", action="store_true", help='print {"imported": n}')

    due = sub.add_parser("deliver-due", help="one delivery pass: post every briefing due now")
    due.add_argument("--at", type=_instant, help="as of this ISO date-time (default: now)")
    due.add_argument("--json", action="store_true", help="print the report as JSON on stdout")

    alerts = sub.add_parser("alerts", help="move alerts: one check pass")
    alert_actions = alerts.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(alerts)
    )
    check = alert_actions.add_parser("check", help="post every move alert due now, once")
    check.add_argument("--at", type=_instant, help="as of this ISO date-time (default: now)")
    check.add_argument("--json", action="store_true", help="print the report as JSON on stdout")


def _instant(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            "must be an ISO date-time like 2026-11-27T08:30:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _fail(message: str) -> int:
    print(f"python -m bot: error: {terminal_safe(message)}", file=sys.stderr)
    return 2


def _say(text: str) -> None:
    """A line on stdout; what came from people or platforms in it cannot drive the terminal."""
    print(terminal_safe(text))


def _channel_refused(args: argparse.Namespace) -> int | None:
    """Exit code 2 with one line when `--channel` is no channel id of `--platform`."""
    kind = channel_problem(args.platform, args.channel)
    if kind is None:
        return None
    shown = repr(args.channel[:40])  # repr: control characters shown as escapes
    return _fail(f"--channel {shown} is not a {args.platform} channel; expected {EXPECTED[kind]}")


def import_subscriptions(args: argparse.Namespace, settings: Settings) -> int:
    """Check every row, then write them all in one transaction; exit 1 naming each bad line."""
    from bot.subscriptions_import import ImportFileError, read_rows

    try:
        rows = read_rows(args.file, PLATFORMS)
    except ImportFileError as error:
        for problem in error.problems:
            print(f"python -m bot: error: {args.file.name}: {problem}", file=sys.stderr)
        print(f"python -m bot: nothing imported from {args.file}", file=sys.stderr)
        return 1
    services = Services(settings)
    created, changed = services.subscriptions.save_many(rows, "import", services.clock())
    if args.json:
        print(json.dumps({"imported": created + changed}))
    else:
        unchanged = len(rows) - created - changed
        print(
            f"imported {created + changed} subscription(s) from {args.file.name}: {created} new, "
            f"{changed} changed, {unchanged} already as in the file"
        )
    return 0


def subscriptions(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "import":
        return import_subscriptions(args, settings)
    services = Services(settings)
    if args.action in ("add", "remove") and (refused := _channel_refused(args)) is not None:
        return refused
    store = services.subscriptions
    if args.action == "add":
        try:
            time, zone = parse_time(args.time), parse_zone(args.zone)
            lang, cadence = parse_language(args.lang), parse_cadence(args.cadence)
        except SubscriptionError as error:
            return _fail(str(error))
        sub = store.save(
            args.platform,
            args.workspace,
            args.channel,
            time,
            zone,
            lang,
            cadence,
            "cli",
            services.clock(),
        )
        _say(
            f"subscribed {sub.platform} channel {sub.channel}: {sub.time_text} {sub.zone}, "
            f"{sub.language}, {sub.cadence}"
        )
        return 0
    if args.action == "remove":
        if not store.remove(args.platform, args.channel):
            return _fail(
                f"no subscription for {args.platform} channel {args.channel}; "
                "see 'python -m bot subscriptions list'"
            )
        _say(f"unsubscribed {args.platform} channel {args.channel}")
        return 0
    rows = [
        {
            "platform": s.platform,
            "workspace": s.workspace,
            "channel": s.channel,
            "time": s.time_text,
            "zone": s.zone,
            "lang": s.language,
            "cadence": s.cadence,
            "created_by": s.created_by,
            "created_at": s.created_at.isoformat(),
            "paused_reason": s.paused_reason,
        }
        for s in store.all(args.platform)
    ]
    if args.json:
        print(json_safe(json.dumps(rows, ensure_ascii=False)))
    else:
        for r in rows:
            paused = f"  PAUSED: {r['paused_reason']}" if r["paused_reason"] else ""
            _say(
                f"{r['platform']:8} {r['channel']:20} {r['time']} {r['zone']:20} {r['lang']} "
                f"{r['cadence']}{paused}"
            )
        if not rows:
            print("no subscriptions")
    return 0


def delivery_ports(settings: Settings, services: Services) -> dict[str, DeliveryPort]:
    """Ports for a one-off pass: the console (posts to stderr) and each configured platform."""
    from bot.app import build_adapters
    from commands.router import Router

    ports: dict[str, DeliveryPort] = {
        "console": ConsoleDelivery(
            sys.stderr, Path(settings.storage.data_dir) / "console-posts.jsonl"
        )
    }
    for adapter in build_adapters(settings, Router(services)):
        ports[adapter.platform] = adapter
    return ports


def deliver_due(args: argparse.Namespace, settings: Settings) -> int:
    from scheduling.fanout import Deliveries

    services = Services(settings)

    async def one_pass() -> dict[str, object]:
        deliveries = Deliveries(services, delivery_ports(settings, services))
        report = await deliveries.deliver_due(args.at)
        return report.as_json()

    result = asyncio.run(one_pass())
    if args.json:
        print(json_safe(json.dumps(result, ensure_ascii=False)))
    else:
        print(f"delivered {len(result['delivered'])}, skipped {len(result['skipped'])}")  # type: ignore[arg-type]
    return 0


def alerts_check(args: argparse.Namespace, settings: Settings) -> int:
    from scheduling.alerts import check_alerts

    services = Services(settings)

    async def one_pass() -> dict[str, object]:
        report = await check_alerts(services, delivery_ports(settings, services), args.at)
        return report.as_json()

    result = asyncio.run(one_pass())
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    elif not result["market_open"]:
        print("market closed: no move alerts")
    else:
        print(f"posted {len(result['posted'])}, skipped {len(result['skipped'])}")  # type: ignore[arg-type]
    return 0
