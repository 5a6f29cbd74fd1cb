"""Whether the policy answers a question the classifier put on a topic: wholly, only in
part, or not at all. The signal is the out_of_scope probability in the intent ranking,
which stays high when a question shares a topic's words but asks about something else (an
AI tool for writing posts, expenses for running an account). Its thresholds are chosen by
cross-validation on the training examples (`python -m scripts.answerability`), not on the
development set, and kept in data/policy/answerability.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from actions.knowledge import POLICY_DIR

OUT_OF_SCOPE_INTENT = "out_of_scope"
ANSWERED, PARTLY, NOT_COVERED = "answered", "partly", "not_covered"


@dataclass(frozen=True)
class Thresholds:
    # at or above: the policy covers only part of the question
    partly: float
    # out_of_scope first and a topic this close behind: the policy covers part of it
    partly_margin: float
    # at or above, and the topic hardly surer: the policy does not cover it
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


def coverage(message: dict[str, Any], topic_intent: str) -> str:
    """How far the policy covers a message classified as `topic_intent`."""
    limits = thresholds()
    off_topic = confidence_of(message, OUT_OF_SCOPE_INTENT)
    on_topic = confidence_of(message, topic_intent)
    if off_topic >= limits.decline and on_topic - off_topic < limits.decline_margin:
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
