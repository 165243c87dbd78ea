"""The bot's own sentences in English and French. Commands pick one with `say(key, lang)`."""

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
    "unknown_command": {
        "en": "I don't know the command “{command}”. Try `/meta help`.",
        "fr": "Je ne connais pas la commande « {command} ». Essayez `/meta help`.",
    },
    "bad_lang": {
        "en": "Language must be `en` or `fr`.",
        "fr": "La langue doit être `en` ou `fr`.",
    },
    "usage": {"en": "Usage: `/meta {usage}`", "fr": "Utilisation : `/meta {usage}`"},
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
    # ---- ask: short answers (the whole passage one step away) ----
    "ask_more": {
        "en": "More: `/meta ask --full {question}`",
        "fr": "La suite : `/meta ask --full {question}`",
    },
    # ---- end of ask: short answers ----
}


def say(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (English when there is no French), with `values` filled in."""
    texts = MESSAGES[key]
    return texts.get(lang, texts["en"]).format(**values)
