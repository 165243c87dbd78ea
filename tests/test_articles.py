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
