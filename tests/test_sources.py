"""Sources against a loopback news site: safe fetching, the readers, storage and deduplication,
refreshes, and answers cited with title, date and link."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from briefings.sources.safety import FetchRefused
from briefings.sources.urls import canonical_url
from briefings.storage.tables import web_articles, web_passages
from commands.services import Services
from config import load_settings
from tests.harness.chat import Chat
from tests.harness.web_sources import WebSources, article_html

NOW = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def yahoo(tmp_path):  # type: ignore[no-untyped-def]
    """Yahoo answered by a mock (nothing registered: refused), never reached: a refresh reads
    the company's headlines when prices come from Yahoo."""
    from tests.harness.yahoo import yahoo_offline

    with yahoo_offline(tmp_path / "yf") as mock:
        yield mock


@pytest.fixture
def site() -> Iterator[WebSources]:
    server = WebSources()
    yield server
    server.close()


def _services(**settings: object) -> Services:
    return Services(load_settings(**settings), clock=lambda: NOW)


@pytest.fixture
def services(isolated_env) -> Services:
    return _services(sources_allow_private="yes")


def _refusal(coroutine) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(FetchRefused) as refused:
        asyncio.run(coroutine)
    return str(refused.value)


# ---- safety ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://127.0.0.1:9/feed", "I don't fetch 127.0.0.1: it is a loopback address"),
        ("http://localhost:9/feed", "I don't fetch localhost: it is a loopback address"),
        ("http://10.0.0.7/feed", "it is a private address"),
        ("http://192.168.1.1/", "it is a private address"),
        ("http://[::1]:9/", "it is a loopback address"),
        ("http://[::ffff:10.0.0.1]/", "it is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "it is a cloud metadata address"),
        ("http://224.0.0.1/", "it is a multicast address"),
        ("http://0.0.0.0/", "it is a unspecified address"),
        ("file:///etc/passwd", "I only fetch http and https addresses, not file."),
        ("ftp://example.com/a", "not ftp."),
        ("not a url", "not none."),
        ("http:///nohost", "is not a web address I can read"),
    ],
)
def test_private_and_odd_addresses_are_refused_by_default(isolated_env, url, expected):
    services = _services()
    assert expected in _refusal(services.sources.add(url))
    assert asyncio.run(services.sources.list()) == []


def test_allow_private_lets_the_loopback_site_through_but_never_metadata(services, site):
    added = asyncio.run(services.sources.add(site.url("/articles/llama-4")))
    assert added.source.kind == "page"
    # a redirect is checked like the first address: metadata, and other schemes, stay refused
    assert "cloud metadata address" in _refusal(services.sources.add(site.url("/to-metadata")))
    assert "not ftp." in _refusal(services.sources.add(site.url("/to-ftp")))
    assert "169.254.169.254" in _refusal(services.sources.add("http://169.254.169.254/"))


def test_without_allow_private_a_name_resolving_to_loopback_is_refused_at_connect(
    isolated_env, site
):
    services = _services()
    # the host name passes the first check; the resolver refuses the address it resolves to
    url = site.url("/rss.xml").replace("127.0.0.1", "localhost")
    assert "I don't fetch localhost: it is a loopback address" in _refusal(
        services.sources.add(url)
    )
    assert not [path for path, _ in site.requests]  # nothing reached the site


@pytest.mark.parametrize(
    "path, kind, expected",
    [
        ("/nowhere", None, "The site answered with HTTP error 404."),
        ("/500", None, "The site answered with HTTP error 500."),
        ("/loop-a", None, "The address redirects in a loop."),
        ("/bad.xml", None, "The feed is not valid RSS or Atom."),
        ("/articles/capex", "feed", "gives a web page, not an RSS or Atom feed"),
        ("/image.png", None, "The address gives image/png, not a feed, a web page or a PDF."),
        ("/huge", None, "The document is larger than 5 MB (SOURCES_MAX_BYTES)."),
        ("/paywall", None, "The page has no article text I can read"),
        ("/rss.xml", "pdf", "The address gives a feed, not a pdf."),
    ],
)
def test_bad_sources_are_one_line_and_store_nothing(services, site, path, kind, expected):
    assert expected in _refusal(services.sources.add(site.url(path), kind))
    assert asyncio.run(services.sources.list()) == []
    with services.database.ready().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_articles)).scalar() == 0


def test_an_unreachable_host_is_one_line(services):
    assert "I could not reach 127.0.0.1." in _refusal(services.sources.add("http://127.0.0.1:9/"))


def test_refusals_are_worded_in_french_too(isolated_env):
    with pytest.raises(FetchRefused) as refused:
        asyncio.run(_services().sources.add("http://10.0.0.7/"))
    assert refused.value.in_lang("fr").startswith(
        "Je ne lis pas 10.0.0.7 : c’est une adresse privée"
    )


# ---- readers and storage -----------------------------------------------------------------


def test_tracking_parameters_fragments_and_case_do_not_make_another_article():
    a = canonical_url("HTTPS://News.Example.com:443/a?utm_source=x&id=3&fbclid=z#top")
    assert a == canonical_url("https://news.example.com/a?id=3")
    assert a != canonical_url("https://news.example.com/a?id=4")


def test_rss_feed_with_quirks_is_read_and_its_entries_fetched(services, site):
    added = asyncio.run(services.sources.add(site.url("/rss.xml")))
    assert added.as_json() == {
        "id": 1,
        "url": site.url("/rss.xml"),
        "kind": "feed",
        "title": "Example News & Views: Tech",  # an entity decoded
        "articles": 3,  # the duplicate GUID (and same page with other tracking) counted once
    }
    articles = {a.title: a for a in services.source_store.articles()}
    llama = articles["Meta releases Llama 4 with a mixture-of-experts design"]  # CDATA, tags gone
    assert llama.url == site.url("/articles/llama-4")  # relative link, tracking dropped
    assert llama.published == dt.date(2026, 11, 18)
    assert llama.language == "en"
    text = " ".join(llama.passages)
    assert "1.2 billion times" in text
    assert "Privacy" not in text and "Most read" not in text  # navigation and footer dropped
    # an odd date falls back on the page's own; a page that is gone on the entry's summary
    assert articles["Meta AI reaches a billion monthly users"].published == dt.date(2026, 11, 20)
    gone = articles["A story whose page is gone"]
    assert "Reality Labs lost 4.4 billion" in gone.passages[0]
    assert gone.published == NOW.date()  # no date anywhere: the day it was read


def test_the_same_article_from_two_feeds_is_one_article(services, site):
    asyncio.run(services.sources.add(site.url("/rss.xml")))
    atom = asyncio.run(services.sources.add(site.url("/atom.xml")))
    assert atom.source.title == "Markets & Money"
    assert (atom.counts.added, atom.counts.unchanged) == (1, 1)
    titles = [a.title for a in services.source_store.articles()]
    assert titles.count("Meta AI reaches a billion monthly users") == 1
    capex = next(a for a in services.source_store.articles() if "capex" in a.url)
    assert capex.language == "fr" and capex.published == dt.date(2026, 10, 30)
    # removing one feed keeps the article the other still reaches (by URL, as spelled anyhow)
    spelled = site.url("/atom.xml?utm_source=chat").replace("http://", "HTTP://")
    asyncio.run(services.sources.remove(spelled))
    titles = [a.title for a in services.source_store.articles()]
    assert "Meta AI reaches a billion monthly users" in titles
    assert not any("capex" in a.url for a in services.source_store.articles())


def test_a_pdf_is_read_with_its_title_and_date(services, site):
    added = asyncio.run(services.sources.add(site.url("/annual-letter.pdf")))
    assert (added.source.kind, added.source.title) == ("pdf", "Letter to shareholders 2026")
    (letter,) = services.source_store.articles()
    assert letter.published == dt.date(2026, 11, 15)
    assert "3.5 billion" in " ".join(letter.passages)


def test_a_duplicate_add_is_refused(services, site):
    asyncio.run(services.sources.add(site.url("/rss.xml")))
    assert _refusal(services.sources.add(site.url("/rss.xml") + "?utm_source=x")) == (
        "This source is already there (#1)."
    )


def test_refresh_is_idempotent_uses_etags_and_replaces_updated_pages(services, site):
    asyncio.run(services.sources.add(site.url("/rss.xml")))
    asyncio.run(services.sources.add(site.url("/articles/capex")))
    first = asyncio.run(services.sources.refresh()).as_json()
    assert first == {"added": 0, "updated": 0, "unchanged": 4, "failed": []}
    conditional = [etag for path, etag in site.requests if path == "/rss.xml"]
    assert conditional[0] == "" and conditional[-1].startswith('"')  # If-None-Match sent
    changed = article_html("capex").replace("70 et 72", "75 et 78")
    site.pages["/articles/capex"] = ("text/html", changed.encode())
    second = asyncio.run(services.sources.refresh()).as_json()
    assert second == {"added": 0, "updated": 1, "unchanged": 3, "failed": []}
    capex = next(a for a in services.source_store.articles() if "capex" in a.url)
    assert "75 et 78" in " ".join(capex.passages)
    with services.database.ready().connect() as conn:
        texts = [r.text for r in conn.execute(sa.select(web_passages.c.text))]
    assert not any("70 et 72" in t for t in texts)  # the old passages replaced, not added


def test_a_failed_refresh_keeps_the_last_good_content_and_records_the_error(services, site):
    asyncio.run(services.sources.add(site.url("/articles/llama-4")))
    site.broken.add("/articles/llama-4")
    report = asyncio.run(services.sources.refresh()).as_json()
    assert report["failed"] == [
        {"url": site.url("/articles/llama-4"), "reason": "The site answered with HTTP error 500."}
    ]
    (source,) = asyncio.run(services.sources.list())
    assert source.last_error == "The site answered with HTTP error 500."
    assert source.articles == 1 and services.source_store.articles()[0].passages
    site.broken.clear()
    asyncio.run(services.sources.refresh())
    assert asyncio.run(services.sources.list())[0].last_error is None


# ---- answers and chat ----------------------------------------------------------------------


def test_a_new_article_is_answered_with_title_date_and_link(services, site):
    chat = Chat(services)
    before = chat.send("/meta ask How many times has Llama been downloaded? --lang en")
    assert not before.data["answered"]
    asyncio.run(services.sources.add(site.url("/rss.xml")))
    reply = chat.send("/meta ask How many times has Llama been downloaded? --lang en")
    assert "1.2 billion times" in reply.data["answer"]
    assert reply.data["sources"][0] == {
        "article": "Meta releases Llama 4 with a mixture-of-experts design",
        "section": "Meta releases Llama 4 with a mixture-of-experts design",
        "url": site.url("/articles/llama-4"),
        "date": "2026-11-18",
    }
    assert (
        "Source: Meta releases Llama 4 with a mixture-of-experts design, 18 Nov 2026, "
        + site.url("/articles/llama-4")
    ) in reply.plain_text()


def test_another_replica_sees_new_articles_without_a_restart(services, site):
    other = _services(sources_allow_private="yes")  # the same database, another process
    assert other.knowledge.version == services.knowledge.version
    asyncio.run(services.sources.add(site.url("/articles/capex")))
    assert other.live_knowledge.reload()  # what the replicas' poll does
    assert any(a.url.endswith("/articles/capex") for a in other.knowledge.articles)
    assert not other.live_knowledge.reload()  # nothing new: nothing rebuilt


def test_an_answer_from_an_article_in_another_language_says_so(services, site):
    asyncio.run(services.sources.add(site.url("/articles/capex")))
    reply = Chat(services).send(
        "/meta ask Combien de dépenses d'investissement Meta prévoit-il cette année ? --lang en"
    )
    assert "70 et 72 milliards" in reply.data["answer"]
    assert "Article in French." in reply.plain_text()


def test_chat_lists_adds_and_removes_sources_with_the_subscription_rule(services, site):
    chat = Chat(services)
    assert "No sources yet" in chat.say("/meta sources")
    refused = chat.send(f"/meta sources add {site.url('/rss.xml')}", can_manage_channel=False)
    assert not refused.ok and asyncio.run(services.sources.list()) == []
    added = chat.say(f"/meta sources add <{site.url('/annual-letter.pdf')}>")
    assert "Added source #1: Letter to shareholders 2026 (pdf, 1 articles)." in added
    listing = chat.say("/meta sources")
    assert "#1 Letter to shareholders 2026 (pdf, 1 articles)" in listing
    assert "n° 1 Letter to shareholders 2026" in chat.say("/meta sources --lang fr")
    assert "Il n’y a pas de source « 7 »" in chat.say("/meta sources remove 7 --lang fr")
    assert "Removed source #1" in chat.say("/meta sources remove 1")
    assert "page web, pas un flux" in chat.say(
        f"/meta sources add {site.url('/articles/llama-4')} --kind feed --lang fr"
    )


# ---- the scheduled jobs ----------------------------------------------------------------------


async def test_sources_at_start_then_refreshes_on_the_leader_only(isolated_env, site):
    from scheduling.leader import LeaderLock
    from scheduling.sources import SourcesJobs

    services = _services(
        sources_allow_private="yes",
        sources=f"{site.url('/articles/llama-4')}, {site.url('/nowhere')}",
    )
    jobs = SourcesJobs(services, LeaderLock(services.database.ready()))
    await jobs.add_initial()
    await jobs.add_initial()  # at the next start: nothing added twice
    assert [s.url for s in await services.sources.list()] == [site.url("/articles/llama-4")]
    assert await jobs.refresh_if_leader()
    jobs.leader.is_leader = False  # another replica holds the lock
    assert not await jobs.refresh_if_leader()
    assert jobs.refreshes == 1


def test_insights_from_a_source_cite_title_date_and_link(services, site):
    asyncio.run(services.sources.add(site.url("/articles/meta-ai-reach")))
    chat = Chat(services)
    count = len(services.knowledge.insights())
    replies = [chat.send("/meta insight --lang en") for _ in range(count)]  # a fair rotation
    (fresh,) = [r for r in replies if r.data["url"]]
    assert fresh.data["date"] == "2026-11-20"
    assert (
        "Source: Meta AI reaches a billion monthly users, 20 Nov 2026, "
        + site.url("/articles/meta-ai-reach")
    ) in fresh.plain_text()


def test_the_insight_of_the_day_prefers_articles_from_the_last_30_days(services, site):
    from chat.request import Origin
    from commands.brief import insight_of_the_day

    asyncio.run(services.sources.add(site.url("/articles/meta-ai-reach")))  # 7 days old
    asyncio.run(services.sources.add(site.url("/articles/capex")))  # 28 days old
    origin = Origin("console", "local", "C1", "U1")
    days = [dt.date(2026, 11, 24) + dt.timedelta(days=n) for n in range(6)]
    shown = {insight_of_the_day(services, origin, day).article_id for day in days}
    assert shown == {"web-1", "web-2"}  # never the 2024 article while fresh ones exist
    later = insight_of_the_day(services, origin, dt.date(2026, 12, 15))  # capex 46 days old
    assert later.article_id == "web-1"


@pytest.mark.postgres
def test_sources_on_postgres_across_two_replicas(postgres_url, site):
    one, two = _services(sources_allow_private="yes"), _services(sources_allow_private="yes")
    assert one.knowledge.version == two.knowledge.version  # both running, nothing stored yet
    asyncio.run(one.sources.add(site.url("/rss.xml")))
    asyncio.run(one.sources.add(site.url("/atom.xml")))
    assert two.live_knowledge.reload()
    assert sum(a.id.startswith("web-") for a in two.knowledge.articles) == 4
    assert asyncio.run(two.sources.refresh()).as_json()["unchanged"] == 5
    asyncio.run(two.sources.remove("1"))
    assert one.live_knowledge.reload()
    assert sum(a.id.startswith("web-") for a in one.knowledge.articles) == 2


def test_the_companys_headlines_are_read_as_articles_and_cited(services, site, yahoo):
    import re

    from tests.test_news import _item

    stream = {
        "data": {
            "tickerStream": {
                "stream": [
                    _item(1, "Llama 4 is out", (NOW - dt.timedelta(hours=3)).isoformat()),
                    _item(2, "Meta AI's reach", (NOW - dt.timedelta(days=1)).isoformat()),
                    _item(3, "Subscribe to read", (NOW - dt.timedelta(days=2)).isoformat()),
                ]
            }
        }
    }
    pages = ["/articles/llama-4", "/articles/meta-ai-reach", "/paywall"]
    for item, path in zip(stream["data"]["tickerStream"]["stream"], pages, strict=True):
        item["content"]["canonicalUrl"]["url"] = site.url(path)
        item["content"]["clickThroughUrl"]["url"] = site.url(path)
    chat = Chat(services)
    yahoo.post(re.compile(r"https://finance\.yahoo\.com/xhr/ncp.*"), json=stream)
    report = asyncio.run(services.sources.refresh())
    assert (report.added, report.failed) == (2, [])  # the paywall page has no main text
    again = asyncio.run(services.sources.refresh())
    assert (again.added, again.updated) == (0, 0)  # read once
    (news,) = asyncio.run(services.sources.list())
    assert (news.kind, news.title, news.articles) == ("news", "META news (Yahoo Finance)", 2)
    reply = chat.send("/meta ask How many times has Llama been downloaded? --lang en")
    assert "1.2 billion times" in reply.data["answer"]
    assert reply.data["sources"][0]["article"] == "Llama 4 is out"  # the headline's words
    assert reply.data["sources"][0]["url"] == site.url("/articles/llama-4")
