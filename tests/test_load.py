"""The load client's check of stored events (scripts/load.py), on events written by hand. The
load test itself is in test_production.py."""

from __future__ import annotations

from scripts.load import Conversation, event_problems

SESSION = [
    {"event": "action", "name": "action_session_start"},
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
]


def exchange(message: str, reply: str) -> list[dict]:
    return [
        {"event": "user", "text": message},
        {"event": "action", "name": "utter_answer"},
        {"event": "bot", "text": reply},
        {"event": "action", "name": "action_listen"},
    ]


def conversation() -> Conversation:
    return Conversation(
        "load-1",
        "http://127.0.0.1:5005",
        messages=["hello", "what counts as social media?"],
        # The REST channel sends a reply's paragraphs as separate messages.
        replies=["Hello!", "Social media means ...", "Source: Paragraph 39."],
    )


def stored() -> list[dict]:
    return [
        *SESSION,
        *exchange("hello", "Hello!"),
        *exchange(
            "what counts as social media?", "Social media means ...\n\nSource: Paragraph 39."
        ),
    ]


def test_a_whole_conversation_has_no_problems():
    assert event_problems(conversation(), stored()) == []


def test_a_duplicated_message_is_a_problem():
    events = stored()
    assert event_problems(conversation(), [*events[:4], *events[3:]]) != []


def test_a_lost_reply_is_a_problem():
    events = [e for e in stored() if e.get("text") != "Hello!"]
    assert event_problems(conversation(), events) != []


def test_messages_out_of_order_are_a_problem():
    events = stored()
    assert event_problems(conversation(), [*SESSION, *events[7:], *events[3:7]]) != []


def test_a_second_session_is_a_problem():
    events = stored()
    assert event_problems(conversation(), [*events[:7], *SESSION, *events[7:]]) != []
