"""Asking back: an answer that opens with the policy's condition ("Only with permission ...")
because the question leaves open a case the user knows (approved or not, on a break or in work
time, what kind of role) keeps its condition and offers a button per case
(data/policy/ask_back.yml). A button's payload is a follow-up that states the case's
situation, so the previous question is answered again for that case, with its verdict
(action_answer_follow_up)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import POLICY_DIR, Topic
from contracts import SITUATION_ENTITY

CASE_INTENT = "follow_up_other"
CONDITIONAL_OPENING = "Only "


@dataclass(frozen=True)
class Case:
    """A button: its title and the situation ("circumstances.on_a_break") it states."""

    title: str
    situation: str

    def button(self) -> dict[str, str]:
        entities = json.dumps({SITUATION_ENTITY: self.situation})
        return {"title": self.title, "payload": f"/{CASE_INTENT}{entities}"}


@dataclass(frozen=True)
class Question:
    """What to ask back about a topic, and the cases it offers."""

    ask: str
    cases: tuple[Case, ...]


@cache
def questions() -> dict[str, Question]:
    """data/policy/ask_back.yml: per topic id, the question and its cases."""
    raw = yaml.safe_load((POLICY_DIR / "ask_back.yml").read_text(encoding="utf-8"))["topics"]
    return {
        topic_id: Question(entry["ask"], tuple(Case(**case) for case in entry["cases"]))
        for topic_id, entry in raw.items()
    }


def open_cases(topic: Topic, entities: dict[str, set[str]], answer: str) -> list[Case]:
    """The cases to offer after `answer`: none unless it opens with the policy's condition;
    otherwise those of the topic the question does not already state."""
    question = questions().get(topic.id)
    if question is None or not answer.startswith(CONDITIONAL_OPENING):
        return []
    stated = entities.get(SITUATION_ENTITY, set())
    return [case for case in question.cases if case.situation not in stated]


def ask_back(
    dispatcher: CollectingDispatcher,
    topic: Topic,
    entities: dict[str, set[str]],
    answer: str,
) -> None:
    """Asks which case applies, with a button for each, when `answer` left it open."""
    if cases := open_cases(topic, entities, answer):
        buttons = [case.button() for case in cases]
        dispatcher.utter_message(text=questions()[topic.id].ask, buttons=buttons)


def previous_turn(tracker: Tracker) -> list[dict[str, Any]]:
    """The events between the user's previous message and the latest one, latest first: what
    the assistant did with the previous message."""
    events: list[dict[str, Any]] = []
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                break
        elif users_seen:
            events.append(event)
    return events


def asked_which_case(tracker: Tracker) -> bool:
    """Whether the reply to the user's previous message asked which case applies, so that
    what they type now may be their answer ("they're of my team at the away day")."""
    return any(
        button.get("payload", "").startswith(f"/{CASE_INTENT}")
        for event in previous_turn(tracker)
        for button in (event.get("data") or {}).get("buttons") or []
    )
