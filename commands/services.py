"""What commands may use: settings, the knowledge base, storage and the clock.

Everything is built lazily, so a command pays only for what it touches (`ask` opens the
database only when a passage it shows carries a claim to check against stored bars). Tests pass their own clock, random source and settings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from briefings.knowledge import KnowledgeBase, load_knowledge_base
from config import Settings

if TYPE_CHECKING:
    from briefings.answers import Answerer
    from briefings.knowledge.rotation import InsightRotation
    from briefings.market.channels import ChannelMarketStore
    from briefings.market.service import MarketService
    from briefings.storage import Database
    from briefings.subscriptions.store import SubscriptionStore


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

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        """The articles, with the embeddings back-end the settings choose (logged once)."""
        from briefings.knowledge.embeddings import VectorCache, embedder_for, log_choice

        embedder, described = embedder_for(self.settings)
        log_choice(described)
        cache = VectorCache(self.settings.storage.data_dir / "embeddings")
        return load_knowledge_base(self.settings.storage.articles_dir, embedder, cache)

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
    def subscriptions(self) -> SubscriptionStore:
        from briefings.subscriptions.store import SubscriptionStore

        def changed() -> None:
            for listener in self.subscription_listeners:
                listener()

        return SubscriptionStore(self.database.ready(), on_change=changed)
