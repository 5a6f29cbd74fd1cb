"""The help menu: the policy's areas as buttons, and each area's common questions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import Area, KnowledgeBase, contains_phrase, knowledge_base

AREA_ENTITY = "area"
HELP_TEXT = (
    "I answer questions about the City of London Corporation's Social Media Policy and tell "
    "you which paragraphs my answers come from. Choose an area to see common questions, or "
    "ask in your own words."
)


def area_buttons(kb: KnowledgeBase) -> list[dict[str, str]]:
    return [
        {"title": area.title, "payload": f'/help_area{{"{AREA_ENTITY}": "{area.id}"}}'}
        for area in kb.areas
    ]


def requested_area(kb: KnowledgeBase, message: dict[str, Any]) -> Area | None:
    """The area a button named, or whose title the message contains."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == AREA_ENTITY and (area := kb.area(str(entity.get("value")))):
            return area
    text = message.get("text") or ""
    return next((area for area in kb.areas if contains_phrase(text, area.title)), None)


class ActionHelp(Action):
    def name(self) -> str:
        return "action_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=HELP_TEXT, buttons=area_buttons(knowledge_base()))
        return []


class ActionHelpArea(Action):
    def name(self) -> str:
        return "action_help_area"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        kb = knowledge_base()
        area = requested_area(kb, tracker.latest_message)
        if area is None:
            dispatcher.utter_message(
                text="Which area of the policy? Choose one:", buttons=area_buttons(kb)
            )
            return []
        topics = [kb.known_topic(topic_id) for topic_id in area.topic_ids]
        buttons = [{"title": topic.question, "payload": f"/{topic.intent}"} for topic in topics]
        dispatcher.utter_message(text=f"Common questions on {area.title.lower()}:", buttons=buttons)
        return []
