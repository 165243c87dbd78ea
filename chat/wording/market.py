"""What the bot says of the bundled sample, earnings, per-channel peers and move alerts."""

from __future__ import annotations

MARKET: dict[str, dict[str, str]] = {
    "market.sample": {
        "en": "No live market data; showing the bundled sample to {as_of} ({reason}).",
        "fr": "Pas de cours en direct ; échantillon fourni affiché jusqu’au {as_of} ({reason}).",
    },
    "market.data_sample": {
        "en": "Data: the bundled sample ({symbol}), prices to {as_of}",
        "fr": "Données : l’échantillon fourni ({symbol}), cours jusqu’au {as_of}",
    },
    "earnings.next": {
        "en": "Earnings on {day} (in {days} days)",
        "fr": "Résultats le {day} (dans {days} jours)",
    },
    "earnings.tomorrow": {
        "en": "Earnings on {day} (tomorrow)",
        "fr": "Résultats le {day} (demain)",
    },
    "earnings.today": {"en": "Earnings on {day} (today)", "fr": "Résultats le {day} (aujourd’hui)"},
    "earnings.unknown": {
        "en": "Next earnings date not known yet",
        "fr": "Prochaine date de résultats pas encore connue",
    },
    "earnings.last": {
        "en": "last quarter ({day}): EPS {reported} vs {estimate} expected ({surprise} surprise)",
        "fr": "dernier trimestre ({day}) : BPA {reported} pour {estimate} attendu "
        "(surprise de {surprise})",
    },
    "earnings.reaction": {
        "en": "Earnings reaction: {symbol} {move} on {day} after the {report} results{detail}.",
        "fr": "Réaction aux résultats : {symbol} {move} le {day} après les résultats du "
        "{report}{detail}.",
    },
    "earnings.reaction_detail": {
        "en": " (EPS {reported} vs {estimate} expected, {surprise} surprise)",
        "fr": " (BPA {reported} pour {estimate} attendu, surprise de {surprise})",
    },
    # /meta peers
    "summary_peers": {
        "en": "This channel's peers and benchmark: `peers GOOGL MSFT NVDA`, `peers benchmark QQQ`.",
        "fr": "Les comparables et l’indice de ce canal : `peers GOOGL MSFT NVDA`, "
        "`peers benchmark QQQ`.",
    },
    "peers.show": {
        "en": "Peers here: {peers}{peers_default}; benchmark: {benchmark}{benchmark_default}.",
        "fr": "Comparables ici : {peers}{peers_default} ; indice : {benchmark}{benchmark_default}.",
    },
    "peers.default": {"en": " (the default)", "fr": " (par défaut)"},
    "peers.none": {"en": "none", "fr": "aucun"},
    "peers.set": {
        "en": "Done: `stock` and the briefings here now compare {symbol} with {peers}, "
        "benchmark {benchmark}.",
        "fr": "C’est fait : `stock` et les briefings de ce canal comparent désormais {symbol} à "
        "{peers}, indice {benchmark}.",
    },
    "peers.bad_symbol": {
        "en": "“{word}” is not a ticker symbol (like GOOGL or BRK-B); nothing changed.",
        "fr": "« {word} » n’est pas un symbole boursier (comme GOOGL ou BRK-B) ; rien n’a changé.",
    },
    "peers.unknown": {
        "en": "Unknown symbol(s) on Yahoo Finance: {symbols}; nothing changed.",
        "fr": "Symbole(s) inconnu(s) sur Yahoo Finance : {symbols} ; rien n’a changé.",
    },
    "peers.too_many": {
        "en": "At most {max} peers, please; nothing changed.",
        "fr": "{max} comparables au plus, s’il vous plaît ; rien n’a changé.",
    },
    "peers.benchmark_one": {
        "en": "Give one benchmark symbol after `benchmark`, like `benchmark QQQ`; nothing changed.",
        "fr": "Indiquez un seul indice après `benchmark`, comme `benchmark QQQ` ; rien n’a changé.",
    },
    # /meta alerts
    "summary_alerts": {
        "en": "Move alerts here: `alerts on [2sigma|3%]`, `alerts off`.",
        "fr": "Alertes de mouvement ici : `alerts on [2sigma|3%]`, `alerts off`.",
    },
    "alerts.on": {
        "en": "Move alerts on: a short post here when {symbol} moves {threshold} during the "
        "session, at most once a day each way.",
        "fr": "Alertes activées : un court message ici quand {symbol} bouge {threshold} pendant "
        "la séance, au plus une fois par jour dans chaque sens.",
    },
    "alerts.off": {
        "en": "Move alerts off in this channel.",
        "fr": "Alertes désactivées dans ce canal.",
    },
    "alerts.bad": {
        "en": "Say `alerts on`, `alerts on 2sigma`, `alerts on 3%` (0.1% to 50%) or `alerts off`; "
        "nothing changed.",
        "fr": "Écrivez `alerts on`, `alerts on 2sigma`, `alerts on 3%` (de 0,1 % à 50 %) ou "
        "`alerts off` ; rien n’a changé.",
    },
    "alerts.threshold_sigma": {
        "en": "beyond 2 standard deviations of its daily moves",
        "fr": "au-delà de 2 écarts-types de ses variations quotidiennes",
    },
    "alerts.threshold_pct": {"en": "by {pct} or more", "fr": "de {pct} ou plus"},
    "alerts.status_on": {
        "en": "Move alerts: on, when {symbol} moves {threshold}.",
        "fr": "Alertes de mouvement : activées, quand {symbol} bouge {threshold}.",
    },
    "alerts.status_off": {
        "en": "Move alerts: off (`/meta alerts on` to start).",
        "fr": "Alertes de mouvement : désactivées (`/meta alerts on` pour les activer).",
    },
    "alerts.post_up": {
        "en": "{symbol} is up {change} today (intraday, {time} New York), {threshold}.",
        "fr": "{symbol} monte de {change} aujourd’hui (en séance, {time} à New York), {threshold}.",
    },
    "alerts.post_down": {
        "en": "{symbol} is down {change} today (intraday, {time} New York), {threshold}.",
        "fr": "{symbol} baisse de {change} aujourd’hui (en séance, {time} à New York), {threshold}.",
    },
    "alerts.post_title": {"en": "{symbol} move alert", "fr": "Alerte de mouvement {symbol}"},
    # the weekly digest (`/meta subscribe 08:30 Europe/Paris weekly mon`)
    "subscription_weekly": {
        "en": "the weekly digest at {time} {zone}, {cadence}, in {language}",
        "fr": "le bilan hebdomadaire à {time} {zone}, {cadence}, en {language}",
    },
    "digest.title": {
        "en": "{symbol} weekly digest · week to {day}",
        "fr": "Bilan hebdomadaire {symbol} · semaine au {day}",
    },
    "digest.week": {"en": "{symbol} this week", "fr": "{symbol} cette semaine"},
    "digest.vs": {"en": "vs {symbol} this week", "fr": "vs {symbol} cette semaine"},
    "digest.peer_week": {"en": "{change} this week", "fr": "{change} cette semaine"},
    "digest.articles": {"en": "New this week", "fr": "Nouveau cette semaine"},
    "digest.article": {"en": "{title} ({day})", "fr": "{title} ({day})"},
    "digest.no_articles": {
        "en": "No new articles this week.",
        "fr": "Aucun nouvel article cette semaine.",
    },
}

_DAYS = {
    "mon": ("Mondays", "le lundi"),
    "tue": ("Tuesdays", "le mardi"),
    "wed": ("Wednesdays", "le mercredi"),
    "thu": ("Thursdays", "le jeudi"),
    "fri": ("Fridays", "le vendredi"),
    "sat": ("Saturdays", "le samedi"),
    "sun": ("Sundays", "le dimanche"),
}
MARKET.update(
    {
        f"cadence_weekly-{day}": {"en": f"weekly on {en}", "fr": f"chaque semaine, {fr}"}
        for day, (en, fr) in _DAYS.items()
    }
)
