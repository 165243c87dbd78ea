"""The kind of fact a question asks for (a price, a count, an amount of money, a share, a figure
asked as such, a margin or a market share by name, a date, a day, a duration, a name, a licence
by name, a version, a valuation ratio, a reporting period, a recommendation to buy or sell, a
language, a rival, a person, in the role asked) and whether a passage holds one: "How much
does Meta AI Plus cost?" is not answered by a passage that names Meta AI without a price, nor
"Who leads Reality Labs?" by one whose only name is "Reality Labs". General wording of English
and French questions; nothing here knows an article's words.
"""

from __future__ import annotations

import re

from briefings.knowledge.phrasing import fold, is_common_word, quoted

# The measures a company reports that `measure` asks for by name, each in the words of either
# language (folded): a question naming one needs a passage naming it (`_same_measures`).
_MEASURE_WORDS = (
    r"dividends?|dividendes?",
    r"buybacks?|(share|stock) repurchases?|rachats? d'actions|"
    r"buy(s|ing)? back (its |their )?(own )?(shares|stock)|"
    r"rachete(r|nt)?(-t-(il|elle))? (ses|leurs|des) (propres )?actions",
    r"salary|salaries|salaires?|compensation|pay package|remuneration",
)

# Questions, folded (lower case, no accents).
_ASKS = {
    "price": re.compile(
        # "What's Meta's share price?", "the price of ...", not "what drives the share price".
        r"\b(how much (is|are|does|do|will|would|did)\b.*\b(cost|charge|pay|sell)|"
        r"(what|which)(?:'s| is| was| are| were)? (\S+ ){0,2}(price|prices|pricing)\b|"
        r"(price|prices|pricing) (of|for|per|tag|range)\b|priced|at what price|"
        # A subscription's price: "how much is Meta AI Plus per month?".
        r"how much (is|are|was|were|will|would) .{0,60}\b((per|each) (month|year|user|seat)|"
        r"a month)\b|"
        # A day's quote: "the closing share price on 13 March", "the stock price today".
        r"(closing|opening|current|intraday|today's) (\S+ )?(price|prices)\b|"
        r"(stock|share) prices? (on|at|today|now|right now|as of)\b|"
        r"what does .{0,40} cost|combien (coute|coutent|couter|ca coute|vaut|valent)|"
        r"(coute|coutent|coutera|couteront|couterait|couteraient|coutait|vaut|valent|vaudrait|"
        r"facture|facturent|facturerait|factureraient)(-(il|elle|ils|elles))? combien|"
        r"combien (\S+ ){0,3}(facture|facturent|facturait|facturera|facturerait|factureraient)\b|"
        r"prix|tarif|tarifs|cours actuel|price target|target price|"
        r"objectifs? de cours|(what|which|quels?|quelles?) (\w+ ){0,2}(fee|fees|frais)|"
        r"(does|do|did|will|would) \S+( \S+)? charge)"
    ),
    "count": re.compile(
        r"\b(how many|number of|nombre d|nombre de|combien d|combien de(?! temps))\b"
        r"(?!.*\b(percent|pour ?cent|%))|"
        # A limit or a cap is a number of things: "what rate limits", "the monthly user cap".
        r"\b(rate limits?|quotas?|(user|usage|request|requests|monthly|daily|call|calls) "
        r"(caps?|limits?)|requests? per (second|minute|hour|day)|req/s|"
        r"plafonds?( d'utilisateurs| de requetes)?|limites? (de|d') ?(requetes|utilisateurs|appels|"
        r"debit))\b|"
        # A number of people using or working somewhere: "ChatGPT's user count", "headcount".
        r"\b((user|subscriber|customer|download|employee|member)s? counts?|headcount|"
        r"(how big|how large|what size) (is|was|are) (\S+ ){0,3}(user|subscriber|customer) base)\b"
    ),
    # A count with the items asked for too: "how many ... and which", "... does it name".
    "items": re.compile(
        r"\b(how many|combien d|combien de)\b.*\b(and (which|what|who)|(what|who) are they|which ones|"
        r"qui sont-ils|qui sont-elles|"
        r"name them|names?|lists?|cites?|mentions?|et (lesquels|lesquelles|quels|quelles)|"
        r"lesquels|lesquelles|nomme|liste|mentionne|detaille|enumere)\b"
    ),
    "revenue": re.compile(
        r"\b(how much (\w+ )?(money|revenue|income|profit|cash|loss|losses)|"
        r"(in|en) (dollars|euros|usd|eur)\b|(in|en) [$€]|"
        r"how much (money )?(does|do|did|will|"
        r"would|has|have) \S+( \S+)? (spend|invest|earn|make|pay|lose|lost)\b|budget|"
        r"how much (money )?(is|are|was|were) \S+( \S+)? (spending|investing|earning|making|"
        r"paying|losing)\b|"
        r"combien (\S+ ){0,3}(depense|depensait|depensent|depensera|investit|investissait|"
        r"investi|investira|investissent|gagne|gagnait)\b|"
        # Reversed: "dépensait combien"; not "a gagné combien en ROAS", which a percentage answers.
        r"(depense|depensait|depensent|depensera|investit|investissait)(-(il|elle|ils|elles))? "
        r"combien|"
        # Not "what are the revenue streams" (sources of money, not an amount), nor what drives
        # or what a change does to revenue ("what's driving revenue growth?").
        r"what(?:'s| was| is| were| are) "
        r"(?!.{0,40}\b(driving|drives|behind|boosting|boosts|impact|effect|growth|grow)\b)"
        r".{0,40}\b(revenue|revenues|sales|income|profit|loss|losses)s?\b"
        r"(?! (streams?|sources?|models?|opportunit\w+|drivers?|lines?|mix)\b)|"
        r"(quel|quelle|quels|quelles) (est|sont|etait|etaient|ont ete) (\S+ ){0,3}"
        r"(pertes?|benefices?|deficits?)\b|"
        r"(revenue|sales|income|profit)s? (figure|number|amount)|"
        r"combien (d'argent|d’argent|de revenus?|de benefices?|rapporte|gagne)|chiffre d.affaires|montant|"
        # Amounts a market or a company's plans put on it.
        r"market cap|market capitali[sz]ation|capitalisation( boursiere)?|valuation|valorisation|"
        r"tam\b|total addressable market|market size|taille du marche|"
        r"capex|capital expenditures?|(spending|revenue|earnings) guidance|guidance (for|on)|"
        r"eps\b|earnings per share|benefice par action|free cash flow|"
        r"depenses d'investissement|previsions? de (depenses|revenus|chiffre d'affaires))"
    ),
    "share": re.compile(
        r"\b(what (share|percentage|percent|proportion|cut)|which (share|percentage)|"
        r"how big a (share|cut)|quelle (part|proportion)|quel pourcentage|combien de pour ?cent|"
        # A margin, a market share or a rate asked for is a percentage: "what's the operating
        # margin", "quelle est sa part de marché", "c'est quoi le taux de conversion".
        r"(what|how big|how high)(?:'s| is| was| are| were) (\S+ ){0,3}"
        r"(margins?|market share|(\w+ )?rates?(?! (limits?|caps?)\b))|"
        r"(quel|quelle|quels|quelles) (est|sont|etait) (\S+ ){0,3}(marges?|part de marche|taux)|"
        r"c'?est quoi (\S+ ){0,2}(marges?|part de marche|taux))\b|"
        r"\b(what|which|quel|quelle|combien de) ?%"
    ),
    # A margin or a market share asked by name: another percentage does not answer it ("What's
    # the operating margin?" is not "a 60 % rise in return on ad spend").
    "margin": re.compile(
        r"\b((what|how big|how high)(?:'s| is| was| are| were) (\S+ ){0,3}(margins?|market share)|"
        r"(quel|quelle|quels|quelles) (est|sont|etait) (\S+ ){0,3}(marges?|parts? de marche)|"
        r"c'?est quoi (\S+ ){0,2}(marges?|parts? de marche))\b"
    ),
    # A measure a company reports, named: "does Meta pay a dividend?", "le salaire du PDG";
    # a passage must name it (`_MEASURES`).
    "measure": re.compile(rf"\b({'|'.join(_MEASURE_WORDS)})\b"),
    # A licence by name: "which licence is it under?", "sous quelle licence", "Apache 2.0 ?";
    # not its fees, terms or limits.
    "licence": re.compile(
        r"\b((which|what|quelle|quel) (\w+ )?licen[cs]es?\b(?! (fees?|costs?|deals?|agreements?|"
        r"terms?|restrictions?|conditions?|limits?|frais|couts?|accords?|contrats?|conditions?))|"
        r"(under|sous) (which|what|quelle|quel) (\w+ )?licen[cs]e|"
        r"(name|nom) (of|de) (the |la |sa |its )?(\S+ )?licen[cs]e|licen[cs]e name|"
        r"s'appellen?t? (la |sa )?licen[cs]e|"
        r"(apache|mit|gpl|lgpl|agpl|bsd|mpl|creative commons)( v?\d(\.\d)?)? ?\?)"
    ),
    # Figures asked for as such: "any numbers on ad performance?", "need a stat", "quels
    # chiffres"; not "crunching numbers", "le chiffre d'affaires" (an amount), "éplucher des
    # chiffres".
    "figure": re.compile(
        r"\b((any|some|what|which|key|hard) (numbers?|figures?|stats?|statistics|data points?|"
        r"metrics?)|need (a|the|some|one) (number|figure|stat|statistic|data point)s?|"
        r"(quels?|quelques?) chiffres?|(besoin d'|y a-t-il |il y a |des )?un chiffre (pour|sur|"
        r"serait|qui|a citer)|besoin d'un chiffre|des chiffres (sur|pour|concernant|precis)|"
        r"y a-t-il des chiffres|(il y a|ya) des chiffres)\b(?! d'affaires)"
    ),
    # A duration: "how many months", "how long", "combien de mois", "en combien de temps".
    "duration": re.compile(
        r"\b(how many (months|years|days|weeks|quarters)|how long(?! (until|till|before))|"
        r"how quickly|combien de (mois|ans|annees|jours|semaines|trimestres)|"
        r"combien de temps(?! (avant|jusqu)))\b"
    ),
    # "when" and "quand" opening the question or a clause, or closing it ("... launch when?");
    # not inside one ("what does Meta keep when it shares LLaMA?").
    "date": re.compile(
        r"(^|[,;:.!?—–]\s*|\b(and|but|so|then|et|mais|alors|donc|c'est|c est|pour|jusqu'a)\s+)"
        r"(when|quand)\b|\b(when|quand)\s*(\?|$)|"
        r"(^|[^\w])(what year|which year|since when|by when|until when|en quelle annee|"
        r"quelle annee|depuis quand|d'ici quand|a partir de quand|quand est-ce|"
        # "How long until it pays off?" asks when ("before 2025" answers it).
        r"how long (until|till|before)|combien de temps (avant|jusqu))\b|"
        # The spoken order: "elle sort quand la prochaine version", "it ships when".
        r"\b(sort|sortira|sortent|sortiront|arrive|arrivera|arrivent|arriveront|lance|lancera|"
        r"lancent|debute|debutera|commence|commencera)(-t)?(-(il|elle|ils|elles|on))? quand\b|"
        r"\b(comes? out|launch(es)?|ships?|drops?|arrives?|starts?) when\b|"
        r"\b(is there|any|y a(-t-il)?|il y a) (a |une )?(release |launch |de sortie )?date\b"
    ),
    "day": re.compile(
        r"(^|[^\w])(what date|which date|what day|which day|quelle date|a quelle date|quel jour|"
        r"exact date|release date|launch date|date de (sortie|lancement|publication))\b"
    ),
    # A name: "what is the name of ...", "which companies ...", "comment s'appelle ...".
    "name": re.compile(
        r"\b(what(?:'s| is)? the (official )?name|(official|exact) name|what is it called|"
        r"(which|what) (company|companies|firm|firms|partner|partners|brand|brands)|"
        r"quel est (le|son) nom|(le|son) nom (officiel )?(du|de|des)|comment s'appellen?t?|"
        r"s'appellen?t? comment|"
        r"quelles? (entreprises?|societes?|marques?)|quels? (partenaires?|groupes?))\b"
    ),
    # A valuation ratio: "what P/E", "quel multiple", "le PER".
    "ratio": re.compile(
        r"\b(p/e|pe ratio|price[- ]to[- ]earnings|ev/ebitda|"
        r"(what|which|quel|quels) (\w+ )?multiples?|(le|du|un|son) per\b|"
        r"(what|which|quel|quels) (\w+ )?ratios?)\b"
    ),
    # A reporting period: "last quarter", "au dernier trimestre", "Q3".
    "period": re.compile(
        r"\b((last|this|next|previous|latest|past|first|second|third|fourth|fiscal) quarter|"
        r"quarter over quarter|d'un trimestre a l'autre|q[1-4]( 20\d\d)?|"
        r"(dernier|prochain|ce|premier|deuxieme|second|troisieme|quatrieme) trimestre|"
        r"t[1-4] 20\d\d)\b"
    ),
    # A recommendation to buy or sell: "should we buy the stock?", "faut-il acheter ?".
    "advice": re.compile(
        r"\b((should|shall) (i|we|you|one|investors|clients|our clients|people)( \w+){0,4} "
        r"(buy|sell|hold|short|invest in)( \w+){0,3} (stock|stocks|shares?|meta|it|them|position)\b|"
        r"(do|would) you recommend (buying|selling|holding)|"
        r"(buy|sell|hold) or (buy|sell|hold)|(a|is it a) (buy|sell)\b|"
        r"(faut-il|faudrait-il|dois-je|devrait-on|doit-on) (acheter|vendre|investir|garder)|"
        r"on (achete|vend)( l'action| le titre| meta)? \?|acheter ou vendre|"
        r"(conseilles?|recommandes?) (d'acheter|de vendre|"
        r"l'achat|la vente))"
    ),
    # A language: "which languages does it support?", "quelles langues", "parle-t-il espagnol ?".
    "language": re.compile(
        r"\b((which|what) (\w+ )?languages|languages? (does|do|is|are) \S+( \S+)? (support|speak|"
        r"available)|(supported|available) languages|(support|speak|speaks|understand|understands) "
        r"(french|english|spanish|german|italian|portuguese|arabic|chinese|japanese|hindi)|"
        r"(quelles?|combien de) (\w+ )?langues|langues? (supportees?|prises? en charge|disponibles?|"
        r"gerees?)|(parle|parlent|comprend|comprennent|supporte|supportent|gere|gerent)(-t)?"
        r"(-(il|elle|ils|elles))? (le |l')?(francais|anglais|espagnol|allemand|italien|portugais|"
        r"arabe|chinois|japonais))\b"
    ),
    # A rival: "who are its competitors?", "quels concurrents ?" (a passage must name one).
    "rival": re.compile(
        r"\b(rivals?|rivaux|rivales?|competitors?|competing|competition|concurrents?|concurrentes?|"
        r"concurrence)\b"
    ),
    # A version: "which version of ...", "quelle version".
    "version": re.compile(r"\b((which|what) (\w+ )?version|quelle version)\b"),
    # One person: "who is/leads/said ...", "which executive", "qui dirige", "quel patron"; not
    # "who can ...", "who benefits ...", "qu'est-ce qui" (kinds of people, things).
    "person": re.compile(
        r"(^|[^\w])who (is|was|'s|leads|led|runs|ran|heads|headed|founded|said|says|"
        r"stated|announced|indicated|wrote|created|invented|built|bought|owns|started)\b|"
        # "who's" with a role: "who's its founder?"; not "who's behind Gemini?" (a company).
        r"(^|[^\w])who's (\S+ ){0,2}(founder|co-?founder|ceo|cfo|coo|cto|boss|head|chief|chair\w*|"
        r"president|director|leader|executive|exec)s?\b|(^|[^\w])who's in charge\b|"
        # French "qui" asks opening the question or a clause, or after "c'est" or a preposition;
        # after a noun it is a relative pronoun ("l'outil qui est cité").
        r"(^|[,;:.!?—–]\s*|\b(c'est|c est|par|de|a|pour|avec|chez|et|mais)\s+)qui (est|etait|"
        r"dirige|dirigeait|pilote|possede|a (dit|declare|fonde|annonce|indique|ecrit|cree|"
        r"invente|construit|rachete|achete|lance))\b|(^|[^\w])(which|what) (person|executive|exec|ceo|"
        r"leader|founder|boss)\b|\b(quelle personne|quel (dirigeant|patron|pdg|responsable|"
        r"fondateur))\b"
    ),
}
# What a passage must hold for each kind (on its original, unfolded text).
_CURRENCY = r"(?:[$€£¥]\s?\d|\d[\d.,\s]*\s?(?:[$€£¥]|dollars?|euros?|usd|eur)\b)"
_NUMBER_WORDS = (
    r"(two|three|four|five|six|seven|eight|nine|ten|twelve|dozen|deux|trois|quatre|cinq|sept|"
    r"huit|neuf|dix|douze|douzaine)"
)
_MONTHS = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|"
    r"decembre|décembre)"
)
_COUNTED = (
    r"\b(?!(1[89]|20)\d\d\b)\d+([.,]\d+)*\b(?!\s?(%|percent\b|per cent\b|pour ?cent\b|"
    + _MONTHS
    + r"))|\b"
    + _NUMBER_WORDS
    + r"\b"
)
_HOLDS = {
    "price": re.compile(_CURRENCY, re.I),
    # A number of things: not a percentage, a year or a day of the month.
    "count": re.compile(_COUNTED, re.I),
    # Or a list of three or more ("A, B and C").
    "items": re.compile(
        r"\d|\b" + _NUMBER_WORDS + r"\b|[^,.;:]+, [^,.;:]+,? (and|et|or|ou) ", re.I
    ),
    "share": re.compile(r"\d\s?%|\d\s?(percent|per cent|pour ?cent)", re.I),
    "duration": re.compile(
        r"\b(\d+|an?|one|un|une|" + _NUMBER_WORDS + r")[\s-]+(months?|years?|days?|weeks?|"
        r"quarters?|mois|ans|années|jours|semaines|trimestres)\b",
        re.I,
    ),
    # A capitalised word that does not start a sentence or end a bullet's title.
    "name": re.compile(r"(?<=\S )(?<![.!?:] )[A-Z][\w+&-]*\b(?!\s*:)"),
    # A number that names a release: "LLaMA 2", "GPT-4", "v3", "version 3.1".
    "version": re.compile(r"\b[A-Z][\w+]*[ -]\d+(\.\d+)*\b(?!\s?%)|\bv\d|\bversion \d"),
    "period": re.compile(r"\bquarter|\btrimestre|\bQ[1-4]\b", re.I),
    "margin": re.compile(r"\b(margins?|marges?|market share|parts? de marché)\b", re.I),
    "figure": re.compile(r"\d"),
    "measure": re.compile(r"."),  # which one: `_same_measures`
    # A licence named: "the Apache 2.0 licence", "a community licence"; not "licensing fees".
    "licence": re.compile(
        r"\b(Apache|MIT|GPL|LGPL|AGPL|BSD|MPL|Creative Commons|CC[- ]BY)\b|"
        r"\b(community|commercial|research|permissive|proprietary|open[- ]source) licen[cs]e\b|"
        r"\blicence (communautaire|commerciale|libre|permissive|propriétaire|open[- ]source)\b|"
        r"\b[A-Z][\w.]*( \d(\.\d)?)? (Community )?Licen[cs]e\b"
    ),
    # A rival named beside it: "competing models such as ...", not "the competitive landscape".
    "rival": re.compile(r"\b(competing|competitors?|concurrent(e|s|es)?|rivals?|rivaux)\b", re.I),
    # A language named ("in English and Spanish"), not the word "language" itself.
    "language": re.compile(
        r"\b(English|French|Spanish|German|Italian|Portuguese|Arabic|Chinese|Japanese|Hindi|"
        r"anglais|français|espagnol|allemand|italien|portugais|arabe|chinois|japonais)\b|"
        r"\b(\d+|" + _NUMBER_WORDS + r") (languages|langues)\b",
        re.I,
    ),
    "advice": re.compile(
        r"\b(buy|sell|hold|outperform|overweight|underweight) (rating|recommendation)|"
        r"\b(we|analysts) recommend|recommand\w* (l'achat|la vente|d'acheter|de vendre)",
        re.I,
    ),
    "ratio": re.compile(r"\d+([.,]\d+)?\s?(x|times|fois)\b|\bratio\b.{0,20}\d", re.I),
    "revenue": re.compile(_CURRENCY + r"|\d\s*(billion|million|milliards?|millions?|bn|m)\b", re.I),
    "date": re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b{_MONTHS}\b", re.I),
    "day": re.compile(rf"\b\d{{1,2}}(st|nd|rd|th|er)? {_MONTHS}\b|\b{_MONTHS} \d{{1,2}}\b", re.I),
    # Two capitalised words in a row that neither start a sentence nor end a bullet's title
    # ("Intelligent Smart Glasses: ..."): "Mark Zuckerberg".
    "person": re.compile(r"(?<=\S )(?<![.!?:] )[A-Z][a-zà-ÿ]+ [A-Z][a-zà-ÿ]+\b(?!\s*:)"),
}


# "le cours de l'action" asks its price, unless the question asks what moves it.
_QUOTE = re.compile(r"\bcours (de|du|des)\b")
_CAUSE = re.compile(r"(^|[^\w])(pourquoi|comment|qu'est-ce qu|qu'est ce qu|ce qui|grace a quoi)\b")
# "When the article talks about X, what does it mean?": a "when" clause, then the question.
_WHEN_CLAUSE = re.compile(
    r"(^|[^\w])(when|quand|lorsque)\b[^,?]*,\s*(?=(what|how|why|which|who|where|does|do|is|are|"
    r"can|could|would|should|qu|que|quoi|comment|pourquoi|est-ce|ca|c'est)\b)"
)
# "Combien de hausse ?", "combien de %", "how many percent" ask how much something changed,
# which a percentage answers.
_CHANGE_COUNT = re.compile(
    r"\b(combien d(e |')|how many )(%|pour ?cents?|percent|percentage points|points|hausse|"
    r"augmentation|croissance|progression|baisse|recul|gain)"
)
# How much something moved, which a figure answers (a percentage or an amount): "how much has
# Alphabet's stock risen?", "elle a pris combien ?".
_CHANGE_ASKED = re.compile(
    r"\bhow much (has|have|had|did|does|do|is|are|was|were) .{0,40}\b(rise|risen|rose|gain|"
    r"gained|grow|grown|grew|climb|climbed|jump|jumped|increase|increased|fall|fallen|fell|drop|"
    r"dropped|up|down)\b|"
    r"\b(pris|gagne|perdu|progresse|augmente|monte|grimpe|baisse|recule|chute)(-t-(il|elle))? "
    r"(de )?combien\b|\bde combien (\S+ ){0,5}(progresse|augmente|monte|grimpe|baisse|recule|chute|pris|"
    r"gagne|perdu)\b"
)
_FULLY = re.compile(r"\b100 ?(%|percent\b|per cent\b|pour ?cent\b)")
_PERCENTAGE = re.compile(r"(\d+(?:[.,]\d+)?)\s?(?:%|percent\b|per cent\b|pour ?cent\b)")


def asked_kinds(question: str) -> set[str]:
    """The kinds of fact `question` asks for (often none: "how", "why", "what does ... do")."""
    folded = fold(question).replace("’", "'")
    kinds = {kind for kind, pattern in _ASKS.items() if pattern.search(folded)}
    when_clause = "date" in kinds and _WHEN_CLAUSE.search(folded)
    if when_clause and not _ASKS["date"].search(_WHEN_CLAUSE.sub(" ", folded)):
        kinds.discard("date")
    if _QUOTE.search(folded) and not _CAUSE.search(folded):
        kinds.add("price")
    if any(float(n.replace(",", ".")) != 100 for n in _PERCENTAGE.findall(folded)):
        kinds.add("share")  # "15% or 30%?": the answer states one too; "100 % open" is "fully"
    # A claim quoted with its figure: "'Meta AI has 1 billion users'" ("100 %" is "fully").
    if any(re.search(r"\d", _FULLY.sub(" ", phrase)) for phrase in quoted(question)):
        kinds.add("figure")
    if "revenue" in kinds:
        kinds.discard("price")
    if _CHANGE_COUNT.search(folded):
        kinds = (kinds - {"count"}) | {"share"}
    elif _CHANGE_ASKED.search(folded) and not kinds & {"share", "revenue"}:
        kinds.add("figure")
    if "items" in kinds:
        kinds.discard("count")
    if "duration" in kinds:
        kinds.discard("count")  # "how many months" asks for months, not any number
    if "person" in kinds and ("rival" in kinds or _COMPARISON.search(folded)):
        kinds.discard("person")  # "who is it easier to get than?": a rival company or product
    return kinds


def asking_words(question: str, kind: str) -> set[str]:
    """The words of `question` that ask for a fact of `kind` ("rivals" in "who are its
    rivals?"), folded."""
    folded = fold(question).replace("’", "'")
    return {w for found in _ASKS[kind].finditer(folded) for w in re.findall(r"\w+", found[0])}


# A "who" about a rival or a comparison asks for a company or a product, not a person.
_COMPARISON = re.compile(r"\b(than|versus|vs)\b")


_ROLE = re.compile(
    r"\b(CEO|PDG|chief|founder|fondateur|fondatrice|president|président|présidente|director|"
    r"directeur|directrice|head|chef|boss|patron|dirigeant|executive)\s*$",
    re.I,
)


# Roles a question may ask the holder of, each in the words of either language (folded): "Who
# is Meta's CFO?" is not answered by "CEO Mark Zuckerberg".
_ROLES = tuple(
    re.compile(rf"\b({words})\b")
    for words in (
        r"ceo|chief exec\w*|pdg|p-dg|directeur general|directrice generale",
        r"cfo|chief financial officer|directeur financier|directrice financiere",
        r"coo|chief operating officer|directeur des operations|directrice des operations",
        r"cto|chief technology officer|directeur technique|directrice technique",
        r"founders?|co-?founders?|founded|fondateurs?|fondatrices?|co-?fondateurs?|fonde",
        r"chairman|chairwoman|chair of the board|president du conseil|presidente du conseil",
    )
)


_MEASURES = tuple(re.compile(rf"\b({words})\b") for words in _MEASURE_WORDS)


def _same_measures(question: str, text: str) -> bool:
    """Whether `text` names every measure `question` asks for."""
    asked, stated = (fold(t).replace("’", "'") for t in (question, text))
    return all(m.search(stated) for m in _MEASURES if m.search(asked))


def _same_role(question: str, text: str) -> bool:
    """Whether `text` names every role `question` asks the holder of (any, when it names none)."""
    asked, stated = fold(question), fold(text)
    return all(role.search(stated) for role in _ROLES if role.search(asked))


def _person(found: re.Match[str], text: str) -> bool:
    """Whether two capitalised words name a person: one of them is no everyday word (a
    surname: "Zuckerberg"), or a role precedes them ("CEO Tim Cook"); not "Reality Labs"."""
    if _ROLE.search(text[max(0, found.start() - 30) : found.start()]):
        return True
    return not all(is_common_word(word) for word in found.group(0).split())


# Kinds whose words say what the passage speaks of ("competing models", "the operating margin",
# "the Apache 2.0 licence"), not only the fact: the question using the same words does not
# make them its own.
_NAMING_KINDS = frozenset({"rival", "margin", "licence"})


def holds(text: str, kind: str, question: str = "") -> bool:
    """Whether `text` states a fact of that kind that `question` does not already state (a
    name the question gives is what it asks about, not its answer; `_NAMING_KINDS` aside)."""
    if kind == "measure":
        return _same_measures(question, text)
    asked = set(re.findall(r"\w+", fold(question)))
    return any(
        (kind in _NAMING_KINDS or not set(re.findall(r"\w+", fold(found.group(0)))) <= asked)
        and (kind != "person" or (_person(found, text) and _same_role(question, text)))
        for found in _HOLDS[kind].finditer(text)
    )
