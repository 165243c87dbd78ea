"""The briefing's "In the news": yfinance's `Ticker.news` against canned Yahoo answers, stored
for when Yahoo is away ("as of"), and the part a person reads."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

import requests

from briefings.market.news import NewsService
from briefings.news_present import with_news
from chat.reply import Context, Paragraph, Reply
from commands.services import Services
from tests.harness.yahoo import yahoo_offline

NCP = re.compile(r"https://finance\.yahoo\.com/xhr/ncp\?queryRef=latestNews.*")


def _item(n: int, title: str, published: str, ad: bool = False) -> dict:
    """One entry of Yahoo's news stream, in the shape it sends."""
    item = {
        "id": f"uuid-{n}",
        "content": {
            "id": f"uuid-{n}",
            "contentType": "STORY",
            "title": title,
            "summary": "…",
            "pubDate": published,
            "provider": {"displayName": "Reuters", "url": "http://www.reuters.com/"},
            "canonicalUrl": {
                "url": f"https://finance.yahoo.com/news/story-{n}.html",
                "site": "finance",
            },
            "clickThroughUrl": {"url": f"https://finance.yahoo.com/news/story-{n}.html"},
        },
    }
    if ad:
        item["ad"] = [{"id": "ad"}]
    return item


STREAM = {
    "data": {
        "tickerStream": {
            "stream": [
                _item(1, "Meta shares rise after Llama 4 launch", "2026-11-27T12:30:00Z"),
                _item(2, "Sponsored: trade now", "2026-11-27T12:00:00Z", ad=True),
                _item(3, "Meta AI passes a billion users", "2026-11-26T09:00:00Z"),
                _item(4, "Meta's capex plans weigh on the stock", "2026-11-25T16:45:00Z"),
                _item(5, "An old story", "2026-11-01T10:00:00Z"),
            ]
        }
    }
}


def test_fresh_headlines_then_stored_ones_as_of_when_yahoo_is_away(settings, tmp_path):
    moments = [dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)]
    services = Services(settings, clock=lambda: moments[-1])
    news = NewsService(services.database.ready, services.clock, 5, session=requests.Session())
    with yahoo_offline(tmp_path / "yf") as mock:
        mock.post(NCP, json=STREAM)
        fresh = asyncio.run(news.latest("META"))
        assert [h.title for h in fresh.headlines] == [
            "Meta shares rise after Llama 4 launch",  # the ad left out, the newest first
            "Meta AI passes a billion users",
            "Meta's capex plans weigh on the stock",
        ]
        assert fresh.as_of is None
        moments.append(moments[0] + dt.timedelta(hours=1))
    with yahoo_offline(tmp_path / "yf2") as mock:
        mock.post(NCP, body=requests.ConnectionError("down"))
        stored = asyncio.run(news.latest("META"))
    assert stored.as_of == moments[0]
    assert stored.headlines[0].url == "https://finance.yahoo.com/news/story-1.html"

    reply = Reply((Paragraph("figures"), Context("Data: Yahoo Finance")))
    shown = with_news(reply, stored, "en").plain_text()
    assert "In the news" in shown
    assert (
        "Meta shares rise after Llama 4 launch (Reuters, 27 Nov 2026 12:30 UTC) "
        "https://finance.yahoo.com/news/story-1.html"
    ) in shown
    assert "Headlines as of 27 Nov 2026 14:00 UTC (Yahoo Finance unavailable)." in shown
    assert shown.endswith("Data: Yahoo Finance")  # the small print stays last
    assert "Dans l’actualité" in with_news(reply, stored, "fr").plain_text()
    assert with_news(reply, None, "en") is reply


def test_no_headlines_for_briefings_from_price_files(settings):
    assert Services(settings).news is not None
    assert Services(settings, price_files={"META": Path("META.csv")}).news is None


def test_the_briefing_has_in_the_news_from_yahoo(settings, tmp_path):
    from tests.harness.chat import Chat
    from tests.harness.yahoo import FakeYahoo

    at = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in ("META", "QQQ", "GOOGL", "MSFT"):
            yahoo.set(symbol, "ok")
        mock.post(NCP, json=STREAM)
        reply = Chat(Services(settings, clock=lambda: at)).send("/meta brief --lang en")
    text = reply.plain_text()
    assert "In the news" in text
    assert "Meta shares rise after Llama 4 launch (Reuters, 27 Nov 2026 12:30 UTC)" in text
    assert "as of" not in text.split("In the news")[1].split("Data:")[0]  # fresh, not stored
    assert reply.data["news"][0]["title"] == "Meta shares rise after Llama 4 launch"


def test_the_weekly_digest_lists_the_weeks_headlines_and_the_briefing_todays(settings, tmp_path):
    from tests.harness.clock import FakeClock
    from tests.harness.delivery import deliveries, subscribe, utc
    from tests.harness.yahoo import FakeYahoo

    clock = FakeClock(utc(2026, 11, 30, 7, 31))  # Monday 08:31 in Paris
    services = Services(settings, clock=clock)
    subscribe(services, "weekly", "08:30", "Europe/Paris", cadence="weekly-mon")
    subscribe(services, "daily", "08:30", "Europe/Paris")
    with yahoo_offline(tmp_path / "yf") as mock:
        yahoo = FakeYahoo(mock)
        for symbol in ("META", "QQQ", "GOOGL", "MSFT"):
            yahoo.set(symbol, "ok")
        mock.post(NCP, json=STREAM)
        runner = deliveries(services, settings)
        asyncio.run(runner.deliver_due(clock.now))
    out = runner.ports["console"].stream.getvalue()
    posts = dict(re.findall(r"── post to #(\w+)(.*?)(?=── post to #|\Z)", out, re.S))
    digest, daily = posts["weekly"], posts["daily"]
    assert "In the news" in digest and "In the news" in daily
    for title in ("Llama 4 launch", "a billion users", "capex plans"):  # the week's three
        assert title in digest
    assert "Llama 4 launch" in daily  # the last three days' only
    assert "a billion users" not in daily and "capex plans" not in daily
    assert "An old story" not in digest
