"""The thumbs-down question. action_ask_feedback_comment asks what was missing (the feedback
form calls it; an action rather than a response, which `rasa data validate` would call
unused). The comment is then in the tracker store (the `feedback_comment` slot, filled from
the user's text), where the HR report reads it; action_record_feedback thanks the user and
empties the slot so that the next thumbs-down asks again."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

ASK_COMMENT = (
    "Sorry that didn't help. What was missing or wrong? Your comment is kept for HR to review "
    '(please leave out personal details), or type "skip".'
)
SKIP_WORDS = {"skip", "no", "no thanks", "nothing", "none"}
SKIPPED = "No problem. Is there anything else I can help with?"
RECORDED = (
    "Thank you. Your comment is recorded for HR to review when they improve these answers. "
    "Is there anything else I can help with?"
)


class ActionAskFeedbackComment(Action):
    def name(self) -> str:
        return "action_ask_feedback_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=ASK_COMMENT)
        return []


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        comment = (tracker.get_slot("feedback_comment") or "").strip().lower()
        dispatcher.utter_message(text=SKIPPED if comment in SKIP_WORDS else RECORDED)
        return [SlotSet("feedback_comment", None)]
