"""`/meta ask`: sourced answers in the question's language, honest "no answer"."""

from __future__ import annotations


def test_english_question_gets_english_answer_with_source(chat):
    reply = chat.say("/meta ask What does the acronym LLaMA stand for?")
    assert "Large Language Model Meta AI" in reply
    assert "Source: Meta: LLaMA's Role in Its Growth" in reply
    assert "LLaMA: An Open-Source Approach to AI" in reply
    assert "Au cœur" not in reply


def test_french_question_gets_french_answer_and_french_section(chat):
    reply = chat.say("/meta ask Quels concurrents de LLaMA sont cités ?")
    assert "Gemini d’Alphabet" in reply
    assert "Source : Meta : Rôle de LLaMA dans sa Croissance" in reply
    assert chat.last.data["lang"] == "fr"


def test_lang_flag_overrides_detection(chat):
    chat.send("/meta ask --lang fr Which advertising tool powered by LLaMA does Meta highlight?")
    assert chat.last.data["lang"] == "fr"
    assert "Advantage+ Creative" in chat.last.data["answer"]
    assert "outils publicitaires" in chat.last.data["answer"]


def test_accents_do_not_matter(chat):
    with_accents = chat.send(
        "/meta ask Quelles fonctionnalités premium Meta AI pourrait-il proposer ?"
    )
    without = chat.send("/meta ask Quelles fonctionnalites premium Meta AI pourrait-il proposer ?")
    assert with_accents.data["answer"] == without.data["answer"]
    assert "abonnés payants" in without.data["answer"]


def test_unrelated_question_is_declined_and_points_to_topics(chat):
    reply = chat.say("/meta ask What is the capital of Australia?")
    assert "couldn't find an answer" in reply
    assert "/meta topics" in reply
    assert chat.last.data["answered"] is False
    assert chat.last.data["sources"] == []


def test_unrelated_french_question_is_declined_in_french(chat):
    reply = chat.say("/meta ask Quelle est la recette de la ratatouille ?")
    assert "Je n’ai pas trouvé" in reply


def test_empty_question_explains_what_to_type(chat):
    reply = chat.send("/meta ask")
    assert not reply.ok
    assert "Ask me a question" in chat.say("/meta ask   ")
    assert "Usage: `/meta ask <question> [--lang en|fr]`" in chat.say("/meta ask")


def test_answer_stays_short(chat):
    reply = chat.send("/meta ask How could Meta earn money from third-party apps?")
    assert reply.data["answered"]
    assert len(reply.data["answer"]) <= 900
