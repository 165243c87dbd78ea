"""What the platform adapters say themselves: acknowledgements, buttons, notes, refusals."""

from __future__ import annotations

ADAPTERS: dict[str, dict[str, str]] = {
    "slack.working": {"en": "Working on it…", "fr": "Je m’en occupe…"},
    "slack.share": {"en": "Share in channel", "fr": "Partager dans le canal"},
    "slack.shared_by": {"en": "Shared by {user}", "fr": "Partagé par {user}"},
    "slack.truncated": {
        "en": "… (shortened to fit in Slack)",
        "fr": "… (raccourci pour Slack)",
    },
    "slack.cannot_post": {
        "en": "I can't post in this channel: invite me to it (`/invite`) and try again, "
        "or use the command without `share`.",
        "fr": "Je ne peux pas publier dans ce canal : invitez-moi (`/invite`) et "
        "réessayez, ou utilisez la commande sans `share`.",
    },
    "discord.missing_manage_channels": {
        "en": "You need the Manage Channels permission to change this channel's briefing.",
        "fr": "Il vous faut la permission « Gérer les salons » pour modifier le briefing de ce "
        "salon.",
    },
    "discord.not_available": {
        "en": "That command isn't available here.",
        "fr": "Cette commande n’est pas disponible ici.",
    },
    "discord.shared": {
        "en": "Posted in the channel for everyone.",
        "fr": "Publié dans le salon pour tout le monde.",
    },
}
