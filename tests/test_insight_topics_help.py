"""`/meta insight`, `/meta topics`, `/meta help` as a person sees them."""

from __future__ import annotations


def test_insight_rotates_through_every_passage_before_repeating(chat):
    candidates = {p.id for p in chat.services.knowledge.insights()}
    shown = []
    for _ in range(len(candidates)):
        chat.send("/meta insight")
        shown.append((chat.last.data["text"], chat.last.data["section"]))
    assert len(set(shown)) == len(candidates)
    chat.send("/meta insight")  # a new round starts
    assert (chat.last.data["text"], chat.last.data["section"]) in shown


def test_rotation_survives_a_restart(services, chat):
    from tests.harness.chat import Chat

    first = chat.send("/meta insight").data["text"]
    again = Chat(type(services)(services.settings)).send("/meta insight").data["text"]
    assert again != first


def test_rotation_is_per_channel(chat):
    chat.send("/meta insight reality labs", channel="C1")
    one = chat.last.data["text"]
    chat.send("/meta insight reality labs", channel="C2")
    chat.send("/meta insight reality labs", channel="C1")
    assert chat.last.data["text"] != one


def test_insight_on_a_topic_in_french(chat):
    reply = chat.say("/meta insight publicité --lang fr")
    assert reply.startswith("À retenir : Publicité")
    assert chat.last.data["topic"] == "advertising"
    assert "Source : Meta : Rôle de LLaMA" in reply


def test_unknown_topic_lists_the_real_ones(chat):
    reply = chat.say("/meta insight football")
    assert not chat.last.ok
    assert "I don't know the topic “football”" in reply
    assert "Reality Labs" in reply and "Usage: `/meta insight [topic]" in reply


def test_topics_lists_each_topic_with_a_line(chat):
    reply = chat.say("/meta topics")
    assert "Topics I can talk about" in reply
    for label in ("Open source", "Monetization", "Advertising", "Meta AI", "Reality Labs", "Stock"):
        assert f"• {label} (" in reply


def test_help_is_generated_from_the_registered_commands(chat):
    from commands import all_commands

    reply = chat.send("/meta help").plain_text()
    for command in all_commands().values():
        assert f"/meta {command.usage}" in reply
        assert command.summary["en"] in reply


def test_unknown_command_points_to_help(chat):
    reply = chat.say("/meta dance")
    assert reply == "I don't know the command “dance”. Try `/meta help`."


def test_a_failing_command_logs_and_apologises_without_traceback(chat, caplog, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(chat.services.knowledge, "find", broken)
    reply = chat.say("/meta ask anything at all")
    assert "Sorry, something went wrong" in reply
    assert "Traceback" not in reply and "exploded" not in reply
    assert "command failed: ask" in caplog.text
