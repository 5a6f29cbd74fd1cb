"""action_decline_out_of_scope: says plainly that the policy does not cover a question,
without citing any paragraph, unless the message is about a pupil's or vulnerable
person's safety, which is never declined."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import OUT_OF_SCOPE
from actions.policy_answer import is_safeguarding_message, utter_safeguarding


class ActionDeclineOutOfScope(Action):
    def name(self) -> str:
        return "action_decline_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if is_safeguarding_message(tracker.latest_message):
            return utter_safeguarding(dispatcher, tracker.latest_message)
        dispatcher.utter_message(text=OUT_OF_SCOPE)
        return []
