"""The command line: `python -m bot <command>`. Each subcommand goes through the same router
as chat, so the CLI shows exactly what a person would see."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from bot.adapters.console import render
from bot.replies import Reply
from bot.requests import Request
from config import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)
PROG = "python -m bot"


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _lang(value: str) -> str:
    if value.lower() not in ("en", "fr"):
        raise argparse.ArgumentTypeError("must be 'en' or 'fr'")
    return value.lower()


def build_parser() -> Parser:
    parser = Parser(prog=PROG, description="Meta AI strategy briefings for Slack and Discord.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    sub.add_parser("console", help="chat with the bot in this terminal")
    run = sub.add_parser("run", help="start every configured chat platform (the console if none)")
    run.add_argument("--slack-mode", choices=["socket", "http"], help="Slack connection mode")

    ask = sub.add_parser("ask", help="ask the articles a question")
    ask.add_argument("question", help="your question, in English or French")
    ask.add_argument("--lang", type=_lang, help="answer language: en or fr")
    ask.add_argument("--json", action="store_true", help="print one JSON object")

    insight = sub.add_parser("insight", help="one insight from the articles")
    insight.add_argument("topic", nargs="?", default="", help="a topic (see 'topics')")
    insight.add_argument("--lang", type=_lang, help="en or fr")
    insight.add_argument("--json", action="store_true", help="print one JSON object")

    topics = sub.add_parser("topics", help="the topics the articles cover")
    topics.add_argument("--lang", type=_lang, help="en or fr")
    topics.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _print_reply(reply: Reply, as_json: bool) -> int:
    if as_json:
        print(json.dumps(dict(reply.data), ensure_ascii=False))
    elif reply.ok:
        print(render(reply))
    else:
        print(render(reply), file=sys.stderr)
    return 0 if reply.ok or as_json else 2


def _services(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.services import Services

    return Services(settings)


def _handle(settings: Settings, request: Request, as_json: bool) -> int:
    from bot.router import Router

    reply = asyncio.run(Router(_services(settings)).handle(request))
    return _print_reply(reply, as_json)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    from bot.logs import setup_logging

    setup_logging(settings, service=args.command == "run")
    try:
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: log the details, show one line
        log.debug("unexpected failure in %s", args.command, exc_info=True)
        logging.getLogger("bot").error("%s failed: %s", args.command, exc.__class__.__name__)
        return 1


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    context = {"platform": "cli", "workspace": "local", "channel": "cli"}
    if args.command == "ask":
        request = Request("ask", text=args.question, lang=args.lang, **context)
        return _handle(settings, request, args.json)
    if args.command == "insight":
        request = Request("insight", text=args.topic, lang=args.lang, **context)
        return _handle(settings, request, args.json)
    if args.command == "topics":
        return _handle(settings, Request("topics", lang=args.lang, **context), args.json)
    if args.command in ("console", "run"):
        from bot.app import run

        return run(
            settings,
            console_only=args.command == "console",
            slack_mode=getattr(args, "slack_mode", None),
        )
    raise AssertionError(args.command)
