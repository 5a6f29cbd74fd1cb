"""action_answer_policy: answers a question on one of the policy's topics, with citations."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ASK_REPHRASE, mentions_safeguarding, policy_answer
from actions.contacts import configured_contacts
from actions.knowledge import Topic, canonical_entities, knowledge_base


def message_entities(message: dict[str, Any]) -> dict[str, set[str]]:
    return canonical_entities(message.get("entities") or [])


def is_safeguarding_message(message: dict[str, Any]) -> bool:
    return mentions_safeguarding(
        knowledge_base(), message.get("text") or "", message_entities(message)
    )


def utter_topic(
    dispatcher: CollectingDispatcher, message: dict[str, Any], topic: Topic
) -> list[dict[str, Any]]:
    """Sends the answer on `topic` to the latest message and remembers the topic."""
    kb = knowledge_base()
    text = message.get("text") or ""
    for reply in policy_answer(kb, topic, text, message_entities(message), configured_contacts()):
        dispatcher.utter_message(text=reply)
    return [SlotSet("last_topic", topic.id)]


def utter_safeguarding(
    dispatcher: CollectingDispatcher, message: dict[str, Any]
) -> list[dict[str, Any]]:
    return utter_topic(dispatcher, message, knowledge_base().safeguarding_topic)


NEAR_TIE = 0.05


def runner_up(message: dict[str, Any], topic: Topic) -> Topic | None:
    """The second most likely topic when the classifier could hardly tell it from the first."""
    ranking = message.get("intent_ranking") or []
    if len(ranking) < 2 or ranking[0].get("name") != topic.intent:
        return None
    if ranking[0].get("confidence", 0) - ranking[1].get("confidence", 0) > NEAR_TIE:
        return None
    return knowledge_base().topic_for_intent(ranking[1].get("name"))


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        topic = knowledge_base().topic_for_intent((message.get("intent") or {}).get("name"))
        if topic is None:
            dispatcher.utter_message(text=ASK_REPHRASE)
            return []
        events = utter_topic(dispatcher, message, topic)
        if other := runner_up(message, topic):
            dispatcher.utter_message(
                text="If you meant something else:",
                buttons=[{"title": other.title, "payload": f"/{other.intent}"}],
            )
        return events
