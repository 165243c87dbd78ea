"""`/meta ask <question>`: a short, sourced answer from the articles, in the question's language."""

from __future__ import annotations

from bot.messages import say
from bot.replies import Block, Context, Paragraph, Reply
from bot.requests import Request
from bot.services import Services
from briefings.knowledge import Passage
from briefings.knowledge.language import detect_language
from commands.base import Command, Option, language_of

MAX_ANSWER_CHARS = 600
SECOND_PASSAGE_SHARE = 0.75  # a second passage joins only if it answers almost as well


def ask(request: Request, services: Services) -> Reply:
    question = (request.option("question") or request.text).strip()
    lang = language_of(request, services, question)
    if not question:
        return Reply.error(say("empty_question", lang), COMMAND.usage_line(lang))
    knowledge = services.knowledge
    asked_in = lang if request.lang is None else detect_language(question, default=lang)
    hits = knowledge.search(question, asked_in)
    if hits:
        chosen = [hits[0]]
        for hit in hits[1:]:
            total = sum(len(h.passage.text_in(lang)) for h in chosen) + len(
                hit.passage.text_in(lang)
            )
            if (
                total <= MAX_ANSWER_CHARS
                and hit.coverage >= SECOND_PASSAGE_SHARE * hits[0].coverage
            ):
                chosen.append(hit)
        chosen.sort(key=lambda h: (h.passage.article_id, h.passage.index))
        sources = []
        for hit in chosen:
            source = {
                "article": knowledge.article(hit.passage.article_id).title_in(lang),
                "section": hit.passage.section_in(lang),
            }
            if source not in sources:
                sources.append(source)
        answer = " ".join(h.passage.text_in(lang) for h in chosen)
    else:
        answer, sources = say("no_answer", lang), []
    data = {
        "question": question,
        "lang": lang,
        "answered": bool(hits),
        "answer": answer,
        "sources": sources,
    }
    blocks: list[Block] = [Paragraph(answer)]
    if hits:
        blocks += _claim_checks([h.passage for h in chosen], services, lang)
    blocks += [Context(say("source", lang, **source)) for source in sources]
    return Reply(tuple(blocks), data=data)


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
    summary={
        "en": "Ask a question; get a short answer from the articles, with its source.",
        "fr": "Posez une question ; réponse courte tirée des articles, avec sa source.",
    },
    run=ask,
    options=(Option("question", "Your question, in English or French", required=True),),
)
