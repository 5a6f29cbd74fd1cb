"""Trackers built in code for action tests, as rasa-sdk's own tests do."""

from __future__ import annotations

from functools import cache

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from addons import follow_up
from addons.question_form import FormModel
from addons.situations import SituationModel, labelled_messages, situation_names


def tracker_for(
    text: str,
    intent: str,
    confidence: float = 0.95,
    entities=None,
    ranking=None,
    slots=None,
    earlier_events=(),
    channel: str = "rest",
):
    """A tracker whose latest message is `text`, after `earlier_events`, with `slots` set.
    The message carries the `follow_up` entity the recogniser gives `text`, unless
    `entities` holds one."""
    entities = list(entities or [])
    if not any(e.get("entity") == "follow_up" for e in entities):
        entities.append(follow_up_in(text))
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities,
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
    }
    latest = {"event": "user", "text": text, "parse_data": message, "input_channel": channel}
    return Tracker(
        sender_id="test",
        slots={"last_topic": None, "last_topics": None, "last_paras": None, **(slots or {})},
        latest_message=message,
        events=[*earlier_events, latest],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(kind: str, value: str) -> dict:
    return {"entity": kind, "value": value, "extractor": "SpacyEntityExtractor"}


def situation(value: str, confidence: float = 0.9) -> dict:
    """A `situation` entity as addons/situations.py adds it."""
    return {"entity": "situation", "value": value, "confidence": confidence}


@cache
def situation_model() -> SituationModel:
    """The situation classifier, trained in-process on data/policy/situations.yml."""
    return SituationModel.fit(labelled_messages(), situation_names())


def situations_in(text: str) -> list[dict]:
    """The `situation` entities the classifier adds to `text`."""
    return [situation(name, p) for name, p in situation_model().stated(text)]


@cache
def follow_up_model() -> FormModel:
    """The follow-up recogniser, trained in-process on data/policy/follow_ups.yml."""
    return follow_up.FollowUpModel.fit(*follow_up.labelled_messages())


def follow_up_in(text: str) -> dict:
    """The `follow_up` entity the recogniser adds to `text`."""
    [(kind, confidence)] = follow_up_model().predict([text])
    return {"entity": "follow_up", "value": kind, "confidence": confidence}


async def run_action(action, tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return "\n\n".join(m.get("text") or "" for m in messages)


def button_payloads(messages: list[dict]) -> list[str]:
    return [button["payload"] for m in messages for button in m.get("buttons") or []]


def slot_values(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
