"""What commands may use: settings, the knowledge base, storage and the clock.

Everything is built lazily, so a command pays only for what it touches (`ask` opens the
database only when a passage it shows carries a claim to check against stored bars). Tests pass their own clock, random source and settings.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import inspect
import logging
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from briefings.knowledge import KnowledgeBase, load_knowledge_base
from config import Settings

T = TypeVar("T")
log = logging.getLogger(__name__)
COMMAND_THREADS = 16  # commands' blocking work (the database, the knowledge base) runs here
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()

if TYPE_CHECKING:
    from briefings.answers import Answerer
    from briefings.knowledge.rotation import InsightRotation
    from briefings.market.channels import ChannelMarketStore
    from briefings.market.news import Headline, NewsService
    from briefings.market.service import MarketService
    from briefings.sources.knowledge import LiveKnowledge
    from briefings.sources.service import SourcesService
    from briefings.sources.store import SourceStore
    from briefings.storage import Database
    from briefings.subscriptions.store import SubscriptionStore


def _close_a_coroutine(done: Future[Any]) -> None:
    """A command's thread that finished after its caller was cancelled may have handed back a
    coroutine (`ask`'s answer): closed, so it is never reported as not awaited."""
    if not done.cancelled() and done.exception() is None and inspect.iscoroutine(done.result()):
        done.result().close()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Services:
    settings: Settings
    clock: Callable[[], dt.datetime] = utc_now
    rng: random.Random = field(default_factory=random.Random)
    price_files: dict[str, Path] | None = None  # `--prices`: these files instead of Yahoo
    market_source: object | None = None  # tests and benchmarks: a source of their own
    earnings_file: Path | None = None  # `--earnings`: earnings dates from this CSV
    subscription_listeners: list[Callable[[], None]] = field(default_factory=list)
    # Small per-process caches that commands keep (e.g. `ask`'s recent replies), by name.
    caches: dict[str, dict] = field(default_factory=dict)  # type: ignore[type-arg]

    @property
    def executor(self) -> ThreadPoolExecutor:
        """The commands' own threads (one pool per process): a fan-out or a fetch busy in the
        default pool cannot keep a quick command waiting for a thread."""
        global _executor
        with _executor_lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(COMMAND_THREADS, thread_name_prefix="command")
            return _executor

    async def off_loop(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in the commands' threads, with this context (so a bounded
        database wait set by the caller holds there too); the event loop goes on meanwhile."""
        context = contextvars.copy_context()
        running = self.executor.submit(context.run, function, *args)
        try:
            return await asyncio.wrap_future(running)
        except asyncio.CancelledError:  # the thread goes on: close what it hands back
            running.add_done_callback(_close_a_coroutine)
            raise

    def subscriptions_changed(self) -> None:
        """Tell the listeners (the scheduler) that subscriptions changed; a failing listener is
        logged, never turned into a failure of the change, which is already stored."""
        for listener in list(self.subscription_listeners):
            try:
                listener()
            except Exception:
                log.exception("a subscription listener failed")

    @cached_property
    def live_knowledge(self) -> LiveKnowledge:
        """The articles (files and stored sources), with the embeddings back-end the settings
        choose (logged once); `reload()` picks up articles other replicas stored."""
        from briefings.knowledge.embeddings import VectorCache, embedder_for, log_choice
        from briefings.sources.knowledge import LiveKnowledge

        embedder, described = embedder_for(self.settings)
        log_choice(described)
        cache = VectorCache(self.settings.storage.data_dir / "embeddings")
        base = load_knowledge_base(self.settings.storage.articles_dir, embedder, cache)
        return LiveKnowledge(base, self._source_store_if_any)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.live_knowledge.current

    def _source_store_if_any(self) -> SourceStore | None:
        """The sources' store, or None while no database exists yet (nothing stored then, and
        `ask` on a fresh install opens no database)."""
        url = self.settings.storage.resolved_database_url
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            return None
        return self.source_store

    @cached_property
    def source_store(self) -> SourceStore:
        from briefings.sources.store import SourceStore

        return SourceStore(self.database.ready())

    @cached_property
    def sources(self) -> SourcesService:
        """Add, list, remove and refresh sources; the knowledge base follows at once."""
        from briefings.sources.service import SourcesService

        return SourcesService(
            self.settings.sources,
            lambda: self.source_store,
            self.clock,
            on_change=self._sources_changed,
            headlines=self._company_headlines if self.news is not None else None,
        )

    async def _company_headlines(self) -> tuple[str, Sequence[Headline]]:
        """The company's headlines of the week, for the sources' refresh to read."""
        from briefings.market.news import WEEK

        assert self.news is not None
        symbol = self.settings.market.company_symbol
        return symbol, (await self.news.latest(symbol, 10, WEEK)).headlines

    def _sources_changed(self) -> None:
        """Rebuild the knowledge base if this process has one (`sources list` builds none)."""
        if "live_knowledge" in self.__dict__:
            self.live_knowledge.reload()

    @cached_property
    def answerer(self) -> Answerer | None:
        """The language model behind `ask` and "why it matters", or None when LLM_BASE_URL and
        LLM_MODEL are unset (then nothing imports the `openai` package)."""
        if not self.settings.llm.enabled:
            return None
        from briefings.answers import answerer_for

        return answerer_for(self.settings)

    @cached_property
    def database(self) -> Database:
        from briefings.storage import Database  # SQLAlchemy: only for commands that store

        return Database(self.settings.storage.resolved_database_url)

    @cached_property
    def rotation(self) -> InsightRotation:
        from briefings.knowledge.rotation import InsightRotation

        return InsightRotation(self.database.ready(), self.rng)

    @cached_property
    def market(self) -> MarketService:
        from briefings.market.service import MarketService

        return MarketService(
            self.settings,
            lambda: self.database,
            self.clock,
            files=self.price_files,
            source=self.market_source,
            earnings_file=self.earnings_file,
        )

    @cached_property
    def channel_market(self) -> ChannelMarketStore:
        """Each channel's peers, benchmark and move alerts (opens the database: off the loop)."""
        from briefings.market.channels import ChannelMarketStore

        return ChannelMarketStore(self.database.ready())

    @cached_property
    def news(self) -> NewsService | None:
        """The company's headlines for the briefing, or None when prices come from files or
        a source of the caller's own (demos, tests: no network for news either)."""
        if self.price_files or self.market_source or self.settings.market.data_file:
            return None
        from briefings.market.news import NewsService

        return NewsService(
            lambda: self.database.ready(), self.clock, self.settings.market.fetch_timeout
        )

    @cached_property
    def subscriptions(self) -> SubscriptionStore:
        from briefings.subscriptions.store import SubscriptionStore

        return SubscriptionStore(self.database.ready(), on_change=self.subscriptions_changed)
