"""Asking back which case applies when an answer opens with the policy's condition, and the
case's button answered again with its verdict; trackers built in code."""

import asyncio
import json

import pytest

from actions.ask_back import CASE_INTENT, questions
from actions.follow_ups import ActionAnswerFollowUp
from actions.knowledge import knowledge_base
from actions.policy_answer import ActionAnswerPolicy
from tests.actions_helpers import (
    button_payloads,
    entity,
    run_action,
    situation,
    slot_values,
    texts,
    tracker_for,
)


@pytest.fixture(autouse=True)
def no_contacts(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))


def run(action, tracker):
    return asyncio.run(run_action(action, tracker))


def case_payload(name: str) -> str:
    return f"/{CASE_INTENT}{json.dumps({'situation': name})}"


def clicked(name: str, slots: dict):
    """The tracker after a case's button: Rasa parses the payload into the intent and the
    situation entity, with no confidence."""
    payload = case_payload(name)
    message = {"entity": "situation", "value": name}
    return tracker_for(payload, CASE_INTENT, confidence=1.0, entities=[message], slots=slots)


def test_a_conditional_answer_keeps_its_condition_and_offers_each_case():
    tracker = tracker_for("can i go on facebook at work?", "ask_personal_use_at_work")
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Only")
    assert {
        case_payload("circumstances.on_a_break"),
        case_payload("circumstances.during_work_time"),
        case_payload("circumstances.for_work_purposes"),
    } <= set(button_payloads(messages))


def index_of(messages: list[dict], payload: str) -> int:
    """The position of the message offering the button with `payload`."""
    return next(i for i, m in enumerate(messages) if payload in button_payloads([m]))


def test_the_question_comes_before_the_thumbs():
    tracker = tracker_for("can i go on facebook at work?", "ask_personal_use_at_work")
    messages, _ = run(ActionAnswerPolicy(), tracker)
    asked = index_of(messages, case_payload("circumstances.on_a_break"))
    assert messages[asked]["text"] == questions()["personal_use_at_work"].ask
    assert asked < index_of(messages, "/feedback_positive")


def test_a_question_stating_its_case_gets_the_verdict_and_no_question_back():
    tracker = tracker_for(
        "can i go on facebook on my lunch break?",
        "ask_personal_use_at_work",
        entities=[situation("circumstances.on_a_break")],
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Yes.")
    assert not any(p.startswith(f"/{CASE_INTENT}") for p in button_payloads(messages))


def test_a_question_the_answer_opens_yes_to_is_not_asked_back():
    tracker = tracker_for(
        "do i need permission to set up a team instagram?",
        "ask_create_work_account",
        entities=[{"entity": "question_form", "value": "obligation", "confidence": 0.9}],
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Yes, from your departmental Chief Officer")
    assert not any(p.startswith(f"/{CASE_INTENT}") for p in button_payloads(messages))


def test_a_case_button_answers_the_rule_again_with_its_verdict():
    slots = {
        "last_topic": "personal_use_at_work",
        "last_topics": ["personal_use_at_work"],
        "last_paras": [20, 11, 34],
        "last_form": "permission",
    }
    messages, events = run(ActionAnswerFollowUp(), clicked("circumstances.during_work_time", slots))
    assert texts(messages).startswith("No, not for personal use")
    assert "Paragraph" in texts(messages) and "20" in texts(messages)
    assert slot_values(events)["last_topic"] == "personal_use_at_work"


def test_a_case_still_conditional_asks_back_the_cases_it_leaves_open():
    slots = {
        "last_topic": "recruitment_screening",
        "last_topics": ["recruitment_screening"],
        "last_paras": [37],
        "last_form": "permission",
    }
    tracker = clicked("circumstances.communications_role", slots)
    messages, _ = run(ActionAnswerFollowUp(), tracker)
    assert texts(messages).startswith("Only if")
    assert case_payload("circumstances.role_fundamental") in button_payloads(messages)
    messages, _ = run(ActionAnswerFollowUp(), clicked("circumstances.role_fundamental", slots))
    assert texts(messages).startswith("Yes")
    assert not any(p.startswith(f"/{CASE_INTENT}") for p in button_payloads(messages))


def test_a_photo_of_pupils_escalating_a_concern_is_not_asked_back():
    tracker = tracker_for(
        "i'm worried about a photo of my pupils a colleague posted",
        "ask_photo_permission",
        entities=[entity("person", "pupils")],
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert "Designated Safeguarding Lead" in texts(messages)
    assert not any(p.startswith(f"/{CASE_INTENT}") for p in button_payloads(messages))


@pytest.mark.parametrize(
    ("topic_id", "case"),
    [(topic_id, case) for topic_id, q in questions().items() for case in q.cases],
)
def test_every_case_reaches_a_rule_of_its_topic_with_a_verdict(topic_id, case):
    topic = knowledge_base().known_topic(topic_id)
    stated = {"situation": {case.situation}}
    rule = next((r for r in topic.rules if r.matches(stated)), None)
    assert rule is not None and case.situation in rule.situations
    assert rule.verdict in {"yes", "no", "conditional"}
