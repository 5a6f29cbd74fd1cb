"""action_decline_out_of_scope: says plainly that the policy does not cover a question,
without citing any paragraph, unless the message is about a pupil's or vulnerable
person's safety, which is never declined, or it goes on from the previous answer ("are
they likely to say no?", "where can I get more specific advice?"): then that rule's answer,
or a policy topic comes a close second: then what the policy says on that topic is given,
and the rest is for Human Resources."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answerability import runner_up_covering_part
from actions.answers import OUT_OF_SCOPE
from actions.follow_ups import answer_continuation, goes_on_from
from actions.knowledge import knowledge_base
from actions.policy_answer import (
    close_answer,
    is_safeguarding_message,
    utter_safeguarding,
    utter_topics,
)


class ActionDeclineOutOfScope(Action):
    def name(self) -> str:
        return "action_decline_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if is_safeguarding_message(tracker.latest_message):
            return utter_safeguarding(dispatcher, tracker.latest_message)
        message = tracker.latest_message
        previous = knowledge_base().topic(tracker.get_slot("last_topic"))
        if previous and goes_on_from(message, previous):
            return answer_continuation(dispatcher, tracker, message, previous)
        topic = knowledge_base().topic_for_intent(runner_up_covering_part(message))
        # the safeguarding answer is for a pupil's or vulnerable person's safety, which
        # is_safeguarding_message recognises; it is not a part of an off-topic question
        if topic and not topic.safeguarding:
            events = utter_topics(dispatcher, message, [topic], partly=True)
            return events + close_answer(dispatcher, tracker, message, [topic], [])
        dispatcher.utter_message(text=OUT_OF_SCOPE)
        return []
