"""What a person asked, whatever platform it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Origin:
    """Where a request or a scheduled post comes from: a platform's workspace and channel, and
    the person (the subscriber, for a scheduled post)."""

    platform: str
    workspace: str
    channel: str
    user: str

    @property
    def scope(self) -> str:
        """One key per platform, workspace and channel (the person does not count)."""
        return f"{self.platform}:{self.workspace}:{self.channel}"

    def rotation_scope(self, rotation: str) -> str:
        """The insight-rotation key of `rotation` here: "brief" for the briefing's insight of
        the day (shared by `/meta brief` and the scheduled post), a topic id or "*" for
        `/meta insight`."""
        return f"{self.scope}:{rotation}"


@dataclass(frozen=True)
class Request:
    """One `/meta <command> ...` from a person, as the core sees it.

    `text` is the free text after the command name (chat platforms); `options` holds named
    values (Discord options, CLI flags). `lang` is an explicit language choice; `locale` is the
    platform's hint about the person's language, used when the text itself says nothing.
    `can_manage_channel` is the platform's answer to "may this person manage the channel?";
    it has no default: every adapter (and the CLI and console) states it.
    """

    command: str
    text: str = ""
    options: Mapping[str, str] = field(default_factory=dict)
    lang: str | None = None
    locale: str | None = None
    platform: str = "console"
    workspace: str = "local"
    channel: str = "console"
    user: str = "console-user"
    can_manage_channel: bool = field(kw_only=True)

    @property
    def origin(self) -> Origin:
        return Origin(self.platform, self.workspace, self.channel, self.user)

    def option(self, name: str, default: str = "") -> str:
        return self.options.get(name, default)
