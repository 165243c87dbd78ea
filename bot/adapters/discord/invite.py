"""The link that adds the bot to a Discord server: `python -m bot discord-invite`."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import discord

from config import DiscordSettings

AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
SCOPES = "bot applications.commands"
# Post briefings, show them as embeds, attach the chart. Nothing else.
PERMISSIONS = discord.Permissions(send_messages=True, embed_links=True, attach_files=True)


class InviteError(Exception):
    """The application id could not be found; the message is safe to print."""


def invite_url(application_id: str) -> str:
    """`https://discord.com/oauth2/authorize?client_id=…&scope=bot%20applications.commands&permissions=51200`."""
    if not str(application_id).strip().isdigit():
        raise InviteError("the Discord application id must be a number (DISCORD_APPLICATION_ID)")
    query = urlencode(
        {
            "client_id": str(application_id).strip(),
            "scope": SCOPES,
            "permissions": PERMISSIONS.value,
        },
        quote_via=quote,
    )
    return f"{AUTHORIZE_URL}?{query}"


async def application_id(config: DiscordSettings) -> str:
    """DISCORD_APPLICATION_ID, or the id Discord reports for DISCORD_TOKEN's application
    (`GET /oauth2/applications/@me`, through discord.py after a REST-only login)."""
    if config.application_id:
        return config.application_id.strip()
    if config.token is None:
        raise InviteError("set DISCORD_APPLICATION_ID or DISCORD_TOKEN to build the invite link")
    discord.http.Route.BASE = config.api_url.rstrip("/")
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(config.token.get_secret_value())  # reads the application
        return str(client.application_id)
    except discord.LoginFailure:
        raise InviteError("Discord refused DISCORD_TOKEN (401); check the bot token") from None
    except discord.HTTPException as exc:
        raise InviteError(f"Discord answered {exc.status} when asked for the application") from None
    finally:
        await client.close()
