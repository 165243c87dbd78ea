"""`/meta help [command]`: generated from the registered commands, so it never goes stale;
`help ask` shows that command with examples."""

from __future__ import annotations

import functools

from chat.reply import Block, BulletList, Context, Heading, Paragraph, Reply
from chat.request import Request
from chat.wording import CATALOG, both, say
from commands.base import Command, Option, language_of
from commands.services import Services
from commands.suggest import nearest
from commands.usage import OPTIONS, shown, syntax, written


def help_(request: Request, services: Services) -> Reply:
    from commands import all_commands

    lang = language_of(request, services)
    platform = request.platform
    commands = all_commands()
    wanted = (request.option("command") or request.text).strip().lower().removeprefix("/meta ")
    if wanted:
        name = wanted.split()[0]
        if name in commands:
            return _one(commands[name], lang, platform)
        suggestion = nearest(name, commands)
        asked = name[:40].replace("`", "'")
        if suggestion:
            text = say("unknown_command_suggestion", lang, command=asked, suggestion=suggestion)
        else:
            text = say("unknown_command", lang, command=asked)
        return Reply.error(text)
    return _listing(lang, platform)


@functools.cache
def _listing(lang: str, platform: str) -> Reply:
    """Every command, written as it is typed on `platform` (the same until the next start)."""
    from commands import all_commands

    commands = all_commands()
    lines = tuple(
        f"{shown(written(command, platform), platform)}: {command.summary[lang]}"
        for command in commands.values()
    )
    data = {"commands": [{"name": c.name, "usage": c.usage} for c in commands.values()]}
    options = syntax(platform) == OPTIONS
    hint = "help_hint_options" if options else "help_hint"
    one = "help_one_hint_option" if options else "help_one_hint_command"
    return Reply(
        (
            Heading(say("help_title", lang)),
            BulletList(lines),
            Context(say(hint, lang) + " " + say(one, lang)),
        ),
        data=data,
    )


def examples(command: Command, lang: str) -> list[str]:
    """The command's examples from the catalog (`examples_<name>`), none when it has no key."""
    key = f"examples_{command.name}"
    return say(key, lang).splitlines() if key in CATALOG else []


def _one(command: Command, lang: str, platform: str) -> Reply:
    listed = examples(command, lang)
    blocks: list[Block] = [Heading(f"/meta {command.name}"), Paragraph(command.summary[lang])]
    blocks.append(Paragraph(command.usage_line(lang, platform)))
    if listed:
        blocks.append(Paragraph(say("help_examples", lang)))
        blocks.append(BulletList(tuple(f"`{line}`" for line in listed)))
    blocks.append(Context(say("help_one_hint", lang)))
    data = {"command": command.name, "usage": command.usage, "examples": listed}
    return Reply(tuple(blocks), data=data)


COMMAND = Command(
    name="help",
    usage="help [command]",
    summary=both("summary_help"),
    run=help_,
    options=(Option("command", "One command, shown with examples (e.g. ask)"),),
    blocking=False,
)
