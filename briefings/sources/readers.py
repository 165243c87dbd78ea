"""Read what a source gave: an RSS or Atom feed (feedparser), a web page's main text and metadata
(trafilatura, boilerplate dropped) or a PDF's text (pypdf), as plain documents. Parsing is
CPU work: callers run these in a thread."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field

from briefings.sources.fetch import Fetched
from briefings.sources.safety import FetchRefused
from briefings.sources.urls import canonical_url

log = logging.getLogger(__name__)
KINDS = ("feed", "page", "pdf")
MIN_TEXT_CHARS = 200  # less main text than this: a paywall, a cookie wall or an index page
PASSAGE_MIN_CHARS = 200
PASSAGE_MAX_CHARS = 1200
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_XML_TYPES = ("application/xml", "text/xml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_HTML_ROOT = re.compile(rb"<(!doctype html|html)[\s>]", re.I)
_LANG_ATTR = re.compile(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", re.I)


@dataclass(frozen=True)
class Document:
    """One article as read: where it is, its metadata and its text cut into passages."""

    url: str
    canonical_url: str
    title: str
    date: dt.date | None
    language: str
    passages: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One item of a feed: its link, title, date and the summary it carries."""

    link: str
    title: str
    date: dt.date | None
    summary: str = ""


@dataclass(frozen=True)
class Feed:
    title: str
    entries: tuple[Entry, ...] = field(default=())


def detect_kind(fetched: Fetched) -> str:
    """feed, page or pdf from the content type and the first bytes; refused otherwise."""
    head = fetched.body[:2048].lstrip()
    kind = fetched.content_type
    if kind == "application/pdf" or head.startswith(b"%PDF-"):
        return "pdf"
    if kind in _FEED_TYPES or (
        (kind in _XML_TYPES or not kind or kind == "text/plain") and _FEED_ROOT.search(head)
    ):
        return "feed"
    if kind in _HTML_TYPES or _HTML_ROOT.search(head):
        return "page"
    raise FetchRefused("src_not_text", type=kind or "unknown")


def read_feed(fetched: Fetched) -> Feed:
    """The feed's title and entries (relative links resolved, duplicate GUIDs once)."""
    import feedparser

    head = fetched.body[:2048].lstrip()
    if fetched.content_type in _HTML_TYPES or (
        _HTML_ROOT.search(head) and not _FEED_ROOT.search(head)
    ):
        raise FetchRefused("src_not_feed")
    parsed = feedparser.parse(
        fetched.body,
        response_headers={
            "content-location": fetched.url,
            "content-type": fetched.content_type or "application/xml",
        },
        sanitize_html=True,
    )
    if not parsed.entries and not parsed.feed.get("title"):
        raise FetchRefused("src_bad_feed")
    seen: set[str] = set()
    entries = []
    for item in parsed.entries:
        link = item.get("link") or ""
        key = item.get("id") or link
        if not link.startswith(("http://", "https://")) or key in seen:
            continue
        seen.add(key)
        when = item.get("published_parsed") or item.get("updated_parsed")
        date = dt.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None
        summary = _html_text(item.get("summary") or "")
        entries.append(Entry(link, _clean(item.get("title") or ""), date, summary))
    if not entries and parsed.bozo:
        raise FetchRefused("src_bad_feed")  # malformed XML that yielded nothing to read
    return Feed(_clean(parsed.feed.get("title") or ""), tuple(entries))


def read_page(fetched: Fetched) -> Document:
    """The page's main text, title, date and language; refused when there is no main text."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        fetched.body, url=fetched.url, with_metadata=True, include_comments=False, fast=True
    )
    if not isinstance(extracted, trafilatura.settings.Document):
        raise FetchRefused("src_no_text")
    text = extracted.text or ""
    if len(text) < MIN_TEXT_CHARS:
        raise FetchRefused("src_no_text")
    title = _clean(extracted.title or "") or fetched.url
    date = _date(extracted.date)
    canonical = extracted.url if extracted.url and extracted.url.startswith("http") else None
    lang_attr = _LANG_ATTR.search(fetched.body[:4096])
    language = lang_attr.group(1).decode().lower() if lang_attr else _language(text)
    return _document(fetched.url, canonical, title, date, language, text)


def read_pdf(fetched: Fetched) -> Document:
    """A PDF's text, its title (metadata, else the first line) and date; refused when empty."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(fetched.body))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        log.info("sources: unreadable PDF at %s: %s", fetched.url, type(error).__name__)
        raise FetchRefused("src_bad_pdf") from None
    text = "\n\n".join(pages).strip()
    if len(text) < MIN_TEXT_CHARS:
        raise FetchRefused("src_no_text")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = _clean((meta.title if meta else None) or "") or first_line[:120]
    created = meta.creation_date if meta else None
    date = created.date() if isinstance(created, dt.datetime) else None
    return _document(fetched.url, None, title, date, _language(text), text, pdf=True)


def entry_document(entry: Entry, language_hint: str = "") -> Document | None:
    """A feed entry read from its own summary (when its page cannot be read), or None."""
    if len(entry.summary) < MIN_TEXT_CHARS:
        return None
    lang = language_hint or _language(entry.summary)
    return _document(entry.link, None, entry.title or entry.link, entry.date, lang, entry.summary)


def cut_passages(text: str, title: str = "", pdf: bool = False) -> tuple[str, ...]:
    """Paragraphs of `text` (a heading equal to the title dropped), short ones joined to the
    next, long ones cut at sentences."""
    separator = r"\n\s*\n" if pdf else r"\n"
    raw = [" ".join(p.split()) for p in re.split(separator, text)]
    paragraphs = [p for p in raw if p and p != title.strip()]
    passages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        for piece in _split_long(paragraph):
            current = f"{current} {piece}".strip() if current else piece
            if len(current) >= PASSAGE_MIN_CHARS:
                passages.append(current)
                current = ""
    if current:
        if passages and len(passages[-1]) + len(current) < PASSAGE_MAX_CHARS:
            passages[-1] = f"{passages[-1]} {current}"
        else:
            passages.append(current)
    return tuple(passages)


def _split_long(paragraph: str) -> list[str]:
    if len(paragraph) <= PASSAGE_MAX_CHARS:
        return [paragraph]
    pieces, current = [], ""
    for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
        if current and len(current) + len(sentence) > PASSAGE_MAX_CHARS:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def _document(
    url: str,
    canonical: str | None,
    title: str,
    date: dt.date | None,
    language: str,
    text: str,
    pdf: bool = False,
) -> Document:
    passages = cut_passages(text, title, pdf)
    if not passages:
        raise FetchRefused("src_no_text")
    shown = canonical_url(url)  # the link cited: without tracking parameters
    return Document(shown, canonical_url(canonical or url), title, date, language, passages)


def _language(text: str) -> str:
    from briefings.knowledge.language import detect_language

    return detect_language(text[:2000], default="en")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _clean(text: str) -> str:
    return " ".join(_html_text(text).split())


def _html_text(text: str) -> str:
    """Text of a bit of HTML (a feed's summary): tags dropped, entities decoded."""
    import html

    if "<" in text:
        text = re.sub(r"<(br|/p|/div|/li|/h\d)\s*/?>", "\n", text, flags=re.I)
        text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text).strip()
