"""Adding an article is adding a file; a malformed one gets a clear error."""

from __future__ import annotations

import pytest

from briefings.knowledge import ArticleError, load_knowledge_base

ARTICLE = """---
title: "Meta's open-source bet on Llama 3"
language: en
date: 2024-04-18
source: "Example newsletter"
---

## Llama 3 release

Meta released Llama 3 with eight billion and seventy billion parameter versions, trained on fifteen trillion tokens.
<!-- topics: research, open-source -->
"""


@pytest.mark.slow
def test_an_article_file_in_articles_dir_is_searchable(isolated_env, monkeypatch, chat):
    folder = isolated_env / "articles"
    folder.mkdir()
    (folder / "llama-3.md").write_text(ARTICLE)
    monkeypatch.setenv("ARTICLES_DIR", str(folder))
    from commands.services import Services
    from config import load_settings
    from tests.harness.chat import Chat

    chat = Chat(Services(load_settings()))
    reply = chat.say("/meta ask How many tokens was Llama 3 trained on?")
    assert "fifteen trillion tokens" in reply
    assert "Source: Meta's open-source bet on Llama 3, section “Llama 3 release”" in reply


def test_translation_with_missing_passages_is_rejected(isolated_env):
    folder = isolated_env / "articles"
    folder.mkdir()
    (folder / "llama-3.md").write_text(ARTICLE)
    (folder / "llama-3.fr.md").write_text(ARTICLE.split("## ")[0] + "## Sortie\n")
    with pytest.raises(ArticleError, match=r"llama-3.fr.md: .*no passages"):
        load_knowledge_base(folder)


def test_unknown_topic_is_rejected_with_the_known_ones(isolated_env):
    folder = isolated_env / "articles"
    folder.mkdir()
    (folder / "x.md").write_text(ARTICLE.replace("research, open-source", "gossip"))
    with pytest.raises(ArticleError, match="unknown topic gossip"):
        load_knowledge_base(folder)


def test_seed_article_has_aligned_translation():
    kb = load_knowledge_base()
    assert len(kb.articles) == 1
    passages = kb.articles[0].passages
    assert all(set(p.text) == {"fr", "en"} for p in passages)
    assert all(p.topics for p in passages)
    assert kb.articles[0].claims[0].value == 68


def test_since_the_article_is_measured_from_the_insights_own_article(
    isolated_env, monkeypatch, capsys
):
    """A newer article does not move the briefing's "since the article": the insight's does."""
    import json

    from bot.cli import main
    from tests.harness import DATA

    folder = isolated_env / "articles"
    folder.mkdir()
    (folder / "llama-3.md").write_text(ARTICLE)  # dated 18 Apr 2024: the newest article
    monkeypatch.setenv("ARTICLES_DIR", str(folder))
    prices = str(DATA / "META.csv")
    assert main(["brief", "--prices", prices, "--date", "2024-06-28", "--json"]) == 0
    briefing = json.loads(capsys.readouterr().out)
    assert briefing["insight"]["article"] == "Meta: LLaMA's Role in Its Growth"  # 13 Mar 2024
    rows = (DATA / "META.csv").read_text().splitlines()[1:]
    closes = {line[:10]: float(line.split(",")[4]) for line in rows}
    expected = (closes["2024-06-28"] / closes["2024-03-13"] - 1) * 100
    assert briefing["since_article_pct"] == pytest.approx(expected, abs=0.01)
    assert main(["brief", "--prices", prices, "--date", "2024-06-28"]) == 0
    assert "Since the article (13 Mar 2024)" in capsys.readouterr().out
