"""`/meta help [command]`: generated from the registered commands, so it never goes stale;
`help ask` shows that command with examples."""

from __future__ import annotations

from chat.reply import Block, BulletList, Context, Heading, Paragraph, Reply
from chat.request import Request
from chat.wording import CATALOG, both, say
from commands.base import Command, Option, language_of
from commands.services import Services
from commands.suggest import nearest


def help_(request: Request, services: Services) -> Reply:
    from commands import all_commands

    lang = language_of(request, services)
    commands = all_commands()
    wanted = (request.option("command") or request.text).strip().lower().removeprefix("/meta ")
    if wanted:
        name = wanted.split()[0]
        if name in commands:
            return _one(commands[name], lang)
        suggestion = nearest(name, commands)
        shown = name[:40].replace("`", "'")
        if suggestion:
            text = say("unknown_command_suggestion", lang, command=shown, suggestion=suggestion)
        else:
            text = say("unknown_command", lang, command=shown)
        return Reply.error(text)
    lines = tuple(
        f"`/meta {command.usage}`: {command.summary[lang]}" for command in commands.values()
    )
    data = {"commands": [{"name": c.name, "usage": c.usage} for c in commands.values()]}
    return Reply(
        (
            Heading(say("help_title", lang)),
            BulletList(lines),
            Context(say("help_hint", lang) + " " + say("help_one_hint_command", lang)),
        ),
        data=data,
    )


def examples(command: Command, lang: str) -> list[str]:
    """The command's examples from the catalog (`examples_<name>`), none when it has no key."""
    key = f"examples_{command.name}"
    return say(key, lang).splitlines() if key in CATALOG else []


def _one(command: Command, lang: str) -> Reply:
    shown = examples(command, lang)
    blocks: list[Block] = [Heading(f"/meta {command.name}"), Paragraph(command.summary[lang])]
    blocks.append(Paragraph(command.usage_line(lang)))
    if shown:
        blocks.append(Paragraph(say("help_examples", lang)))
        blocks.append(BulletList(tuple(f"`{line}`" for line in shown)))
    blocks.append(Context(say("help_one_hint", lang)))
    data = {"command": command.name, "usage": command.usage, "examples": shown}
    return Reply(tuple(blocks), data=data)


COMMAND = Command(
    name="help",
    usage="help [command]",
    summary=both("summary_help"),
    run=help_,
    options=(Option("command", "One command, shown with examples (e.g. ask)"),),
)
