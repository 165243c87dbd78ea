"""How a command is written where it is typed: slash text on Slack and the console
(`/meta ask <question> [--lang en|fr]`), named options on Discord
(`/meta ask question:… [lang:en|fr]`), arguments on the command line
(`python -m bot ask <question> [--lang en|fr]`).

`Command.usage` is the text form; the options form is generated from `Command.options`, in the
order Discord shows them (required first), so help never teaches a syntax the platform refuses.
"""

from __future__ import annotations

from commands.base import Command, Option

OPTIONS = "options"  # platforms whose commands take named options
TEXT = "text"
CLI = "cli"
_SYNTAX = {"discord": OPTIONS, "cli": CLI}
CLI_PROG = "python -m bot"


def syntax(platform: str) -> str:
    """`options`, `cli`, or `text` (Slack, the console and anything else)."""
    return _SYNTAX.get(platform, TEXT)


def _is_boolean(option: Option) -> bool:
    return set(option.choices) == {"true", "false"}


def _option(option: Option) -> str:
    if _is_boolean(option):
        value = "true"
    elif option.choices:
        value = "|".join(option.choices)
    else:
        value = "…"
    written = f"{option.name}:{value}"
    return written if option.required else f"[{written}]"


def written(command: Command, platform: str) -> str:
    """The command as a person types it on `platform`, without markup."""
    match syntax(platform):
        case "options":
            ordered = sorted(command.options, key=lambda o: not o.required)
            return " ".join(["/meta", command.name, *(_option(o) for o in ordered)])
        case "cli":
            return f"{CLI_PROG} " + command.usage.replace(" [share]", "")
        case _:
            return f"/meta {command.usage}"


def shown(text: str, platform: str) -> str:
    """`text` marked as code, as every chat sentence writes commands; bare on the command line.
    (Discord shows no Markdown in embed footers: its renderer strips the marks there.)"""
    return text if syntax(platform) == CLI else f"`{text}`"


def with_text(command: Command, platform: str, text: str, flag: str) -> str:
    """The command with its free text and one on/off flag set, as typed on `platform`:
    `/meta ask --full Who?`, `/meta ask question:Who? full:true`, `python -m bot ask --full "Who?"`."""
    match syntax(platform):
        case "options":
            first = next((o.name for o in command.options if o.required), "text")
            return f"/meta {command.name} {first}:{text} {flag}:true"
        case "cli":
            quoted = '"' + text.replace('"', '\\"') + '"'
            return f"{CLI_PROG} {command.name} --{flag} {quoted}"
        case _:
            return f"/meta {command.name} --{flag} {text}"
