"""What briefings and market reports say, and why market data may be unavailable."""

from __future__ import annotations

BRIEFINGS: dict[str, dict[str, str]] = {
    "briefing.brief_title": {"en": "{symbol} briefing · {day}", "fr": "Briefing {symbol} · {day}"},
    "briefing.stock_title": {
        "en": "{symbol} · {range}: {change}",
        "fr": "{symbol} · {range} : {change}",
    },
    "briefing.close": {"en": "{symbol} close", "fr": "Clôture {symbol}"},
    "briefing.intraday_price": {"en": "{symbol} (intraday)", "fr": "{symbol} (en séance)"},
    "briefing.1d": {"en": "1 day", "fr": "1 jour"},
    "briefing.5d": {"en": "5 days", "fr": "5 jours"},
    "briefing.1mo": {"en": "1 month", "fr": "1 mois"},
    "briefing.ytd": {"en": "Year to date", "fr": "Depuis le 1er janvier"},
    "briefing.52w": {"en": "52 weeks", "fr": "52 semaines"},
    "briefing.since_article": {"en": "Since the article ({day})", "fr": "Depuis l’article ({day})"},
    "briefing.range_52w": {"en": "52-week range", "fr": "Plus haut / bas 52 sem."},
    "briefing.range_52w_value": {
        "en": "{high} from high, {low} from low",
        "fr": "{high} du plus haut, {low} du plus bas",
    },
    "briefing.volume": {"en": "Volume", "fr": "Volume"},
    "briefing.volume_value": {
        "en": "{volume}, {vs} vs 20-day average",
        "fr": "{volume}, {vs} vs moyenne 20 jours",
    },
    "briefing.vs_benchmark": {"en": "vs {symbol}", "fr": "vs {symbol}"},
    "briefing.vs_benchmark_value": {
        "en": "{d1} today, {ytd} this year",
        "fr": "{d1} aujourd’hui, {ytd} cette année",
    },
    "briefing.peer_value": {
        "en": "{d1} today, {ytd} this year",
        "fr": "{d1} aujourd’hui, {ytd} cette année",
    },
    "briefing.unusual": {
        "en": "unusual move (beyond 2 standard deviations)",
        "fr": "mouvement inhabituel (au-delà de 2 écarts-types)",
    },
    "briefing.unavailable": {"en": "unavailable ({reason})", "fr": "indisponible ({reason})"},
    "briefing.status_open": {
        "en": "Market open: intraday figures.",
        "fr": "Marché ouvert : chiffres en séance.",
    },
    "briefing.status_early_close": {
        "en": "Market open today until an early close: intraday figures.",
        "fr": "Marché ouvert aujourd’hui jusqu’à une clôture anticipée : chiffres en séance.",
    },
    "briefing.status_closed_live": {
        "en": "Market closed; figures as of the {day} close.",
        "fr": "Marché fermé ; chiffres à la clôture du {day}.",
    },
    "briefing.status_session": {
        "en": "Figures as of the {day} close.",
        "fr": "Chiffres à la clôture du {day}.",
    },
    "briefing.status_holiday": {
        "en": "Market closed on {day}; figures as of the last session, {last}.",
        "fr": "Marché fermé le {day} ; chiffres de la dernière séance, le {last}.",
    },
    "briefing.insight": {
        "en": "Insight of the day · {topic}",
        "fr": "À retenir aujourd’hui · {topic}",
    },
    "briefing.why": {"en": "Why it matters: {text}", "fr": "Pourquoi c'est important : {text}"},
    "briefing.claim": {"en": "Claim check: {text}", "fr": "Vérification : {text}"},
    "briefing.claim_unchecked": {
        "en": "Claim in the article: “{quote}” (not checked: no market data for that date).",
        "fr": "Affirmation de l’article : « {quote} » (non vérifiée : pas de cours pour cette date).",
    },
    "briefing.data_fresh": {
        "en": "Data: {source}, as of {as_of} (fetched {fetched})",
        "fr": "Données : {source}, au {as_of} (relevées le {fetched})",
    },
    "briefing.data_file": {
        "en": "Data: {source}, prices to {as_of}",
        "fr": "Données : {source}, cours jusqu’au {as_of}",
    },
    "briefing.data_stale": {
        "en": "Data: {source} is unavailable ({reason}); showing stored data as of {as_of} (fetched {fetched})",
        "fr": "Données : {source} indisponible ({reason}) ; données enregistrées au {as_of} (relevées le {fetched})",
    },
    "briefing.data_none": {
        "en": "Market data is unavailable right now ({reason}); the figures will be back when it is.",
        "fr": "Les cours sont indisponibles pour le moment ({reason}) ; les chiffres reviendront avec eux.",
    },
    "briefing.article": {"en": "Article: {title}, {day}", "fr": "Article : {title}, {day}"},
    "briefing.chart_alt": {"en": "{symbol} closes, {range}", "fr": "Clôtures {symbol}, {range}"},
    "range.1d": {"en": "1 day", "fr": "1 jour"},
    "range.5d": {"en": "5 days", "fr": "5 jours"},
    "range.1mo": {"en": "1 month", "fr": "1 mois"},
    "range.3mo": {"en": "3 months", "fr": "3 mois"},
    "range.6mo": {"en": "6 months", "fr": "6 mois"},
    "range.ytd": {"en": "year to date", "fr": "depuis le 1er janvier"},
    "range.1y": {"en": "1 year", "fr": "1 an"},
    "claim.check": {
        "en": "Article: {claimed} {metric} at {as_of}; {source} data: {actual} "
        "(close {start} to close {end})",
        "fr": "Article : {claimed} {metric} au {as_of} ; données {source} : {actual} "
        "(clôture du {start} à la clôture du {end})",
    },
    "claim.metric.change_ytd_pct": {"en": "YTD", "fr": "depuis le 1er janvier"},
    # The chart's title and labels.
    "chart.title": {"en": "{symbol}, {range} (to {day})", "fr": "{symbol}, {range} (au {day})"},
    "chart.title_intraday": {
        "en": "{symbol}, 1 day ({day}, 5-minute bars)",
        "fr": "{symbol}, 1 jour ({day}, barres de 5 minutes)",
    },
    "chart.delayed": {
        "en": "Intraday bars from {source}, delayed; times in New York.",
        "fr": "Barres en séance de {source}, en différé ; heures de New York.",
    },
    "chart.no_intraday": {
        "en": "No intraday bars at hand: the last session's daily candle.",
        "fr": "Pas de barres en séance disponibles : la bougie de la dernière séance.",
    },
    "chart.average": {"en": "{days}-day average", "fr": "Moyenne {days} jours"},
    "chart.price": {"en": "Price ({currency})", "fr": "Cours ({currency})"},
    "chart.volume": {"en": "Volume", "fr": "Volume"},
    "chart.rebased": {"en": "{symbol} (rebased)", "fr": "{symbol} (rebasé)"},
    "chart.article": {"en": "Article", "fr": "Article"},
    # Why market data is unavailable (carried as a Phrase, worded where it is shown).
    "reason.no_price_file": {"en": "no price file", "fr": "pas de fichier de cours"},
    "reason.no_data": {
        "en": "no data from Yahoo (unknown or delisted symbol?)",
        "fr": "pas de données de Yahoo (symbole inconnu ou retiré de la cote ?)",
    },
    "reason.none_before": {
        "en": "no prices on or before {day} (data starts {first})",
        "fr": "pas de cours au {day} ou avant (données à partir du {first})",
    },
    "reason.rate_limit": {"en": "Yahoo rate limit", "fr": "limite de requêtes Yahoo"},
    "reason.unreachable": {
        "en": "Yahoo unreachable ({error})",
        "fr": "Yahoo injoignable ({error})",
    },
    "reason.timeout": {"en": "timeout after {seconds} s", "fr": "délai dépassé après {seconds} s"},
    "reason.source_error": {"en": "{source} error ({error})", "fr": "erreur {source} ({error})"},
    "reason.retrying": {
        "en": "{reason}, retrying after {time} UTC",
        "fr": "{reason}, nouvel essai après {time} UTC",
    },
}
