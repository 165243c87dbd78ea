"""What a command is: a name, its usage, a one-line summary per language, and a function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chat.reply import Reply
from chat.request import Request
from chat.wording import WordedError, say

if TYPE_CHECKING:
    from commands.services import Services
    from config import Settings

LANGUAGES = ("en", "fr")


class CommandError(WordedError):
    """Bad input a person can fix, as a wording key and values: `CommandError("bad_range",
    word=..., ranges=...)`. The router words it in the asker's language, with the usage."""


@dataclass(frozen=True)
class Option:
    """A named argument, for platforms that show options natively (Discord)."""

    name: str
    description: str
    choices: tuple[str, ...] = ()
    required: bool = False
    autocomplete: str | None = None  # a kind known to commands.completions ("topics", "zones")


LANG_OPTION = Option(
    "lang", "Language of the answer (else your question's or your app's)", LANGUAGES
)
"""`--lang en|fr` in text, `lang:` as a named option (Discord): read as `Request.lang`."""


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    summary: dict[str, str]
    run: Callable[[Request, Services], Reply | Awaitable[Reply]]
    options: tuple[Option, ...] = field(default=())
    slow: bool = False  # may wait on the network: adapters acknowledge first, answer after
    changes_channel: bool = False  # changes the channel's subscription: platform permission hint
    slow_with: Callable[[Settings], bool] | None = None  # slow only under some settings
    text_tells_language: bool = False  # the text is prose (`ask`): its language is the asker's
    blocking: bool = True  # reads the database, files or the network: run in the commands' threads

    def is_slow(self, settings: Settings) -> bool:
        """Whether adapters should acknowledge first: always for `slow`, and for `slow_with`
        when the settings say so (`ask` with a language model configured)."""
        return self.slow or (self.slow_with is not None and self.slow_with(settings))

    def usage_line(self, lang: str, platform: str) -> str:
        """`Usage: …` in `lang`, the command written as it is typed on `platform`."""
        from commands.usage import shown, written

        return say("usage", lang, usage=shown(written(self, platform), platform))


def language_of(request: Request, services: Services, text: str = "") -> str:
    """The reply's language: an explicit choice, else the text's language, else the platform's
    locale hint, else the default setting."""
    if request.lang:
        if request.lang not in LANGUAGES:
            raise CommandError("bad_lang")
        return request.lang
    if text.strip():
        from briefings.knowledge.language import detect_language

        return detect_language(text, default=_locale_language(request, services))
    return _locale_language(request, services)


def reply_language(request: Request, services: Services, command: Command | None = None) -> str:
    """The language of a reply the router writes itself (an unknown command, a CommandError, an
    apology): the asker's explicit choice when it is a known one, else the text's language for
    a command whose text is prose, else the locale hint, else the default."""
    if request.lang in LANGUAGES:
        return request.lang
    text = request.text or " ".join(request.options.values())
    if command is not None and command.text_tells_language and text.strip():
        from briefings.knowledge.language import detect_language

        return detect_language(text, default=_locale_language(request, services))
    return _locale_language(request, services)


def _locale_language(request: Request, services: Services) -> str:
    if request.locale and request.locale[:2].lower() in LANGUAGES:
        return request.locale[:2].lower()
    return services.settings.default_language
