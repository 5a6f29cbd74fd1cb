"""The thumbs-down question. action_ask_feedback_comment asks what was missing (the feedback
form calls it; an action rather than a response, which `rasa data validate` would call
unused). The answer is optional: validate_feedback_form keeps a message that reads as a
comment in the `feedback_comment` slot (the tracker store keeps it for the HR report), and
turns down one that asks something, so that the form ends and the rules answer the question.
action_record_feedback thanks the user and empties the slot so that the next thumbs-down
asks again."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

ASK_COMMENT = (
    "Sorry that didn't help. If you like, tell me what was missing or wrong: your comment is "
    "kept for HR to review (please leave out personal details). Or just ask your question "
    "another way."
)
SKIP_WORDS = {"skip", "no", "no thanks", "nothing", "none"}
SKIPPED = "No problem. Is there anything else I can help with?"
RECORDED = (
    "Thank you. Your comment is recorded for HR to review when they improve these answers. "
    "Is there anything else I can help with?"
)
COMMENT_SLOT = "feedback_comment"
QUESTION_OPENINGS = {
    "am", "are", "can", "could", "did", "do", "does", "how", "if", "is", "may", "might",
    "must", "should", "what", "when", "where", "which", "who", "whom", "why", "will", "would",
}  # fmt: skip
FIRST_WORD = re.compile(r"[a-z']+")


def reads_as_question(text: str) -> bool:
    """Whether a message typed after a thumbs-down asks something (a question mark, a
    question word first, a button's payload) rather than commenting on the answer."""
    text = text.strip().lower()
    first = FIRST_WORD.match(text)
    return (
        text.endswith("?")
        or text.startswith("/")
        or bool(first and first.group() in QUESTION_OPENINGS)
    )


class ActionAskFeedbackComment(Action):
    def name(self) -> str:
        return "action_ask_feedback_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=ASK_COMMENT)
        return []


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def extract_feedback_comment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """The user's reply as the comment, unless it is a question (or the form has only
        just asked): then no slot is filled, Rasa rejects the form and a rule answers."""
        if tracker.get_slot("requested_slot") != COMMENT_SLOT:
            return {}
        text = (tracker.latest_message.get("text") or "").strip()
        return {} if reads_as_question(text) else {COMMENT_SLOT: text}


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        comment = (tracker.get_slot(COMMENT_SLOT) or "").strip().lower()
        dispatcher.utter_message(text=SKIPPED if comment in SKIP_WORDS else RECORDED)
        return [SlotSet(COMMENT_SLOT, None)]
