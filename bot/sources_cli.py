"""`python -m bot sources add|list|remove|refresh`: the knowledge base's sources, for operators.
Bad input (an unreachable host, a 404, a page where a feed was expected, a duplicate) is one
line on stderr and exit code 1, with nothing stored."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from briefings.sources.readers import KINDS
from briefings.sources.safety import FetchRefused
from chat.wording import say
from commands.services import Services
from config import Settings


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("sources", help="add, list, remove or refresh knowledge sources")
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    add = actions.add_parser("add", help="fetch a feed, page or PDF now and keep it")
    add.add_argument("url")
    add.add_argument("--kind", choices=KINDS, help="detected when not given")
    add.add_argument("--json", action="store_true")
    listing = actions.add_parser("list", help="every source, with its last fetch")
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="remove a source (by id or URL)")
    remove.add_argument("source", metavar="ID|URL")
    refresh = actions.add_parser("refresh", help="fetch every source now")
    refresh.add_argument("--json", action="store_true")


def sources(args: argparse.Namespace, settings: Settings) -> int:
    services = Services(settings)
    lang = settings.default_language
    try:
        return asyncio.run(_run(args, services, lang))
    except FetchRefused as refused:
        print(f"python -m bot: error: {refused.in_lang(lang)}", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace, services: Services, lang: str) -> int:
    service = services.sources
    if args.action == "add":
        added = await service.add(args.url, args.kind, added_by="cli")
        s = added.source
        if args.json:
            _print_json(added.as_json())
        else:
            print(say("src_added", lang, id=s.id, title=s.title, kind=s.kind, articles=s.articles))
        return 0
    if args.action == "remove":
        removed = await service.remove(args.source)
        print(say("src_removed", lang, id=removed.id, title=removed.title))
        return 0
    if args.action == "refresh":
        report = await service.refresh()
        values = report.as_json()
        if args.json:
            _print_json(values)
        else:
            print(say("src_refreshed", lang, **{**values, "failed": len(report.failed)}))
            for failure in report.failed:
                print(say("src_refresh_failed", lang, **failure))
        return 0
    rows = [s.as_json() for s in await service.list()]
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(say("src_list_item", lang, **row))
        if row["last_error"]:
            print("    " + say("src_list_error", lang, id=row["id"], error=row["last_error"]))
    if not rows:
        print(say("src_none", lang))
    return 0


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False))
