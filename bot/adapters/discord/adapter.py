"""Discord: `/meta <subcommand>` slash commands in, embeds out, and scheduled posts.

The adapter only translates. Its command group is generated from `commands.all_commands()`:
one subcommand per Command, one string option per `Command.options` entry (choices become
Discord choices, an autocomplete kind asks `commands.completions.complete`, a true/false
choice becomes a boolean), and `changes_channel` commands require Manage Channels. Each
interaction becomes a core `Request`; the core `Reply` becomes an embed (bot.adapters.discord.embeds).

Commands are synced only when their definition changed (a hash kept in DATA_DIR), because
Discord limits how many commands an application may create per day.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import json
import logging
import re
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands

from bot.adapters.base import ChatAdapter
from bot.adapters.discord.embeds import CONTENT_MAX, clip, error_text, neutral, render
from chat.delivery import DeliveryError, Target
from chat.reply import Reply
from chat.request import Request
from chat.wording import both, say
from commands import Command
from commands.base import Option
from commands.completions import complete
from commands.router import Router, lang_flag
from config import DiscordSettings

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
HASH_FILE = "discord-commands.sha256"
DESCRIPTION_MAX = 100  # Discord's limit for command and option descriptions
CHOICE_MAX = 100  # ... and for a choice's name and value
NONCE_MAX = 25
ANSWER_BUDGET = 2.0  # seconds a quick command may take before it is deferred (Discord gives 3)
GROUP_DESCRIPTION = "Briefings on Meta's AI strategy: answers, insights, the stock"

MISSING_MANAGE_CHANNELS = both("discord.missing_manage_channels")
NOT_AVAILABLE = both("discord.not_available")

_PERMANENT_CODES = {
    50001: "missing access",
    50013: "missing permissions",
    10003: "unknown channel",
}


def _lang(interaction: discord.Interaction) -> str:
    return "fr" if str(interaction.locale).lower().startswith("fr") else "en"


def _param_name(option_name: str) -> str:
    """A Python identifier for an option (renamed back to the option's name on Discord)."""
    name = re.sub(r"\W", "_", option_name)
    return name if name.isidentifier() else f"o_{name}"


def _is_boolean(option: Option) -> bool:
    return bool(option.choices) and set(option.choices) == {"true", "false"}


def nonce_for(delivery_id: str) -> str:
    """A nonce of at most 25 characters, the same for the same delivery (Discord's limit)."""
    return hashlib.sha256(delivery_id.encode()).hexdigest()[:NONCE_MAX]


AUTO_SHARD_GUILDS = 1000  # Discord requires sharding from 2,500 guilds


class DiscordAdapter(ChatAdapter):
    platform = "discord"

    def __init__(self, config: DiscordSettings, router: Router) -> None:
        super().__init__(router)
        self.config = config
        # Every REST call (interaction callbacks and webhooks included) is built from Route.BASE;
        # the gateway URL is a yarl.URL class attribute. Both are process-wide in discord.py.
        discord.http.Route.BASE = config.api_url.rstrip("/")
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)
        # The bot has no voice: don't warn at every start that voice libraries are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        self._build_client(sharded=config.sharded == "yes")
        self.guild = discord.Object(id=int(config.guild_id)) if config.guild_id else None
        if self.guild is not None:
            self.tree.copy_global_to(guild=self.guild)
        self._gateway: asyncio.Task[None] | None = None

    def _build_client(self, sharded: bool) -> None:
        """The discord.py client, its command tree and the `/meta` group. Sharded: Discord says
        how many shards, and the gateway URL comes from its `/gateway/bot` answer."""
        intents = discord.Intents.none()
        intents.guilds = True  # not privileged; keeps discord.py's guild state consistent
        from bot.adapters.discord import mentions

        intents = mentions.intents(intents)  # mentions and DMs: not privileged either
        client_class = discord.AutoShardedClient if sharded else discord.Client
        self.client = client_class(intents=intents, allowed_mentions=NO_MENTIONS)
        self.tree = app_commands.CommandTree(self.client)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self.group = app_commands.Group(name="meta", description=GROUP_DESCRIPTION)
        for command in self.router.commands.values():
            self.group.add_command(self._slash_command(command))
        self.tree.add_command(self.group)
        from bot.adapters.discord.components import Components

        self.components = Components(self)
        self.tree.add_command(self.components.context_menu())
        self.mentions = mentions.Mentions(self)

    async def _shard_if_large(self) -> None:
        """DISCORD_SHARDED=auto: switch to AutoShardedClient once the bot is in many guilds."""
        if self.config.sharded != "auto" or isinstance(self.client, discord.AutoShardedClient):
            return
        info = await self.client.application_info()
        guilds = info.approximate_guild_count or 0
        if guilds >= AUTO_SHARD_GUILDS:
            log.info("discord: %d guilds, switching to automatic sharding", guilds)
            await self.client.close()
            self._build_client(sharded=True)
            if self.guild is not None:
                self.tree.copy_global_to(guild=self.guild)
            await self.login()

    # ---- lifecycle -------------------------------------------------------------------------

    async def login(self) -> None:
        """Log in over REST (no gateway): enough for commands sync and deliveries."""
        if self.config.token is None:
            raise RuntimeError("DISCORD_TOKEN is not set")
        await self.client.login(self.config.token.get_secret_value())

    async def start(self) -> None:
        await self.login()
        await self._shard_if_large()
        try:
            await self.sync_commands()
        except discord.HTTPException as exc:
            log.warning(
                "discord command sync failed (status %s, code %s); "
                "keeping the commands Discord already has",
                exc.status,
                exc.code,
            )
        self._gateway = asyncio.create_task(self._run_gateway(), name="discord-gateway")
        self._gateway.add_done_callback(self._gateway_done)

    @property
    def gateway_running(self) -> bool:
        """False once the gateway gave up (bad token, privileged intents): for health checks."""
        return self._gateway is not None and not self._gateway.done()

    async def _run_gateway(self) -> None:
        """`client.connect()`, started again when it fails to reach the gateway at all.

        discord.py 2.7 reconnects by itself once connected, but when the *first* connection
        fails it crashes with AttributeError (`self.ws` is still None when it prepares the
        resume), so an outage at start-up would leave the bot deaf for good. Errors that
        retrying can't fix (LoginFailure, PrivilegedIntentsRequired, a gateway close code
        other than 1000) end the task."""
        delay = 1.0
        while not self.client.is_closed():
            try:
                await self.client.connect(reconnect=True)
                return
            except (
                AttributeError,
                OSError,
                aiohttp.ClientError,
                TimeoutError,
                discord.GatewayNotFound,
            ) as exc:
                if self.client.is_closed():
                    return
                log.warning(
                    "discord gateway unreachable (%s); retrying in %.0f s",
                    type(exc).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    @staticmethod
    def _gateway_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("discord gateway stopped: %s", type(exc).__name__)

    async def stop(self) -> None:
        await self.client.close()
        if self._gateway is not None and not self._gateway.done():
            await asyncio.wait({self._gateway}, timeout=2)
            self._gateway.cancel()  # still waiting to retry: nothing to finish
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._gateway

    # ---- command sync ----------------------------------------------------------------------

    def command_hash(self) -> str:
        """A hash of what sync would send (names, descriptions, options), where, for which app."""
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        scope = f"guild:{self.guild.id}" if self.guild else "global"
        text = json.dumps([scope, str(self.client.application_id), payload], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def hash_path(self) -> Path:
        return Path(self.settings.storage.data_dir) / HASH_FILE

    async def sync_commands(self) -> bool:
        """Sync to DISCORD_GUILD_ID (at once) or globally, only when the commands changed."""
        digest = self.command_hash()
        try:
            if self.hash_path.read_text().strip() == digest:
                log.info("discord commands unchanged; not syncing")
                return False
        except OSError:
            pass
        synced = await self.tree.sync(guild=self.guild)
        try:
            self.hash_path.parent.mkdir(parents=True, exist_ok=True)
            self.hash_path.write_text(digest + "\n")
        except OSError as exc:  # synced all the same; the next start syncs again
            log.warning("could not record the discord command hash: %s", exc.strerror)
        log.info(
            "discord commands synced: %d to %s",
            len(synced),
            f"guild {self.guild.id}" if self.guild else "all servers",
        )
        return True

    # ---- commands in ----------------------------------------------------------------------

    def _slash_command(self, command: Command) -> app_commands.Command[Any, ..., None]:
        async def callback(interaction: discord.Interaction, **values: Any) -> None:
            await self._run(interaction, command, values)

        parameters = [
            inspect.Parameter(
                "interaction",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=discord.Interaction,
            )
        ]
        describe, renames, choices, completers = {}, {}, {}, {}
        for option in sorted(command.options, key=lambda o: not o.required):
            name = _param_name(option.name)
            parameters.append(
                inspect.Parameter(
                    name,
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=bool if _is_boolean(option) else str,
                    default=inspect.Parameter.empty if option.required else None,
                )
            )
            describe[name] = clip(option.description, DESCRIPTION_MAX) or option.name
            if name != option.name:
                renames[name] = option.name
            if option.choices and not _is_boolean(option):
                choices[name] = [app_commands.Choice(name=c, value=c) for c in option.choices[:25]]
            elif option.autocomplete:
                completers[name] = self._completer(option.autocomplete)
        callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        callback.__name__ = callback.__qualname__ = f"meta_{_param_name(command.name)}"
        decorated: Any = callback
        if describe:
            decorated = app_commands.describe(**describe)(decorated)
        if renames:
            decorated = app_commands.rename(**renames)(decorated)
        if choices:
            decorated = app_commands.choices(**choices)(decorated)
        if completers:
            decorated = app_commands.autocomplete(**completers)(decorated)
        if command.changes_channel:
            decorated = app_commands.checks.has_permissions(manage_channels=True)(decorated)
        return app_commands.Command(
            name=command.name,
            description=clip(command.summary.get("en") or command.usage, DESCRIPTION_MAX),
            callback=decorated,
        )

    def _completer(self, kind: str) -> Any:
        async def autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            pairs = complete(kind, current or "", self.router.services, _lang(interaction))
            return [
                app_commands.Choice(name=clip(label, CHOICE_MAX), value=value[:CHOICE_MAX])
                for label, value in pairs[:25]
            ]

        return autocomplete

    def request_for(
        self, interaction: discord.Interaction, command: Command, values: dict[str, Any]
    ) -> Request:
        options: dict[str, str] = {}
        typed_lang = None
        for option in command.options:
            value = values.get(_param_name(option.name))
            if value is None:
                continue
            if isinstance(value, bool):
                options[option.name] = "true" if value else "false"
            elif option.choices:
                options[option.name] = str(value)
            else:  # free text: `--lang fr` typed in it, as the Slack syntax has it, is read too
                options[option.name], flag = lang_flag(str(value))
                typed_lang = typed_lang or flag
        return Request(
            command=command.name,
            options=options,
            lang=options.pop("lang", None) or typed_lang,
            platform=self.platform,
            workspace=str(interaction.guild_id or "dm"),
            channel=str(interaction.channel_id),
            user=str(interaction.user.id),
            locale=str(interaction.locale),
            can_manage_channel=interaction.permissions.manage_channels,
        )

    async def _run(
        self, interaction: discord.Interaction, command: Command, values: dict[str, Any]
    ) -> None:
        request = self.request_for(interaction, command, values)
        shared = request.option("share") == "true"
        slow = command.is_slow(self.settings)
        if slow:  # answer within Discord's 3 s, then take the time the data needs
            # Always private, even for `share`: Discord fixes a message's ephemeral state when it
            # is created (neither an edit nor the deprecated first follow-up after a deferral can
            # change it), and once a deferred "thinking…" message is deleted, follow-ups and edits
            # get 404 Unknown Message. So a refusal edits this private message, and a shared
            # answer is a separate public follow-up, sent once the original is answered.
            await interaction.response.defer(thinking=True, ephemeral=True)
        work = asyncio.ensure_future(self.router.handle(request))
        if not slow:  # a quick one still running near Discord's deadline is deferred too
            await asyncio.wait({work}, timeout=ANSWER_BUDGET)
            if not work.done():
                await interaction.response.defer(thinking=True, ephemeral=True)
                slow = True
        reply = await work
        if not reply.ok:
            await self._refuse(interaction, error_text(reply))
            return
        rendered = render(reply)
        if not slow:
            await interaction.response.send_message(
                **rendered.send_kwargs(),
                **self.components.send_extra(reply, public=reply.public),
                ephemeral=not reply.public,
                allowed_mentions=NO_MENTIONS,
            )
        elif not shared:
            await interaction.edit_original_response(
                **rendered.edit_kwargs(),
                **self.components.send_extra(reply),
                allowed_mentions=NO_MENTIONS,
            )
        else:
            note = say("discord.shared", _lang(interaction))
            await interaction.edit_original_response(content=note, allowed_mentions=NO_MENTIONS)
            await interaction.followup.send(
                **rendered.send_kwargs(),
                **self.components.send_extra(reply, public=True),
                ephemeral=False,
                allowed_mentions=NO_MENTIONS,
                wait=True,
            )

    async def _refuse(self, interaction: discord.Interaction, text: str) -> None:
        """A one-line message to the asker alone, however far the interaction has got: the
        ephemeral response, or (after the private deferral) an edit of that private message."""
        text = clip(neutral(text), CONTENT_MAX)
        if not interaction.response.is_done():
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        try:
            await interaction.edit_original_response(
                content=text, embed=None, attachments=[], allowed_mentions=NO_MENTIONS
            )
        except discord.NotFound:  # the asker dismissed it: a new private message
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS, wait=True
            )

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        lang = _lang(interaction)
        if isinstance(error, app_commands.MissingPermissions):
            text = MISSING_MANAGE_CHANNELS[lang]
        elif isinstance(
            error,
            app_commands.CheckFailure
            | app_commands.CommandNotFound
            | app_commands.CommandSignatureMismatch,
        ):
            log.warning("discord command refused: %s", type(error).__name__)
            text = NOT_AVAILABLE[lang]
        else:
            original = getattr(error, "original", error)
            log.error(
                "discord command %s failed: %s",
                interaction.command.qualified_name if interaction.command else "?",
                type(original).__name__,
                exc_info=original,
            )
            text = say("internal_error", lang)
        try:
            await self._refuse(interaction, text)
        except discord.HTTPException as exc:
            log.warning("could not tell the user about an error (status %s)", exc.status)

    # ---- scheduled posts -------------------------------------------------------------------

    async def deliver(self, target: Target, reply: Reply, delivery_id: str) -> str:
        """Post in a channel by id (no gateway cache). The nonce, derived from `delivery_id`, is
        sent with `enforce_nonce` (discord.py adds it whenever a nonce is given), so a repeat
        within minutes returns the first message instead of posting twice. discord.py already
        waits out 429s and retries 5xx; a failure that remains is a DeliveryError."""
        try:
            channel = self.client.get_partial_messageable(int(target.channel))
        except ValueError:
            raise DeliveryError("not a discord channel id", permanent=True) from None
        rendered = render(reply)
        try:
            message = await channel.send(
                **rendered.send_kwargs(), allowed_mentions=NO_MENTIONS, nonce=nonce_for(delivery_id)
            )
        except discord.Forbidden as exc:
            raise DeliveryError(_reason(exc, "forbidden"), permanent=True) from None
        except discord.NotFound as exc:
            raise DeliveryError(_reason(exc, "not found"), permanent=True) from None
        except discord.HTTPException as exc:
            kind = "discord server error" if exc.status >= 500 else "discord refused the post"
            raise DeliveryError(_reason(exc, kind), permanent=False) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise DeliveryError(f"network error: {type(exc).__name__}", permanent=False) from None
        return str(message.id)


def _reason(exc: discord.HTTPException, fallback: str) -> str:
    """`missing access (403, code 50001)`: what went wrong, safe to store and show."""
    name = _PERMANENT_CODES.get(exc.code, fallback)
    return f"{name} ({exc.status}" + (f", code {exc.code})" if exc.code else ")")
