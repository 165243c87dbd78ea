"""The kind of fact a question asks for (a price, a count, an amount of revenue, a date, a
person) and whether a passage holds one: "How much does Meta AI Plus cost?" is not answered by a
passage that names Meta AI without a price. General wording of English and French questions;
nothing here knows an article's words.
"""

from __future__ import annotations

import re

from briefings.knowledge.phrasing import fold

# Questions, folded (lower case, no accents).
_ASKS = {
    "price": re.compile(
        r"\b(how much (is|are|does|do|will|would|did)\b.*\b(cost|charge|pay|sell)|price|prices|"
        r"priced|pricing|what does .{0,40} cost|combien (coute|coutent|couter|ca coute|vaut|valent)|"
        r"prix|tarif|tarifs|cours de (l'action|bourse))\b"
    ),
    "count": re.compile(
        r"\b(how many|number of|nombre d|nombre de|combien d|combien de)\b(?!.*\b(percent|pour ?cent|%))"
    ),
    "revenue": re.compile(
        r"\b(how much (money|revenue|income|profit|cash)|what (was|is|were|are) .{0,40}\b(revenue|revenues|sales|income|profit)s?\b|"
        r"(revenue|sales|income|profit)s? (figure|number|amount)|"
        r"combien (d'argent|d’argent|de revenus?|de benefices?|rapporte|gagne)|chiffre d.affaires|montant)"
    ),
    "date": re.compile(
        r"(^|[^\w])(when|what year|which year|what date|which date|since when|by when|quand|"
        r"en quelle annee|quelle annee|quelle date|depuis quand|a quelle date|d'ici quand)\b"
    ),
    "person": re.compile(
        # "qu'est-ce qui", "ce qui": "what", not "who"
        r"(^|[^\w])(?<!\bce )(who|whom|whose|which person|qui|quelle personne)\b"
        # "who are ...", "who can ...": which kind of people or companies, not one person
        r"(?!\s+(are|were|sont|etaient|can|could|may|might|peut|peuvent|pourrait|pourraient)\b)"
    ),
}
# What a passage must hold for each kind (on its original, unfolded text).
_CURRENCY = r"(?:[$€£¥]\s?\d|\d[\d.,\s]*\s?(?:[$€£¥]|dollars?|euros?|usd|eur)\b)"
_HOLDS = {
    "price": re.compile(_CURRENCY, re.I),
    "count": re.compile(r"\d"),
    "revenue": re.compile(_CURRENCY + r"|\d\s*(billion|million|milliards?|millions?|bn|m)\b", re.I),
    "date": re.compile(
        r"\b(1[89]\d\d|20\d\d)\b|\b(january|february|march|april|may|june|july|august|september|"
        r"october|november|december|janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|"
        r"septembre|octobre|novembre|decembre|décembre)\b",
        re.I,
    ),
    # Two capitalised words in a row that do not start a sentence: "Mark Zuckerberg".
    "person": re.compile(r"(?<=\S )(?<![.!?:] )[A-Z][a-zà-ÿ]+ [A-Z][a-zà-ÿ]+"),
}


def asked_kinds(question: str) -> set[str]:
    """The kinds of fact `question` asks for (often none: "how", "why", "what does ... do")."""
    folded = fold(question).replace("’", "'")
    kinds = {kind for kind, pattern in _ASKS.items() if pattern.search(folded)}
    if "revenue" in kinds:
        kinds.discard("price")
    return kinds


def holds(text: str, kind: str) -> bool:
    """Whether `text` states a fact of that kind."""
    return bool(_HOLDS[kind].search(text))
