"""`/meta help`: generated from the registered commands, so it never goes stale."""

from __future__ import annotations

from chat.reply import BulletList, Context, Heading, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import Command, language_of
from commands.services import Services
from commands.usage import OPTIONS, shown, syntax, written


def help_(request: Request, services: Services) -> Reply:
    from commands import all_commands

    lang = language_of(request, services)
    platform = request.platform
    lines = tuple(
        f"{shown(written(command, platform), platform)}: {command.summary[lang]}"
        for command in all_commands().values()
    )
    data = {"commands": [{"name": c.name, "usage": c.usage} for c in all_commands().values()]}
    hint = "help_hint_options" if syntax(platform) == OPTIONS else "help_hint"
    return Reply(
        (Heading(say("help_title", lang)), BulletList(lines), Context(say(hint, lang))),
        data=data,
    )


COMMAND = Command(
    name="help",
    usage="help",
    summary=both("summary_help"),
    run=help_,
)
