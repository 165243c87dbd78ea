"""The topics passages are filed under, with labels and descriptions in both languages."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

TOPICS_FILE = Path(__file__).resolve().parent.parent / "articles" / "topics.yml"


@dataclass(frozen=True)
class Topic:
    id: str
    label: dict[str, str]
    description: dict[str, str]


def load_topics(path: Path = TOPICS_FILE) -> dict[str, Topic]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        topic_id: Topic(
            id=topic_id,
            label={lang: pair[0] for lang, pair in langs.items()},
            description={lang: pair[1] for lang, pair in langs.items()},
        )
        for topic_id, langs in raw.items()
    }


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def match_topic(name: str, topics: dict[str, Topic]) -> Topic | None:
    """The topic a user meant by `name`: its id or label in any language, accents and case ignored."""
    wanted = _fold(name)
    if not wanted:
        return None
    for topic in topics.values():
        names = {topic.id, *topic.label.values()}
        if wanted in {_fold(n) for n in names}:
            return topic
    return None
