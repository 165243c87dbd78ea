"""What the commands say: answers, help, confirmations, and the errors a person can fix."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "no_answer": {
        "en": "I couldn't find an answer to that in the articles I know. "
        "Try `/meta topics` to see what they cover.",
        "fr": "Je n’ai pas trouvé de réponse à cette question dans les articles que je connais. "
        "Essayez `/meta topics` pour voir ce qu’ils couvrent.",
    },
    "empty_question": {
        "en": "Ask me a question after `ask`, e.g. `/meta ask How does LLaMA make money?`",
        "fr": "Posez une question après `ask`, par exemple `/meta ask Comment LLaMA rapporte-t-il ?`",
    },
    "source": {
        "en": "Source: {article}, section “{section}”",
        "fr": "Source : {article}, section « {section} »",
    },
    "unknown_topic": {
        "en": "I don't know the topic “{topic}”. Topics: {topics}.",
        "fr": "Je ne connais pas le sujet « {topic} ». Sujets : {topics}.",
    },
    "insight_title": {"en": "Insight: {topic}", "fr": "À retenir : {topic}"},
    "topics_title": {"en": "Topics I can talk about", "fr": "Les sujets que je connais"},
    "topics_hint": {
        "en": "`/meta insight <topic>` for an insight on one, `/meta ask <question>` for anything.",
        "fr": "`/meta insight <sujet>` pour un point clé, `/meta ask <question>` pour le reste.",
    },
    "help_title": {
        "en": "Meta AI strategy briefings",
        "fr": "Briefings sur la stratégie IA de Meta",
    },
    "help_hint": {
        "en": "Ask in English or French; add `--lang en` or `--lang fr` to choose the answer's language.",
        "fr": "Écrivez en français ou en anglais ; ajoutez `--lang fr` ou `--lang en` pour choisir.",
    },
    "help_hint_options": {
        "en": "Ask in English or French; the lang option chooses the answer's language.",
        "fr": "Écrivez en français ou en anglais ; l’option lang choisit la langue de la réponse.",
    },
    "unknown_command": {
        "en": "I don't know the command “{command}”. Try `/meta help`.",
        "fr": "Je ne connais pas la commande « {command} ». Essayez `/meta help`.",
    },
    "bad_lang": {
        "en": "Language must be `en` or `fr`.",
        "fr": "La langue doit être `en` ou `fr`.",
    },
    "usage": {"en": "Usage: {usage}", "fr": "Utilisation : {usage}"},
    "claim_check": {"en": "Claim check: {text}", "fr": "Vérification : {text}"},
    "claim_unchecked": {
        "en": "This figure is the article's claim; no stored market data to check it yet "
        "(`/meta brief` fetches it).",
        "fr": "Ce chiffre est celui de l’article ; pas encore de cours enregistrés pour le "
        "vérifier (`/meta brief` les récupère).",
    },
    "internal_error": {
        "en": "Sorry, something went wrong on my side; it has been logged. Please try again.",
        "fr": "Désolé, un problème est survenu de mon côté ; il a été consigné. Réessayez.",
    },
    "storage_busy": {
        "en": "I'm busy right now (another task holds my database); nothing was changed. "
        "Try again in a moment.",
        "fr": "Je suis occupé (une autre tâche tient ma base de données) ; rien n'a été modifié. "
        "Réessayez dans un instant.",
    },
    "storage_failing": {
        "en": "My storage is failing, so nothing was changed; the operator has been told.",
        "fr": "Mon stockage est défaillant, rien n'a donc été modifié ; l'opérateur est prévenu.",
    },
    # ask: short answers, the whole passage one step away
    "ask_more": {
        "en": "More: {command}",
        "fr": "La suite : {command}",
    },
    # Errors a person can fix (raised as CommandError(key, **values), worded by the router).
    "bad_range": {
        "en": "“{word}” is not a range; use one of {ranges}.",
        "fr": "« {word} » n’est pas une période ; utilisez l’une de {ranges}.",
    },
    "share_only": {
        "en": "“{word}” is not an option here; only `share` is.",
        "fr": "« {word} » n’est pas une option ici ; seule `share` l’est.",
    },
    "bad_date": {
        "en": "“{value}” is not a date; use YYYY-MM-DD, e.g. 2024-03-13.",
        "fr": "« {value} » n’est pas une date ; utilisez AAAA-MM-JJ, par exemple 2024-03-13.",
    },
    "date_before_data": {
        "en": "--date {day} is before the first {symbol} price ({first}); use a later date",
        "fr": "--date {day} précède le premier cours de {symbol} ({first}) ; choisissez une date "
        "plus récente",
    },
    "market_data": {"en": "{detail}", "fr": "{detail}"},  # a Phrase is worded, a file's problem not
    "sub_unknown_word": {
        "en": "I don't know what “{word}” means here.",
        "fr": "Je ne sais pas ce que « {word} » veut dire ici.",
    },
    "sub_time_and_zone": {
        "en": "Give a time and a time zone, e.g. `/meta subscribe 08:30 Europe/Paris`.",
        "fr": "Donnez une heure et un fuseau horaire, par exemple "
        "`/meta subscribe 08:30 Europe/Paris`.",
    },
    "bad_time": {
        "en": "“{text}” isn't a time I understand; use HH:MM on 24 hours (08:30, 17:45) or 8:30am.",
        "fr": "« {text} » n’est pas une heure que je comprends ; utilisez HH:MM sur 24 heures "
        "(08:30, 17:45) ou 8:30am.",
    },
    "bad_zone": {
        "en": "“{name}” isn't a time zone I know; use an IANA name like Europe/Paris or "
        "America/New_York.",
        "fr": "« {name} » n’est pas un fuseau horaire que je connais ; utilisez un nom IANA comme "
        "Europe/Paris ou America/New_York.",
    },
    "bad_zone_suggestion": {
        "en": "“{name}” isn't a time zone I know; use an IANA name like Europe/Paris or "
        "America/New_York. Did you mean {suggestion}?",
        "fr": "« {name} » n’est pas un fuseau horaire que je connais ; utilisez un nom IANA comme "
        "Europe/Paris ou America/New_York. Vouliez-vous dire {suggestion} ?",
    },
    "bad_sub_language": {
        "en": "“{text}” isn't a language here; use en or fr.",
        "fr": "« {text} » n’est pas une langue possible ici ; utilisez en ou fr.",
    },
    "bad_cadence": {
        "en": "“{text}” isn't a cadence; use trading-days (US market sessions), weekdays "
        "(Monday to Friday) or daily.",
        "fr": "« {text} » n’est pas une fréquence ; utilisez trading-days (séances de la bourse "
        "américaine), weekdays (du lundi au vendredi) ou daily.",
    },
    # `ask`: notes under an answer.
    "model_unavailable": {
        "en": "Model unavailable; extractive answer shown.",
        "fr": "Modèle indisponible ; réponse extraite des articles affichée.",
    },
    "model_rejected": {
        "en": "The model's answer could not be checked against the articles; extractive answer "
        "shown.",
        "fr": "La réponse du modèle n’a pas pu être vérifiée dans les articles ; réponse extraite "
        "affichée.",
    },
    "model_no_answer": {
        "en": "The model found no answer in these passages; extractive answer shown.",
        "fr": "Le modèle n’a pas trouvé de réponse dans ces passages ; réponse extraite affichée.",
    },
    "model_written": {
        "en": "Written by {model} from the sections cited.",
        "fr": "Rédigé par {model} à partir des sections citées.",
    },
    # Subscriptions: subscribe, unsubscribe, schedule.
    "subscribed": {
        "en": "Subscribed: {what}. Next briefing: {next}.",
        "fr": "Abonnement enregistré : {what}. Prochain briefing : {next}.",
    },
    "subscribed_hint": {
        "en": "`/meta schedule` shows it, `/meta unsubscribe` stops it.",
        "fr": "`/meta schedule` l’affiche, `/meta unsubscribe` l’arrête.",
    },
    "unsubscribed": {
        "en": "Unsubscribed: no more daily briefings in this channel.",
        "fr": "Désabonné : plus de briefing quotidien dans ce canal.",
    },
    "nothing_to_unsubscribe": {
        "en": "This channel has no daily briefing; nothing to stop.",
        "fr": "Ce canal n’a pas de briefing quotidien ; rien à arrêter.",
    },
    "schedule_none": {
        "en": "This channel has no daily briefing. Start one with "
        "`/meta subscribe 08:30 Europe/Paris`.",
        "fr": "Ce canal n’a pas de briefing quotidien. Lancez-en un avec "
        "`/meta subscribe 08:30 Europe/Paris`.",
    },
    "schedule_sub": {"en": "This channel gets {what}.", "fr": "Ce canal reçoit {what}."},
    "schedule_next": {
        "en": "Next briefing: {next} ({zone}).",
        "fr": "Prochain briefing : {next} ({zone}).",
    },
    "schedule_paused": {
        "en": "Paused: the last post failed ({reason}). Fix access, then `/meta subscribe` again "
        "to resume.",
        "fr": "En pause : la dernière publication a échoué ({reason}). Rétablissez l’accès puis "
        "relancez `/meta subscribe`.",
    },
    "schedule_last": {
        "en": "Last delivery: {day}, {state}.",
        "fr": "Dernière publication : {day}, {state}.",
    },
    "schedule_last_late": {
        "en": "Last delivery: {day}, {state}, late.",
        "fr": "Dernière publication : {day}, {state}, en retard.",
    },
    "state_delivered": {"en": "delivered", "fr": "publiée"},
    "state_failed": {"en": "failed", "fr": "échouée"},
    "state_missed": {"en": "missed", "fr": "manquée"},
    "state_claimed": {"en": "in progress", "fr": "en cours"},
    "state_sending": {"en": "in progress", "fr": "en cours"},
    "state_retrying": {
        "en": "retrying (the platform did not answer; tried again at the next sweeps)",
        "fr": "nouvel essai (la plateforme n’a pas répondu ; réessai aux prochains passages)",
    },
    "subscription": {
        "en": "the daily briefing at {time} {zone}, {cadence}, in {language}",
        "fr": "le briefing quotidien à {time} {zone}, {cadence}, en {language}",
    },
    "cadence_trading-days": {
        "en": "on US market trading days",
        "fr": "les jours de bourse américains",
    },
    "cadence_weekdays": {"en": "Monday to Friday", "fr": "du lundi au vendredi"},
    "cadence_daily": {"en": "every day", "fr": "tous les jours"},
    "language_en": {"en": "English", "fr": "anglais"},
    "language_fr": {"en": "French", "fr": "français"},
    "bad_channel_slack": {
        "en": "This is not a Slack channel id I can subscribe (like C0123456789); "
        "nothing was changed.",
        "fr": "Ce n'est pas un identifiant de salon Slack que je peux abonner (comme C0123456789) ; "
        "rien n'a été modifié.",
    },
    "bad_channel_discord": {
        "en": "This is not a Discord channel id I can subscribe (a number like "
        "1234567890123456789); nothing was changed.",
        "fr": "Ce n'est pas un identifiant de salon Discord que je peux abonner (un nombre comme "
        "1234567890123456789) ; rien n'a été modifié.",
    },
    "bad_channel_name": {
        "en": "This channel name is not one I can subscribe (letters, digits, '.', '_', '#' "
        "or '-'); nothing was changed.",
        "fr": "Ce nom de salon n'est pas un que je peux abonner (lettres, chiffres, « . », « _ », "
        "« # » ou « - ») ; rien n'a été modifié.",
    },
    "not_allowed_permission": {
        "en": "You need the Manage Channels permission to change this channel's briefing.",
        "fr": "Il faut la permission Gérer les salons pour modifier le briefing de ce salon.",
    },
    "not_allowed_admins": {
        "en": "Only the bot's admins (BRIEFING_ADMINS) can change this channel's briefing.",
        "fr": "Seuls les admins du bot (BRIEFING_ADMINS) peuvent modifier le briefing de ce canal.",
    },
    "posted_late": {
        "en": "Posted late: this briefing was due at {time} ({zone}).",
        "fr": "Publié en retard : ce briefing était prévu à {time} ({zone}).",
    },
    # Each command's one-line summary (help, Discord's command list).
    "summary_help": {"en": "This list of commands.", "fr": "Cette liste de commandes."},
    "summary_ask": {
        "en": "Ask a question; get a short answer from the articles, with its source.",
        "fr": "Posez une question ; réponse courte tirée des articles, avec sa source.",
    },
    "summary_insight": {
        "en": "One insight from the articles, on a topic or a different one each time.",
        "fr": "Un point clé des articles, sur un sujet ou un différent à chaque fois.",
    },
    "summary_topics": {
        "en": "The topics the articles cover.",
        "fr": "Les sujets couverts par les articles.",
    },
    "summary_stock": {
        "en": "How META is moving: changes, 52-week range, volume, benchmark and peers, chart.",
        "fr": "Comment évolue META : variations, plus haut/bas 52 sem., volume, indice, pairs, "
        "graphique.",
    },
    "summary_brief": {
        "en": "Today's briefing: META's movements beside an insight from the articles, with a "
        "chart.",
        "fr": "Le briefing du jour : les mouvements de META et un point clé des articles, avec "
        "graphique.",
    },
    "summary_subscribe": {
        "en": "Post the daily briefing in this channel at a time of your zone.",
        "fr": "Publier le briefing quotidien dans ce canal à l’heure de votre fuseau.",
    },
    "summary_unsubscribe": {
        "en": "Stop this channel's daily briefing.",
        "fr": "Arrêter le briefing quotidien de ce canal.",
    },
    "summary_schedule": {
        "en": "This channel's daily briefing and when the next one comes.",
        "fr": "Le briefing quotidien de ce canal et l’heure du prochain.",
    },
}
