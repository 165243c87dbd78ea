"""Read article files: Markdown with a YAML front matter, `## ` sections and one passage a paragraph.

`<slug>.md` is the original; `<slug>.<lang>.md` files are translations with the same sections
and passages in the same order. Each passage of the original is followed by a
`<!-- topics: a, b -->` line. See README, "Adding sources".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

SHIPPED_ARTICLES = Path(__file__).resolve().parent.parent / "articles"
_TOPICS_LINE = re.compile(r"^<!--\s*topics:\s*(.*?)\s*-->$")
_LANGUAGES = ("en", "fr")


class ArticleError(ValueError):
    """An article file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Claim:
    """A dated numeric statement in an article that market data can check."""

    quote: str  # in the article's own language, as written
    symbol: str
    metric: str
    value: float
    as_of: dt.date
    translations: dict[str, str] = field(default_factory=dict)  # the quote in the translations

    def quote_in(self, lang: str) -> str:
        """The quote in `lang` when a translation of the article gives it, else as written."""
        return self.translations.get(lang) or self.quote

    @property
    def quotes(self) -> tuple[str, ...]:
        return (self.quote, *self.translations.values())


@dataclass(frozen=True)
class Passage:
    """One paragraph or bullet of an article, in every language it exists in."""

    id: str
    article_id: str
    index: int
    text: dict[str, str]
    section: dict[str, str]
    topics: tuple[str, ...]

    def text_in(self, lang: str) -> str:
        """The passage in `lang`, or in the article's original language when not translated."""
        return self.text.get(lang) or next(iter(self.text.values()))

    def section_in(self, lang: str) -> str:
        return self.section.get(lang) or next(iter(self.section.values()))


@dataclass(frozen=True)
class Article:
    id: str
    title: dict[str, str]
    language: str
    date: dt.date
    source: str
    passages: tuple[Passage, ...]
    claims: tuple[Claim, ...] = field(default=())
    url: str = ""  # where it was read, for articles from sources (README, "Adding sources")

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title[self.language]


@dataclass
class _Parsed:
    meta: dict
    sections: list[str]
    passages: list[tuple[int, str, tuple[str, ...]]]  # (section index, text, topics)


def _parse(path: Path) -> _Parsed:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ArticleError(f"{path.name}: must start with a '---' front matter block")
    try:
        header, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(header) or {}
    except (ValueError, yaml.YAMLError) as exc:
        raise ArticleError(
            f"{path.name}: unreadable front matter ({exc.__class__.__name__})"
        ) from None
    if not isinstance(meta, dict):
        raise ArticleError(f"{path.name}: front matter must be 'key: value' lines")
    sections: list[str] = []
    passages: list[tuple[int, str, tuple[str, ...]]] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            sections.append(line[3:].strip())
            continue
        if match := _TOPICS_LINE.match(line):
            if not passages:
                raise ArticleError(f"{path.name}: a topics line comes before any passage")
            topics = tuple(t.strip() for t in match.group(1).split(",") if t.strip())
            section, passage_text, _ = passages[-1]
            passages[-1] = (section, passage_text, topics)
            continue
        if line.startswith("<!--"):
            continue
        if not sections:
            raise ArticleError(f"{path.name}: text before the first '## ' section heading")
        passages.append((len(sections) - 1, line.removeprefix("- ").strip(), ()))
    if not passages:
        raise ArticleError(f"{path.name}: no passages")
    return _Parsed(meta, sections, passages)


def _required(meta: dict, key: str, path: Path) -> object:
    if key not in meta or meta[key] in (None, ""):
        raise ArticleError(f"{path.name}: front matter needs '{key}'")
    return meta[key]


def _claims(meta: dict, path: Path) -> tuple[Claim, ...]:
    claims = []
    for number, raw in enumerate(meta.get("claims") or [], start=1):
        try:
            claims.append(
                Claim(
                    quote=str(raw["quote"]),
                    symbol=str(raw["symbol"]).upper(),
                    metric=str(raw["metric"]),
                    value=float(raw["value"]),
                    as_of=dt.date.fromisoformat(str(raw["as_of"])),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise ArticleError(
                f"{path.name}: claim {number} needs quote, symbol, metric, value and as_of"
            ) from None
    return tuple(claims)


def _translated_claims(
    claims: tuple[Claim, ...], meta: dict, lang: str, path: Path
) -> tuple[Claim, ...]:
    """A translation's `claims:` list gives each claim's quote in its language, in order."""
    quotes = meta.get("claims") or []
    if not quotes:
        return claims
    if len(quotes) != len(claims):
        raise ArticleError(f"{path.name}: has {len(quotes)} claims; the original has {len(claims)}")
    translated = []
    for number, (claim, raw) in enumerate(zip(claims, quotes, strict=True), start=1):
        quote = raw.get("quote") if isinstance(raw, dict) else None
        if not quote:
            raise ArticleError(f"{path.name}: claim {number} needs its quote")
        translated.append(replace(claim, translations={**claim.translations, lang: str(quote)}))
    return tuple(translated)


def load_article(original: Path, translations: list[Path]) -> Article:
    """Build one article from its original file and its translation files."""
    parsed = _parse(original)
    slug = original.stem
    language = str(_required(parsed.meta, "language", original))
    if language not in _LANGUAGES:
        raise ArticleError(f"{original.name}: language must be one of {', '.join(_LANGUAGES)}")
    try:
        date = dt.date.fromisoformat(str(_required(parsed.meta, "date", original)))
    except ValueError:
        raise ArticleError(f"{original.name}: date must look like 2024-03-13") from None
    titles = {language: str(_required(parsed.meta, "title", original))}
    texts = [{language: text} for _, text, _ in parsed.passages]
    sections = [{language: parsed.sections[s]} for s, _, _ in parsed.passages]
    claims = _claims(parsed.meta, original)
    for path in translations:
        other = _parse(path)
        lang = path.suffixes[-2].lstrip(".")
        if lang not in _LANGUAGES:
            continue
        claims = _translated_claims(claims, other.meta, lang, path)
        if len(other.passages) != len(parsed.passages) or len(other.sections) != len(
            parsed.sections
        ):
            raise ArticleError(
                f"{path.name}: has {len(other.sections)} sections and {len(other.passages)} "
                f"passages; the original has {len(parsed.sections)} and {len(parsed.passages)}"
            )
        titles[lang] = str(other.meta.get("title") or titles[language])
        for i, (section, text, _) in enumerate(other.passages):
            texts[i][lang] = text
            sections[i][lang] = other.sections[section]
    passages = tuple(
        Passage(
            id=f"{slug}#{i + 1}",
            article_id=slug,
            index=i,
            text=texts[i],
            section=sections[i],
            topics=topics,
        )
        for i, (_, _, topics) in enumerate(parsed.passages)
    )
    return Article(
        id=slug,
        title=titles,
        language=language,
        date=date,
        source=str(parsed.meta.get("source") or ""),
        passages=passages,
        claims=claims,
    )


def load_articles(*folders: Path) -> list[Article]:
    """Every article in the folders, originals paired with their `<slug>.<lang>.md` translations."""
    articles = []
    for folder in folders:
        files = sorted(folder.glob("*.md"))
        originals = [f for f in files if len(f.suffixes) == 1]
        for original in originals:
            translations = [
                f for f in files if f.name.startswith(original.stem + ".") and f != original
            ]
            articles.append(load_article(original, translations))
    return articles
