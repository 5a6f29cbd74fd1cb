"""A conversation with the real Rasa server and action server, over HTTP."""

import re
import uuid

import pytest

from addons.input_checks import MAX_MESSAGE_CHARS

pytestmark = pytest.mark.servers


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex}"


def text_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_a_conversation_from_greeting_to_goodbye(servers):
    sender = new_sender()
    assert "Social Media Policy" in text_of(servers.send(sender, "hello"))

    crest = text_of(servers.send(sender, "can I use the city crest on my facebook profile?"))
    assert crest.startswith("No.") and "Paragraph 23" in crest

    pupil = text_of(servers.send(sender, "may i friend a pupil on instagram"))
    assert pupil.startswith("No.") and "Paragraph 33" in pupil
    assert "Designated Safeguarding Lead (DSL)" in pupil and "(LADO)" in pupil

    leave = text_of(servers.send(sender, "how many days of annual leave do i get?"))
    assert "doesn't cover that" in leave and "Paragraph" not in leave

    assert "Goodbye" in text_of(servers.send(sender, "thanks, bye"))


def test_help_offers_example_questions_as_buttons(servers):
    replies = servers.send(new_sender(), "what can you help me with?")
    buttons = [b for reply in replies for b in reply.get("buttons", [])]
    assert len(buttons) >= 3
    answer = text_of(servers.send(new_sender(), buttons[0]["payload"]))
    assert re.search(r"Paragraphs? \d+", answer)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "didn't get a question"),
        ("   \t  ", "didn't get a question"),
        ("x" * 20_000, f"under {MAX_MESSAGE_CHARS} characters"),
        ("can I post this? " * 1200, f"under {MAX_MESSAGE_CHARS} characters"),
        ("😀🎉👍", "written in words"),
        ("<script>alert('hi')</script>", "plain text"),
        ("<img src=x onerror=alert(1)>", "plain text"),
        ("¿Puedo usar el escudo de la ciudad en LinkedIn?", "in English"),
        ("我可以在领英上使用市徽吗？", "in English"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_the_server_keeps_answering(servers, message, expected):
    sender = new_sender()
    reply = text_of(servers.send(sender, message))
    assert expected in reply
    assert "Paragraph" not in reply
    after = text_of(servers.send(sender, "can i set up a twitter account for my team?"))
    assert "Paragraph 12" in after


def test_conversation_is_stored_in_the_sql_tracker_store(servers):
    sender = new_sender()
    servers.send(sender, "who do i ask about how the policy is interpreted")
    events = servers.tracker_events(sender)
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    bot_texts = [e["text"] for e in events if e["event"] == "bot"]
    assert user_texts == ["who do i ask about how the policy is interpreted"]
    assert any("Director of Human Resources" in text for text in bot_texts)
    assert (servers.workdir / "tracker.db").stat().st_size > 0


def test_a_restart_loses_nothing(servers):
    sender = new_sender()
    servers.send(sender, "can i tweet from the main corporate account")
    before = servers.tracker_events(sender)
    servers.restart_rasa()
    assert servers.tracker_events(sender)[: len(before)] == before
    after = text_of(servers.send(sender, "what counts as social media?"))
    assert "Paragraph 39" in after
    user_texts = [e["text"] for e in servers.tracker_events(sender) if e["event"] == "user"]
    assert user_texts == [
        "can i tweet from the main corporate account",
        "what counts as social media?",
    ]
