"""`python -m bot`: the command-line interface (also installed as `meta-bot`)."""

import sys

OURS = ("bot", "chat", "commands", "briefings", "scheduling", "config", "tests", "bench")


def _missing_dependency(error: ModuleNotFoundError) -> bool:
    """True when a library is missing (an interpreter outside the bot's venv), not our code."""
    return (error.name or "").split(".")[0] not in OURS


if __name__ == "__main__":
    if sys.version_info < (3, 11):  # noqa: UP036 (an older interpreter outside the venv)
        sys.exit(
            f"python -m bot: error: Python 3.11 or newer is needed (this is "
            f"{sys.version.split()[0]}); run `make run`, or use .venv/bin/meta-bot"
        )
    try:
        from bot.cli import main
    except ModuleNotFoundError as error:
        if not _missing_dependency(error):
            raise
        sys.exit(
            f"python -m bot: error: the library '{error.name}' is not installed for "
            f"{sys.executable}; run `make run` once, then use .venv/bin/meta-bot (or "
            ".venv/bin/python -m bot, or `. .venv/bin/activate` first)"
        )
    raise SystemExit(main())
