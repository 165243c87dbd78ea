"""`/meta ask <question>`: a short, sourced answer from the articles, in the question's language.

Without a language model the answer is extractive: the one to three sentences of the passage
that answers, word for word (`--full`: the whole passage; a "More" line says so). With one (LLM_BASE_URL and LLM_MODEL), the model words the answer from those passages and
the stored market figures, citing sections; its reply is shown only once checked
(`briefings.answers`), and the extractive answer otherwise, with a discreet note.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefings.formatting import language_name
from briefings.knowledge import Passage
from briefings.knowledge.language import detect_language
from briefings.knowledge.phrasing import clean_question
from briefings.knowledge.retrieval import Hit
from chat.reply import Block, Context, Paragraph, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import LANG_OPTION, Command, Option, language_of
from commands.citations import citation
from commands.services import Services
from commands.usage import shown, with_text

if TYPE_CHECKING:
    from briefings.answers import ModelAnswer
    from briefings.market.movements import Figures
    from briefings.market.service import MarketService

log = logging.getLogger(__name__)
MODEL_PASSAGES = 4  # passages the model is given, best first
REPLY_TTL = 60.0  # seconds an extractive reply is reused for the same question
REPLY_CACHE_SIZE = 512


@dataclass(frozen=True)
class _Asked:
    question: str
    lang: str
    asked_in: str
    hits: list[Hit]
    excerpt: str = ""
    full: bool = False
    platform: str = "console"  # where it was asked: the "More" line is written its way
    quoted: tuple[Passage, ...] = ()  # the passages the short answer quotes (the answer's first)


_FULL_FLAG = re.compile(r"(?:^|\s)--full(?=\s|$)")


def ask(request: Request, services: Services) -> Reply | Awaitable[Reply]:
    raw = (request.option("question") or request.text).strip()
    full = bool(_FULL_FLAG.search(raw)) or request.option("full") in ("yes", "true", "1")
    question = _FULL_FLAG.sub(" ", raw).strip()
    llm = services.settings.llm.enabled
    key = (
        question,
        full,
        request.lang,
        request.locale,
        request.platform,
        services.knowledge.version,
    )
    recent = services.caches.setdefault("ask", {})
    if not llm and (hit := recent.get(key)) and time.monotonic() - hit[1] < REPLY_TTL:
        return hit[0]  # a question a busy channel just asked: the same reply
    plain = clean_question(question)
    lang = language_of(request, services, plain)
    if not plain:
        return Reply.error(say("empty_question", lang), COMMAND.usage_line(lang, request.platform))
    asked_in = lang if request.lang is None else detect_language(plain, default=lang)
    knowledge = services.knowledge

    def find() -> _Asked:
        found = knowledge.find(question, asked_in, lang, MODEL_PASSAGES if llm else 1)
        return _Asked(
            question,
            lang,
            asked_in,
            found.hits,
            found.excerpt,
            full,
            request.platform,
            found.quoted,
        )

    def remember(reply: Reply) -> Reply:
        if len(recent) >= REPLY_CACHE_SIZE:
            recent.pop(next(iter(recent)))  # the oldest
        recent[key] = (reply, time.monotonic())
        return reply

    if knowledge.embedder is None and not llm:
        return remember(_extractive(find(), services))

    async def answer() -> Reply:
        # The embeddings (a model or an API) and the language model work off the event loop.
        asked = await asyncio.to_thread(find)
        if asked.hits and llm:
            return await _ask_model(asked, services)
        # Its claim checks read stored bars: in a thread too.
        return remember(await asyncio.to_thread(_extractive, asked, services))

    return answer()  # a coroutine: the router awaits it


def _extractive(asked: _Asked, services: Services, note: str | None = None) -> Reply:
    """The sentences that answer, word for word (the whole passage with --full), or "no
    answer"."""
    lang, hits = asked.lang, asked.hits
    passages = [hits[0].passage] if hits else []
    if not hits:
        answer = say("no_answer", lang)
    elif asked.full:
        answer = hits[0].passage.text_in(lang)
    else:
        answer = asked.excerpt or hits[0].passage.text_in(lang)
        if asked.excerpt and asked.quoted:  # each passage it quotes is cited, the answer's first
            passages = list(asked.quoted)
    notes = [say(f"model_{note}", lang)] if note else []
    # "More": the whole passage, unless the answer already quotes it whole
    more = bool(hits) and not asked.full and hits[0].passage.text_in(lang) not in answer
    return _reply(asked, answer, passages, services, notes, more)


def _reply(
    asked: _Asked,
    answer: str,
    passages: list[Passage],
    services: Services,
    notes: list[str],
    more: bool = False,
) -> Reply:
    lang, knowledge = asked.lang, services.knowledge
    sources: list[dict[str, str | None]] = []
    cited: list[Block] = []
    for passage in passages:
        article = knowledge.article(passage.article_id)
        source = {
            "article": article.title_in(lang),
            "section": passage.section_in(lang),
            "url": article.url or None,
            "date": article.date.isoformat(),
        }
        if source in sources:
            continue
        sources.append(source)
        cited.append(Context(citation(article, passage, lang)))
        if lang not in passage.text:  # shown as written, in the article's language
            cited.append(
                Context(say("article_in", lang, language=language_name(article.language, lang)))
            )
    data = {
        "question": asked.question,
        "lang": lang,
        "answered": bool(asked.hits),
        "answer": answer,
        "sources": sources,
    }
    if more:  # the whole passage is one button away
        data["passage"] = passages[0].id
    blocks: list[Block] = [Paragraph(answer)]
    if asked.hits:
        blocks += _claim_checks(passages, services, lang)
    blocks += cited
    blocks += [Context(note) for note in notes]
    if more:
        again = with_text(COMMAND, asked.platform, clean_question(asked.question), "full")
        blocks.append(Context(say("ask_more", lang, command=shown(again, asked.platform))))
    return Reply(tuple(blocks), data=data)


async def _ask_model(asked: _Asked, services: Services) -> Reply:
    """The model's answer once checked; the extractive answer, with a note, otherwise."""
    answerer = services.answerer
    assert answerer is not None  # llm_enabled
    knowledge = services.knowledge
    given = [(hit.passage, knowledge.article(hit.passage.article_id)) for hit in asked.hits]
    market = services.market  # built here, on the loop; its stored bars are read in the thread

    def work() -> ModelAnswer:
        figures = _stored_figures(services, market)
        return answerer.answer(
            asked.question, asked.lang, given[:MODEL_PASSAGES], figures, knowledge.version
        )

    result = await asyncio.to_thread(work)
    if result.text is None:
        note = result.fallback or "unavailable"
        return await asyncio.to_thread(_extractive, asked, services, note)
    written = say("model_written", asked.lang, model=answerer.model.model)
    cited = list(result.cited)
    return await asyncio.to_thread(_reply, asked, result.text, cited, services, [written])


def _stored_figures(services: Services, market: MarketService) -> Figures | None:
    """The company's figures from bars already stored (never fetched), or None."""
    try:
        from briefings.market.movements import compute_figures

        series = market.stored(services.settings.market.company_symbol)
        if series is None or not series.bars:
            return None
        return compute_figures(series, article_date=services.knowledge.latest_article.date)
    except Exception as error:  # no stored data is the normal case for a fresh install
        log.debug("ask: no stored figures for the model (%s)", type(error).__name__)
        return None


def _claim_checks(passages: list[Passage], services: Services, lang: str) -> list[Block]:
    """For each dated claim in the answer: what stored market data says (never fetched here)."""
    from briefings.claims import check_claim, claims_in

    blocks: list[Block] = []
    for passage in passages:
        article = services.knowledge.article(passage.article_id)
        for claim in claims_in(passage, article.claims):
            series = services.market.stored(claim.symbol)
            check = check_claim(claim, series) if series else None
            if check:
                blocks.append(Paragraph(say("claim_check", lang, text=check.describe(lang))))
            else:
                blocks.append(Context(say("claim_unchecked", lang)))
    return blocks


COMMAND = Command(
    name="ask",
    usage="ask <question> [--lang en|fr]",
    summary=both("summary_ask"),
    run=ask,
    options=(
        Option("question", "Your question, in English or French", required=True),
        LANG_OPTION,
        Option("full", "The whole passage, not the short answer", choices=("true", "false")),
    ),
    # A model call may take seconds; so may an embeddings API.
    slow_with=lambda settings: settings.llm.enabled or settings.embeddings.api_enabled,
    text_tells_language=True,
)
