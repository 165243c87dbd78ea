"""What the bot says about its sources: feeds, pages and PDFs added at run time, and why one
could not be fetched (one line each)."""

from __future__ import annotations

SOURCES: dict[str, dict[str, str]] = {
    # refusals and failures: one line each
    "src_bad_url": {
        "en": "“{url}” is not a web address I can read; give a full http(s) URL.",
        "fr": "« {url} » n’est pas une adresse web que je peux lire ; donnez une URL http(s) complète.",
    },
    "src_bad_scheme": {
        "en": "I only fetch http and https addresses, not {scheme}.",
        "fr": "Je ne lis que les adresses http et https, pas {scheme}.",
    },
    "src_private": {
        "en": "I don't fetch {host}: it is a {kind} address (SOURCES_ALLOW_PRIVATE allows private ones).",
        "fr": "Je ne lis pas {host} : c’est une adresse {kind} (SOURCES_ALLOW_PRIVATE autorise les adresses privées).",
    },
    "src_addr_loopback": {"en": "loopback", "fr": "de bouclage (loopback)"},
    "src_addr_private": {"en": "private", "fr": "privée"},
    "src_addr_link_local": {"en": "link-local", "fr": "de lien local"},
    "src_addr_multicast": {"en": "multicast", "fr": "multicast"},
    "src_addr_metadata": {"en": "cloud metadata", "fr": "de métadonnées cloud"},
    "src_addr_unspecified": {"en": "unspecified", "fr": "non spécifiée"},
    "src_timeout": {
        "en": "The site did not answer within {seconds} s.",
        "fr": "Le site n’a pas répondu en {seconds} s.",
    },
    "src_redirect_loop": {
        "en": "The address redirects in a loop.",
        "fr": "L’adresse redirige en boucle.",
    },
    "src_too_many_redirects": {
        "en": "The address redirects more than {limit} times.",
        "fr": "L’adresse redirige plus de {limit} fois.",
    },
    "src_http_status": {
        "en": "The site answered with HTTP error {status}.",
        "fr": "Le site a répondu par l’erreur HTTP {status}.",
    },
    "src_unreachable": {
        "en": "I could not reach {host}.",
        "fr": "Je n’ai pas pu joindre {host}.",
    },
    "src_too_big": {
        "en": "The document is larger than {limit} (SOURCES_MAX_BYTES).",
        "fr": "Le document dépasse {limit} (SOURCES_MAX_BYTES).",
    },
    "src_not_text": {
        "en": "The address gives {type}, not a feed, a web page or a PDF.",
        "fr": "L’adresse renvoie {type}, pas un flux, une page web ni un PDF.",
    },
    "src_not_feed": {
        "en": "The address gives a web page, not an RSS or Atom feed (try `--kind page`).",
        "fr": "L’adresse renvoie une page web, pas un flux RSS ou Atom (essayez `--kind page`).",
    },
    "src_bad_feed": {
        "en": "The feed is not valid RSS or Atom.",
        "fr": "Le flux n’est pas un RSS ou Atom valide.",
    },
    "src_no_text": {
        "en": "The page has no article text I can read (a paywall or an index page?).",
        "fr": "La page n’a pas de texte d’article lisible (un mur payant ou une page d’index ?).",
    },
    "src_bad_pdf": {
        "en": "The PDF cannot be read.",
        "fr": "Le PDF est illisible.",
    },
    "src_no_articles": {
        "en": "The feed has no article I can read.",
        "fr": "Le flux n’a aucun article lisible.",
    },
    "src_wrong_kind": {
        "en": "The address gives a {found}, not a {expected}.",
        "fr": "L’adresse renvoie un {found}, pas un {expected}.",
    },
    "src_bad_kind": {
        "en": "The kind must be feed, page or pdf.",
        "fr": "Le type doit être feed, page ou pdf.",
    },
    "src_duplicate": {
        "en": "This source is already there (#{id}).",
        "fr": "Cette source est déjà là (n° {id}).",
    },
    "src_unknown": {
        "en": "There is no source “{source}”; see `/meta sources`.",
        "fr": "Il n’y a pas de source « {source} » ; voir `/meta sources`.",
    },
    "src_add_needs_url": {
        "en": "Give the address after `add`, e.g. `/meta sources add https://example.com/feed.xml`.",
        "fr": "Donnez l’adresse après `add`, par exemple `/meta sources add https://example.com/feed.xml`.",
    },
    "src_remove_needs_id": {
        "en": "Give the source's number after `remove` (see `/meta sources`).",
        "fr": "Donnez le numéro de la source après `remove` (voir `/meta sources`).",
    },
    "src_unknown_action": {
        "en": "`/meta sources` lists the sources; `add URL` and `remove ID` change them.",
        "fr": "`/meta sources` liste les sources ; `add URL` et `remove ID` les modifient.",
    },
    # confirmations and listings
    "src_added": {
        "en": "Added source #{id}: {title} ({kind}, {articles} articles).",
        "fr": "Source n° {id} ajoutée : {title} ({kind}, {articles} articles).",
    },
    "src_removed": {
        "en": "Removed source #{id}: {title}.",
        "fr": "Source n° {id} retirée : {title}.",
    },
    "src_list_title": {"en": "Sources", "fr": "Sources"},
    "src_list_item": {
        "en": "#{id} {title} ({kind}, {articles} articles) {url}",
        "fr": "n° {id} {title} ({kind}, {articles} articles) {url}",
    },
    "src_list_error": {
        "en": "#{id}: last refresh failed: {error}",
        "fr": "n° {id} : la dernière mise à jour a échoué : {error}",
    },
    "src_none": {
        "en": "No sources yet: the shipped articles only. `/meta sources add URL` adds one.",
        "fr": "Aucune source pour l’instant : les articles fournis seulement. `/meta sources add URL` en ajoute une.",
    },
    "src_refreshed": {
        "en": "Refreshed: {added} added, {updated} updated, {unchanged} unchanged, {failed} failed.",
        "fr": "Mise à jour : {added} ajoutés, {updated} modifiés, {unchanged} inchangés, {failed} en échec.",
    },
    "src_refresh_failed": {
        "en": "{url}: {reason}",
        "fr": "{url} : {reason}",
    },
    "summary_sources": {
        "en": "the feeds, pages and PDFs the answers come from; add or remove one",
        "fr": "les flux, pages et PDF d’où viennent les réponses ; en ajouter ou retirer",
    },
    # citations
    "article_in": {
        "en": "Article in {language}.",
        "fr": "Article en {language}.",
    },
    "source_link": {
        "en": "Source: {article}, {date}, {url}",
        "fr": "Source : {article}, {date}, {url}",
    },
    # the briefing's "In the news"
    "news_title": {"en": "In the news", "fr": "Dans l’actualité"},
    "news_item": {
        "en": "{title} ({publisher}, {time}) {url}",
        "fr": "{title} ({publisher}, {time}) {url}",
    },
    "news_as_of": {
        "en": "Headlines as of {time} (Yahoo Finance unavailable).",
        "fr": "Titres au {time} (Yahoo Finance indisponible).",
    },
}
