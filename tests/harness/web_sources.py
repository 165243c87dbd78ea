"""A loopback web site shaped like real news sources: an RSS 2.0 and an Atom feed with the quirks
real feeds have (CDATA, HTML entities, missing and odd dates, relative links, duplicate GUIDs,
tracking parameters), article pages wrapped in navigation and footers, a small PDF, and the
failure cases (404, 500, redirect loops, malformed XML, HTML where a feed was expected, an image,
a huge page, a paywall). Pages can be changed or broken by a test (`site.pages`, `site.broken`)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from tests.harness.threaded import ThreadedServer

NAV = """<header><nav><a href="/">Home</a> | <a href="/tech">Tech</a> | <a href="/markets">Markets</a>
| <a href="/subscribe">Subscribe</a> | <a href="/login">Log in</a></nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Ten gadgets for the holidays</a></li>
<li><a href="/y">Why rates matter</a></li></ul></aside>"""
FOOTER = """<footer><p>© 2026 Example Media Group. All rights reserved.</p><p><a href="/privacy">Privacy
policy</a> · <a href="/terms">Terms of use</a> · <a href="/cookies">Cookie settings</a></p>
<p>Sign up for our newsletter to get the day's top stories in your inbox every morning.</p></footer>"""

ARTICLES = {
    "llama-4": (
        "en",
        "Meta releases Llama 4 with a mixture-of-experts design",
        "2026-11-18",
        [
            "Meta released Llama 4 on Tuesday, the newest generation of its open-weight language "
            "models, built on a mixture-of-experts design that activates only part of the network "
            "for each token.",
            "The largest model, called Llama 4 Behemoth, has nearly two trillion parameters and was "
            "used to teach the smaller Scout and Maverick models, which developers can download.",
            "Meta said Llama models have now been downloaded more than 1.2 billion times, and that "
            "hundreds of companies run them in production for customer service and coding.",
        ],
    ),
    "meta-ai-reach": (
        "en",
        "Meta AI reaches a billion monthly users",
        "2026-11-20",
        [
            "Meta AI, the assistant built into WhatsApp, Instagram, Facebook and Messenger, now has "
            "more than one billion monthly active users, chief executive Mark Zuckerberg said.",
            "The assistant runs on Llama models and answers questions, writes messages and creates "
            "images inside the apps, and a standalone Meta AI app launched in the spring.",
            "Analysts expect the company to start selling advertising inside the assistant in the "
            "coming year, which could become a new source of revenue for the group.",
        ],
    ),
    "capex": (
        "fr",
        "Meta relève ses dépenses d’investissement pour l’IA",
        "2026-10-30",
        [
            "Meta prévoit des dépenses d’investissement comprises entre 70 et 72 milliards de "
            "dollars cette année, principalement pour des centres de données et des serveurs "
            "destinés à l’intelligence artificielle.",
            "Le groupe a indiqué que ces dépenses augmenteraient encore nettement l’an prochain, "
            "ce qui a fait reculer l’action de plusieurs pour cent après la publication des "
            "résultats trimestriels.",
            "Les analystes s’interrogent sur le retour de ces investissements, même si la "
            "publicité ciblée par l’IA continue de soutenir la croissance du chiffre d’affaires.",
        ],
    ),
}


def article_html(slug: str, canonical: str = "") -> str:
    lang, title, date, paragraphs = ARTICLES[slug]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | '
        f'Example News</title><meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{date}T09:00:00Z">{link}</head>'
        f"<body>{NAV}<main><article><h1>{title}</h1><p class=byline>By A. Reporter</p>{body}"
        f"</article></main>{FOOTER}</body></html>"
    )


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Example News &amp; Views: Tech</title>
  <link>{base}/</link>
  <description><![CDATA[The <b>latest</b> in tech]]></description>
  <item>
    <title><![CDATA[Meta releases Llama 4 with a <i>mixture-of-experts</i> design]]></title>
    <link>/articles/llama-4?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">item-1</guid>
    <pubDate>Tue, 18 Nov 2026 09:00:00 GMT</pubDate>
    <description>Meta&#8217;s newest models &hellip;</description>
  </item>
  <item>
    <title>Meta AI reaches a billion monthly users</title>
    <link>{base}/articles/meta-ai-reach</link>
    <guid>item-2</guid>
    <pubDate>20/11/2026</pubDate>
  </item>
  <item>
    <title>Meta releases Llama 4 (updated)</title>
    <link>/articles/llama-4?utm_campaign=x</link>
    <guid isPermaLink="false">item-1</guid>
  </item>
  <item>
    <title>A story whose page is gone</title>
    <link>/articles/gone</link>
    <guid>item-3</guid>
    <description><![CDATA[<p>Reality Labs lost 4.4 billion dollars in the quarter as Meta kept
    spending on smart glasses and mixed reality headsets, and the company said the Ray-Ban Meta
    glasses sold more units this year than in the two previous years combined, with Meta AI
    built in and answering questions about what the wearer sees.</p>]]></description>
  </item>
</channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/">
  <title type="html">Markets &amp;amp; Money</title>
  <id>urn:example:markets</id>
  <updated>2026-11-21T10:00:00Z</updated>
  <entry>
    <title>Meta AI reaches a billion monthly users</title>
    <link href="articles/meta-ai-reach?fbclid=abc123"/>
    <id>urn:example:1</id>
    <updated>2026-11-20T12:00:00Z</updated>
  </entry>
  <entry>
    <title>Meta relève ses dépenses d’investissement pour l’IA</title>
    <link rel="alternate" href="articles/capex"/>
    <id>urn:example:2</id>
    <published>2026-10-30T07:30:00+01:00</published>
  </entry>
</feed>"""


def tiny_pdf(lines: list[str], title: str = "") -> bytes:
    """A valid one-page PDF whose text pypdf can extract (Helvetica, one line per string)."""
    text_ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text_ops.append(f"({escaped}) Tj T*")
    text_ops.append("ET")
    stream = zlib.compress("\n".join(text_ops).encode("latin-1"))
    info = f"<< /Title ({title}) /CreationDate (D:20261115120000Z) >>" if title else "<< >>"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 4 0 R"
        " >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        None,  # the content stream
        info,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode()
        if body is None:
            out += f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
            out += stream + b"\nendstream"
        else:
            out += body.encode("latin-1")
        out += b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n"
        "%%EOF\n"
    ).encode()
    return bytes(out)


PDF_LINES = [
    "Meta Platforms annual letter to shareholders.",
    "In 2026 we invested in AI infrastructure to train Llama models and to serve Meta AI.",
    "Family daily active people reached 3.5 billion on average in September.",
    "Our open source approach lets developers build on Llama without licence fees, and we",
    "believe it will make Llama the industry standard, as Linux became for servers.",
]


class WebSources:
    """The site on 127.0.0.1; `url(path)` builds links to it."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}  # path -> (content type, body)
        self.broken: set[str] = set()  # paths answered 500 for now
        self.requests: list[tuple[str, str]] = []  # (path, If-None-Match)
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._serve)
        self._server = ThreadedServer(app, "web-sources")
        self.base = f"http://127.0.0.1:{self._server.port}"
        self._reset()

    def url(self, path: str) -> str:
        return self.base + path

    def _reset(self) -> None:
        for slug in ARTICLES:
            self.pages[f"/articles/{slug}"] = (
                "text/html; charset=utf-8",
                article_html(slug).encode(),
            )
        self.pages["/rss.xml"] = ("application/rss+xml", RSS.format(base=self.base).encode())
        self.pages["/atom.xml"] = ("application/atom+xml", ATOM.format(base=self.base).encode())
        self.pages["/annual-letter.pdf"] = (
            "application/pdf",
            tiny_pdf(PDF_LINES, title="Letter to shareholders 2026"),
        )
        self.pages["/bad.xml"] = (
            "application/rss+xml",
            b"<?xml version='1.0'?><rss><channel><title>Broken</title><item><title>x</titl",
        )
        self.pages["/image.png"] = ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 512)
        paywall = (
            '<!DOCTYPE html><html lang="en"><head><title>Subscribe to read</title></head><body>'
            f"{NAV}<main><h1>Meta's plan</h1><p>Subscribe to continue reading.</p></main>"
            f"{FOOTER}</body></html>"
        )
        self.pages["/paywall"] = ("text/html", paywall.encode())
        self.pages["/huge"] = ("text/html", b"<html><body><p>" + b"word " * 1_300_000 + b"</p>")

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append((path, request.headers.get("If-None-Match", "")))
        if path in self.broken or path == "/500":
            return web.Response(status=500, text="Internal Server Error")
        redirects = {
            "/loop-a": "/loop-b",
            "/loop-b": "/loop-a",
            "/moved": "/articles/llama-4",
            "/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/to-loopback-name": f"http://localhost:{request.url.port}/articles/llama-4",
            "/to-ftp": "ftp://example.com/file",
        }
        if path in redirects:
            raise web.HTTPFound(redirects[path])
        if path not in self.pages:
            return web.Response(status=404, text="Not Found")
        content_type, body = self.pages[path]
        etag = f'"{zlib.crc32(body):08x}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        headers = {"ETag": etag, "Content-Type": content_type}
        return web.Response(body=body, headers=headers)

    def close(self) -> None:
        self._server.close()


@contextmanager
def web_sources() -> Iterator[WebSources]:
    site = WebSources()
    try:
        yield site
    finally:
        site.close()
