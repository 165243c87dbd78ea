"""`/meta peers [SYMBOL ...] [benchmark SYMBOL]`: this channel's peers and benchmark for `stock`
and the briefings; `peers reset` goes back to PEER_SYMBOLS and BENCHMARK_SYMBOL."""

from __future__ import annotations

import asyncio

from briefings.market.bars import MarketDataUnavailable
from briefings.market.channels import MAX_PEERS, is_symbol
from chat.reply import Paragraph, Reply
from chat.request import Request
from chat.wording import Phrase, both, say
from commands.base import Command, CommandError, Option, language_of
from commands.channel_rules import may_change_subscription, refusal_key
from commands.market_channel import defaults, symbols_for
from commands.services import Services

RESET = ("reset", "default", "defaults")


def _read(text: str, company: str) -> tuple[tuple[str, ...] | None, str | None, bool]:
    """peers (None: unchanged), benchmark (None: unchanged), reset."""
    words = [w.strip(",").upper() for w in text.replace(",", " ").split()]
    if len(words) == 1 and words[0].lower() in RESET:
        return None, None, True
    benchmark = None
    if "BENCHMARK" in words:
        at = words.index("BENCHMARK")
        after = words[at + 1 :]
        if len(after) != 1:
            raise CommandError("peers.benchmark_one")
        benchmark, words = after[0], words[:at]
    for word in [*words, *([benchmark] if benchmark else [])]:
        if not is_symbol(word):
            raise CommandError("peers.bad_symbol", word=word[:20])
    peers = tuple(dict.fromkeys(w for w in words if w != company))
    if len(peers) > MAX_PEERS:
        raise CommandError("peers.too_many", max=MAX_PEERS)
    return (peers if words else None), benchmark, False


async def _unknown(services: Services, symbols: list[str]) -> list[str]:
    """The symbols Yahoo says it has no data for (a network failure is not "unknown")."""
    results = await asyncio.gather(*(services.market.series(s) for s in symbols))
    return [
        s
        for s, got in zip(symbols, results, strict=True)
        if isinstance(got, MarketDataUnavailable)
        and isinstance(got.reason, Phrase)
        and got.reason.key == "reason.no_data"
    ]


def _show(services: Services, benchmark: str, peers: tuple[str, ...], lang: str) -> str:
    default_benchmark, default_peers = defaults(services)
    default = say("peers.default", lang)
    return say(
        "peers.show",
        lang,
        peers=", ".join(peers) or say("peers.none", lang),
        peers_default=default if peers == default_peers else "",
        benchmark=benchmark,
        benchmark_default=default if benchmark == default_benchmark else "",
    )


async def peers(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    company = services.settings.market.company_symbol
    origin = request.origin
    text = request.text or request.option("symbols")
    if benchmark_option := request.option("benchmark"):  # Discord's options
        text = f"{text} benchmark {benchmark_option}"
    if not text.strip():
        benchmark, current = await symbols_for(services, origin)
        data = {"benchmark": benchmark, "peers": list(current)}
        return Reply((Paragraph(_show(services, benchmark, current, lang)),), data=data)
    if not may_change_subscription(request, services.settings):
        return Reply.error(say(refusal_key(services.settings), lang))
    new_peers, new_benchmark, reset = _read(text, company)
    checked = [*(new_peers or ()), *([new_benchmark] if new_benchmark else [])]
    if unknown := await _unknown(services, checked):
        raise CommandError("peers.unknown", symbols=", ".join(unknown))
    changes: dict[str, object] = {}
    if reset:
        changes = {"peers": None, "benchmark": None}
    if new_peers is not None:
        changes["peers"] = new_peers
    if new_benchmark is not None:
        changes["benchmark"] = new_benchmark
    await asyncio.to_thread(
        lambda: services.channel_market.update(
            origin.platform, origin.workspace, origin.channel, services.clock(), **changes
        )
    )
    benchmark, current = await symbols_for(services, origin)
    text = say(
        "peers.set",
        lang,
        symbol=company,
        peers=", ".join(current) or say("peers.none", lang),
        benchmark=benchmark,
    )
    return Reply((Paragraph(text),), data={"benchmark": benchmark, "peers": list(current)})


COMMAND = Command(
    name="peers",
    usage="peers [SYMBOL ...|reset] [benchmark SYMBOL]",
    summary=both("summary_peers"),
    run=peers,
    options=(
        Option("symbols", "Peer tickers, e.g. GOOGL MSFT NVDA (or reset)"),
        Option("benchmark", "Benchmark ticker, e.g. QQQ"),
    ),
    slow=True,  # checks new symbols with Yahoo
    changes_channel=True,
)
