"""Buttons, mentions, the Home tab and the numbers check: the words of the interactive surfaces."""

from __future__ import annotations

INTERACTIVE: dict[str, dict[str, str]] = {
    "button.refresh": {"en": "Refresh", "fr": "Actualiser"},
    "button.share": {"en": "Share", "fr": "Partager"},
    "button.more": {"en": "More", "fr": "La suite"},
    "button.expired": {
        "en": "This button no longer works: type the command again.",
        "fr": "Ce bouton ne fonctionne plus : retapez la commande.",
    },
    "button.shared": {"en": "Shared in the channel.", "fr": "Partagé dans le canal."},
    "console.choices": {
        "en": "Type a number to press a button:",
        "fr": "Tapez un numéro pour appuyer sur un bouton :",
    },
    "console.no_button": {
        "en": "No button {number} under the last reply.",
        "fr": "Pas de bouton {number} sous la dernière réponse.",
    },
    "console.welcome": {
        "en": "Meta briefing bot console. Type `help`; ↑/↓ recall earlier lines, Ctrl-C clears "
        "the line, Ctrl-D or `exit` leaves.",
        "fr": "Console du bot de briefings Meta. Tapez `help` ; ↑/↓ rappellent les lignes "
        "précédentes, Ctrl-C efface la ligne, Ctrl-D ou `exit` pour quitter.",
    },
    "followup.context": {
        "en": "Read as a follow-up to “{question}”.",
        "fr": "Lu comme la suite de « {question} ».",
    },
    "home.title": {"en": "Meta AI briefings", "fr": "Briefings Meta IA"},
    "home.subscriptions": {
        "en": "Briefings in this workspace",
        "fr": "Briefings de cet espace de travail",
    },
    "home.none": {
        "en": "No channel has a briefing yet: type `/meta subscribe 08:30 Europe/Paris` in one.",
        "fr": "Aucun canal n’a encore de briefing : tapez `/meta subscribe 08:30 Europe/Paris` "
        "dans l’un d’eux.",
    },
    "home.subscription": {
        "en": "<#{channel}> · {time} {zone} · {language} · {cadence}\nNext post: {next} · Last: {last}",
        "fr": "<#{channel}> · {time} {zone} · {language} · {cadence}\nProchain envoi : {next}"
        " · Dernier : {last}",
    },
    "home.paused": {"en": "Paused: {reason}", "fr": "En pause : {reason}"},
    "home.pause": {"en": "Pause", "fr": "Mettre en pause"},
    "home.resume": {"en": "Resume", "fr": "Reprendre"},
    "home.never": {"en": "not yet", "fr": "pas encore"},
    "home.howto_title": {"en": "How to use", "fr": "Mode d’emploi"},
    "home.howto": {
        "en": "• `/meta ask <question>`, or mention me (@meta-briefings) in a channel, or write "
        "to me here: a sourced answer, in a thread.\n• `/meta stock 1y`, `/meta brief`: the "
        "buttons under them change the range, refresh, share.\n• `/meta subscribe 08:30 "
        "Europe/Paris` in a channel: a briefing every trading day.\n• On any message: "
        "⋯ > *Check numbers* compares its figures with market data.",
        "fr": "• `/meta ask <question>`, ou mentionnez-moi (@meta-briefings) dans un canal, ou "
        "écrivez-moi ici : une réponse sourcée, dans un fil.\n• `/meta stock 1y`, "
        "`/meta brief` : les boutons dessous changent la période, actualisent, partagent.\n"
        "• `/meta subscribe 08:30 Europe/Paris` dans un canal : un briefing chaque jour de "
        "bourse.\n• Sur n’importe quel message : ⋯ > *Check numbers* compare ses chiffres "
        "aux données de marché.",
    },
    "home.not_allowed": {
        "en": "You may not change this channel's briefing.",
        "fr": "Vous ne pouvez pas modifier le briefing de ce canal.",
    },
    "numbers.title": {"en": "Numbers checked", "fr": "Chiffres vérifiés"},
    "numbers.none": {
        "en": "I found no percentage or price about {company} with a date to check in that "
        "message.",
        "fr": "Je n’ai trouvé dans ce message aucun pourcentage ni prix de {company} daté à "
        "vérifier.",
    },
    "numbers.no_data": {
        "en": "“{quote}”: no market data for that date.",
        "fr": "« {quote} » : pas de données de marché pour cette date.",
    },
    "numbers.ytd": {
        "en": "Message: {claimed} YTD at {as_of}; {source} data: {actual} (close {start} to "
        "close {end})",
        "fr": "Message : {claimed} depuis le 1er janvier au {as_of} ; données {source} : "
        "{actual} (clôture du {start} à celle du {end})",
    },
    "numbers.price": {
        "en": "Message: {claimed} at {as_of}; {source} data: close {close} on {day} ({gap})",
        "fr": "Message : {claimed} au {as_of} ; données {source} : clôture {close} le {day} "
        "({gap})",
    },
    "numbers.source": {
        "en": "Market data: {source}. Only claims with a date are checked.",
        "fr": "Données de marché : {source}. Seuls les chiffres datés sont vérifiés.",
    },
}
