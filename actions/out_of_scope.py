"""action_decline_out_of_scope: says plainly that the policy does not cover a question,
without citing any paragraph, unless the message is about a pupil's or vulnerable
person's safety, which is never declined, or it goes on from the previous answer ("are
they likely to say no?", "where can I get more specific advice?"): then that rule's answer,
or a policy topic comes a close second, or one part of a question that asks two things is
surely on a policy topic ("how do I claim for parking, and can I check Facebook on my
break?"): then what the policy says on that topic is given, and the rest is for Human
Resources. Where the off-topic detector marks one clause as the part asking about something
else, the policy question is answered in full, verdict first ("Yes. ...")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answerability import runner_up_covering_part, uncovered_clause
from actions.answers import OUT_OF_SCOPE
from actions.follow_ups import answer_continuation, goes_on_from
from actions.knowledge import Topic, knowledge_base
from actions.policy_answer import (
    QUESTION_WORDS,
    clause_topics,
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
        if previous and goes_on_from(message, previous, tracker):
            return answer_continuation(dispatcher, tracker, message, previous)
        topics = covered_parts(message)
        if topics:
            uncovered = uncovered_clause(message)
            events = utter_topics(dispatcher, message, topics, partly=True, uncovered=uncovered)
            return events + close_answer(dispatcher, tracker, message, topics, [])
        dispatcher.utter_message(text=OUT_OF_SCOPE)
        return []


def covered_parts(message: dict[str, Any]) -> list[Topic]:
    """The policy topics an off-topic question covers a part of: the topic close behind
    out_of_scope, or else the topics its parts are surely about. Not safeguarding: that
    answer is for a pupil's or vulnerable person's safety, which is_safeguarding_message
    recognises; it is not a part of an off-topic question."""
    runner_up = knowledge_base().topic_for_intent(runner_up_covering_part(message))
    topics = [runner_up] if runner_up else clause_topics(message, min_words=QUESTION_WORDS)
    return [topic for topic in topics if not topic.safeguarding]
