"""Whether the policy answers a question the classifier put on a topic: wholly, only in
part, or not at all. The signal is the `off_topic` probability (addons/off_topic.py), high
when the question or one of its parts asks about something the policy does not cover (an AI
tool for writing posts, expenses for running an account) even where the topic's words win
the intent ranking. Its thresholds are chosen by cross-validation on the training examples
(`python -m scripts.answerability`), not on the development set, and kept in
data/policy/answerability.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from actions.knowledge import POLICY_DIR
from contracts import OFF_TOPIC_CLAUSE, OFF_TOPIC_ENTITY, OUT_OF_SCOPE_INTENT

ANSWERED, PARTLY, NOT_COVERED = "answered", "partly", "not_covered"


@dataclass(frozen=True)
class Thresholds:
    # off_topic probability at or above: the policy covers only part of the question
    partly: float
    # out_of_scope first and a topic this close behind: the policy covers part of it
    partly_margin: float
    # off_topic probability at or above, and the topic leading out_of_scope by less than
    # decline_margin: the policy does not cover it
    decline: float
    decline_margin: float


@cache
def thresholds() -> Thresholds:
    raw = yaml.safe_load((POLICY_DIR / "answerability.yml").read_text(encoding="utf-8"))
    raw = raw["thresholds"]
    return Thresholds(raw["partly"], raw["partly_margin"], raw["decline"], raw["decline_margin"])


def confidence_of(message: dict[str, Any], intent: str) -> float:
    ranking = message.get("intent_ranking") or []
    return next((float(e.get("confidence", 0)) for e in ranking if e.get("name") == intent), 0.0)


def off_topic_entity(message: dict[str, Any]) -> dict[str, Any]:
    entities = message.get("entities") or []
    return next((e for e in entities if e.get("entity") == OFF_TOPIC_ENTITY), {})


def off_topic_probability(message: dict[str, Any]) -> float:
    return float(off_topic_entity(message).get("confidence", 0.0))


def uncovered_clause(message: dict[str, Any]) -> tuple[int, int] | None:
    """The span of the one clause asking about something else, when the rest of the message
    is a policy question (addons/off_topic.py); None when the whole message is off-topic."""
    found = off_topic_entity(message)
    if found.get("value") != OFF_TOPIC_CLAUSE:
        return None
    return int(found.get("start", 0)), int(found.get("end", 0))


def covered_text(text: str, clause: tuple[int, int] | None) -> str:
    """The message without its uncovered clause: the policy question it asks."""
    if clause is None:
        return text
    start, end = clause
    return f"{text[:start]} {text[end:]}".strip(" ,;")


def coverage(message: dict[str, Any], topic_intent: str) -> str:
    """How far the policy covers a message classified as `topic_intent`: not at all when it
    asks about something else and the topic hardly leads out_of_scope, in part when it
    asks about something else as well."""
    limits = thresholds()
    off_topic = off_topic_probability(message)
    lead = confidence_of(message, topic_intent) - confidence_of(message, OUT_OF_SCOPE_INTENT)
    if off_topic >= limits.decline and lead < limits.decline_margin:
        return NOT_COVERED
    return PARTLY if off_topic >= limits.partly else ANSWERED


def runner_up_covering_part(message: dict[str, Any]) -> str | None:
    """The intent ranked just behind out_of_scope when it is close enough for the policy to
    cover part of the question ("can I claim expenses for running the library's Instagram?")."""
    ranking = message.get("intent_ranking") or []
    if len(ranking) < 2 or ranking[0].get("name") != OUT_OF_SCOPE_INTENT:
        return None
    gap = float(ranking[0].get("confidence", 0)) - float(ranking[1].get("confidence", 0))
    return ranking[1].get("name") if gap < thresholds().partly_margin else None
