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
}
