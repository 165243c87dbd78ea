"""`/meta sources [add URL [--kind feed|page|pdf] | remove ID | refresh]`: the feeds, pages and
PDFs the answers come from. Adding, removing and refreshing follow the rule for changing a
subscription (`channel_rules`)."""

from __future__ import annotations

from briefings.formatting import day
from briefings.sources.safety import FetchRefused
from chat.reply import Block, BulletList, Context, Heading, Paragraph, Reply
from chat.request import Request
from chat.wording import both, say
from commands.base import Command, CommandError, Option, language_of
from commands.channel_rules import may_change_subscription, refusal_key
from commands.services import Services

ACTIONS = ("list", "add", "remove", "refresh")


def _read(request: Request) -> tuple[str, str, str | None]:
    """action, target (a URL or an id) and kind, from Discord options or the chat text."""
    words = request.text.split()
    kind = request.option("kind") or None
    if "--kind" in words:
        at = words.index("--kind")
        kind = words[at + 1] if at + 1 < len(words) else ""
        del words[at : at + 2]
    action = (request.option("action") or (words[0] if words else "list")).lower()
    target = request.option("target") or (words[1] if len(words) > 1 else "")
    return action, target.strip("<>"), kind  # Slack wraps links in <...>


async def sources(request: Request, services: Services) -> Reply:
    lang = language_of(request, services)
    action, target, kind = _read(request)
    if action not in ACTIONS:
        raise CommandError("src_unknown_action")
    if action != "list" and not may_change_subscription(request, services.settings):
        return Reply.error(say(refusal_key(services.settings), lang))
    try:
        if action == "add":
            if not target:
                raise CommandError("src_add_needs_url")
            added = await services.sources.add(target, kind, added_by=request.user or "?")
            s = added.source
            text = say("src_added", lang, id=s.id, title=s.title, kind=s.kind, articles=s.articles)
            return Reply((Paragraph(text),), data=added.as_json())
        if action == "remove":
            if not target:
                raise CommandError("src_remove_needs_id")
            removed = await services.sources.remove(target)
            text = say("src_removed", lang, id=removed.id, title=removed.title)
            return Reply((Paragraph(text),), data={"id": removed.id, "url": removed.url})
        if action == "refresh":
            report = await services.sources.refresh()
            values = report.as_json()
            blocks: list[Block] = [
                Paragraph(say("src_refreshed", lang, **{**values, "failed": len(report.failed)}))
            ]
            blocks += [Context(say("src_refresh_failed", lang, **f)) for f in report.failed]
            return Reply(tuple(blocks), data=values)
    except FetchRefused as refused:
        return Reply.error(refused.in_lang(lang))
    return await _listing(services, lang)


async def _listing(services: Services, lang: str) -> Reply:
    rows = await services.sources.list()
    data = {"sources": [s.as_json() for s in rows]}
    if not rows:
        return Reply((Paragraph(say("src_none", lang)),), data=data)
    items = []
    for s in rows:
        item = say(
            "src_list_item",
            lang,
            id=s.id,
            title=s.title,
            kind=s.kind,
            articles=s.articles,
            url=s.url,
        )
        if s.last_fetched:
            item += f" · {day(s.last_fetched.date(), lang)}"
        items.append(item)
    errors = [
        Context(say("src_list_error", lang, id=s.id, error=s.last_error))
        for s in rows
        if s.last_error
    ]
    return Reply(
        (Heading(say("src_list_title", lang)), BulletList(tuple(items)), *errors), data=data
    )


COMMAND = Command(
    name="sources",
    usage="sources [add URL [--kind feed|page|pdf]|remove ID|refresh]",
    summary=both("summary_sources"),
    run=sources,
    options=(
        Option("action", "list, add, remove or refresh", choices=ACTIONS),
        Option("target", "The URL to add, or the number of the source to remove"),
        Option(
            "kind", "What the URL is (detected when not given)", choices=("feed", "page", "pdf")
        ),
    ),
    slow=True,  # adding and refreshing fetch pages
    # not `changes_channel`: anyone may list; adding and removing are checked above
)
