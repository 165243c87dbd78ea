"""What helps a newcomer: one command's help with examples, "did you mean", what a new
subscription replaced."""

from __future__ import annotations

GUIDANCE: dict[str, dict[str, str]] = {
    "unknown_command_suggestion": {
        "en": "I don't know the command “{command}”: did you mean `{suggestion}`? "
        "Try `/meta help {suggestion}`.",
        "fr": "Je ne connais pas la commande « {command} » : vouliez-vous dire `{suggestion}` ? "
        "Essayez `/meta help {suggestion}`.",
    },
    "unknown_topic_suggestion": {
        "en": "I don't know the topic “{topic}”: did you mean {suggestion}? Topics: {topics}.",
        "fr": "Je ne connais pas le sujet « {topic} » : vouliez-vous dire {suggestion} ? "
        "Sujets : {topics}.",
    },
    "bad_range_suggestion": {
        "en": "“{word}” is not a range: did you mean {suggestion}? Use one of {ranges}.",
        "fr": "« {word} » n’est pas une période : vouliez-vous dire {suggestion} ? "
        "Utilisez l’une de {ranges}.",
    },
    "help_examples": {"en": "Examples:", "fr": "Exemples :"},
    "help_one_hint": {
        "en": "`/meta help` lists every command.",
        "fr": "`/meta help` liste toutes les commandes.",
    },
    "help_one_hint_command": {
        "en": "`/meta help COMMAND` shows one command with examples, e.g. `/meta help ask`.",
        "fr": "`/meta help COMMANDE` montre une commande avec des exemples, p. ex. "
        "`/meta help ask`.",
    },
    "help_one_hint_option": {
        "en": "The command option shows one command with examples, e.g. `/meta help command:ask`.",
        "fr": "L’option command montre une commande avec des exemples, p. ex. "
        "`/meta help command:ask`.",
    },
    "resubscribed": {
        "en": "Subscribed: {what}, replacing {previous}. Next briefing: {next}.",
        "fr": "Abonnement modifié : {what}, au lieu de {previous}. Prochain briefing : {next}.",
    },
    "resubscribed_same": {
        "en": "Already subscribed: {what}; nothing changed. Next briefing: {next}.",
        "fr": "Déjà abonné : {what} ; rien n’a changé. Prochain briefing : {next}.",
    },
    "resubscribed_resumed": {
        "en": "Subscribed again: {what} (it was paused: {reason}). Next briefing: {next}.",
        "fr": "Abonnement repris : {what} (il était en pause : {reason}). "
        "Prochain briefing : {next}.",
    },
    # One line per example, as typed; `help COMMAND` shows them.
    "examples_help": {
        "en": "/meta help\n/meta help subscribe",
        "fr": "/meta help\n/meta help subscribe",
    },
    "examples_ask": {
        "en": "/meta ask How does LLaMA make money for Meta?\n"
        "/meta ask What is Advantage+ Creative? --lang fr\n"
        "/meta ask How open is LLaMA really?",
        "fr": "/meta ask Comment LLaMA rapporte-t-il de l’argent à Meta ?\n"
        "/meta ask Qu’est-ce qu’Advantage+ Creative ? --lang en\n"
        "/meta ask LLaMA est-il vraiment open source ?",
    },
    "examples_insight": {
        "en": "/meta insight\n/meta insight advertising\n/meta insight reality labs",
        "fr": "/meta insight\n/meta insight publicité\n/meta insight reality labs",
    },
    "examples_topics": {"en": "/meta topics", "fr": "/meta topics --lang fr"},
    "examples_stock": {
        "en": "/meta stock\n/meta stock ytd\n/meta stock 5d share",
        "fr": "/meta stock --lang fr\n/meta stock ytd --lang fr\n/meta stock 5d share --lang fr",
    },
    "examples_brief": {
        "en": "/meta brief\n/meta brief fr\n/meta brief share",
        "fr": "/meta brief fr\n/meta brief en\n/meta brief share",
    },
    "examples_subscribe": {
        "en": "/meta subscribe 08:30 Europe/Paris\n"
        "/meta subscribe 8:30am America/New_York en weekdays\n"
        "/meta subscribe 17:45 Asia/Tokyo fr daily",
        "fr": "/meta subscribe 08:30 Europe/Paris fr\n"
        "/meta subscribe 8:30am America/New_York en weekdays\n"
        "/meta subscribe 17:45 Asia/Tokyo fr daily",
    },
    "examples_unsubscribe": {"en": "/meta unsubscribe", "fr": "/meta unsubscribe"},
    "examples_schedule": {"en": "/meta schedule", "fr": "/meta schedule"},
}
