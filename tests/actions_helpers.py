"""Trackers built in code for action tests, as rasa-sdk's own tests do."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker_for(text: str, intent: str, confidence: float = 0.95, entities=None, ranking=None):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
    }
    return Tracker(
        sender_id="test",
        slots={"last_topic": None},
        latest_message=message,
        events=[{"event": "user", "text": text, "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(kind: str, value: str) -> dict:
    return {"entity": kind, "value": value, "extractor": "SpacyEntityExtractor"}


async def run_action(action, tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return "\n\n".join(m.get("text") or "" for m in messages)
