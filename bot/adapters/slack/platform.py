"""Slack's entry in the platform registry (imports no Slack library)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.adapters.platform import Platform, Subcommands

if TYPE_CHECKING:
    from bot.adapters.base import ChatAdapter
    from bot.checks import Check
    from commands.router import Router
    from config import Settings


def _public_url(value: str) -> str:
    """`--http-url`: an https:// URL with a host; anything else is argparse's one-line error."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
    except ValueError:
        parts = None
    if parts is None or parts.scheme != "https" or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"'{value[:80]}' is not an https:// URL that Slack can reach "
            "(e.g. https://bot.example.com)"
        )
    return value.strip()


class Slack(Platform):
    name = "slack"

    def configured(self, settings: Settings) -> bool:
        return settings.slack.configured

    def build(self, settings: Settings, router: Router, options: Mapping[str, Any]) -> ChatAdapter:
        from bot.adapters.slack.adapter import SlackAdapter

        return SlackAdapter(settings.slack, router, mode=options.get("slack_mode"))

    def health(self, settings: Settings) -> Check:
        from bot.adapters.slack.health import check

        return check(settings.slack)

    def add_run_arguments(self, run: argparse.ArgumentParser) -> None:
        run.add_argument("--slack-mode", choices=["socket", "http"], help="Slack connection mode")

    def add_setup_commands(self, sub: Subcommands) -> None:
        manifest = sub.add_parser("slack-manifest", help="print the Slack app manifest (YAML)")
        manifest.add_argument(
            "--http-url",
            type=_public_url,
            help="public base URL for HTTP mode, https://... (else Socket Mode)",
        )

    def setup(self, args: argparse.Namespace, settings: Settings) -> int | None:
        if args.command != "slack-manifest":
            return None
        from bot.adapters.slack.manifest import manifest_yaml

        print(manifest_yaml(args.http_url), end="")
        return 0


PLATFORM = Slack()
