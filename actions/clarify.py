"""action_clarify: what the assistant does when it is not sure what was asked.

Unreadable input (see addons/input_guard.py) gets a reply saying what is wrong. A message
about the safety of a pupil or vulnerable person gets the safeguarding answer. A short one
sharing distinctive words with the previous answer, or going on from it ("are they likely to
say no?"), asks about that answer's rule again. A question
that is probably about the policy gets the two or three most likely topics as buttons, and
one that asks two clear questions at once gets both answers. When the assistant has already
asked back on the previous message (a second miss, or "none of these"), it hands over to
Human Resources instead of asking again.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ASK_REPHRASE, role_contacts, source_line
from actions.ask_back import previous_turn
from actions.contacts import configured_contacts
from actions.follow_ups import answer_continuation, goes_on_from
from actions.knowledge import KnowledgeBase, Topic, knowledge_base
from actions.policy_answer import (
    clause_topics,
    close_answer,
    is_safeguarding_message,
    utter_safeguarding,
    utter_topics,
)
from contracts import INPUT_PROBLEM_ENTITY, INPUT_PROBLEM_REPLIES

MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05
NONE_OF_THESE = "none_of_these"
HR_ROLE = "director_of_human_resources"
HR_PARAS = (5,)


def handover(kb: KnowledgeBase) -> list[str]:
    """Hands an unanswered question to the person the policy makes responsible for advice."""
    director = kb.role_names[HR_ROLE]
    messages = [
        "Sorry, I still can't match your question to the Social Media Policy. Please ask "
        f"Human Resources: the {director} is responsible for interpreting the policy and "
        "advising on it.\n" + source_line(HR_PARAS)
    ]
    if details := role_contacts(kb, (HR_ROLE,), configured_contacts()):
        messages.append(details)
    return messages


def asked_back_last_turn(tracker: Tracker) -> bool:
    """Whether action_clarify answered the user's previous message by asking back."""
    return any(event.get("name") == "action_clarify" for event in previous_turn(tracker))


def input_problem(message: dict[str, Any]) -> str | None:
    return next(
        (
            e.get("value")
            for e in message.get("entities") or []
            if e.get("entity") == INPUT_PROBLEM_ENTITY
        ),
        None,
    )


def likely_topics(kb: KnowledgeBase, intent_ranking: list[dict[str, Any]]) -> list[Topic]:
    """Topics among the classifier's best guesses, most likely first, before any
    non-policy intent (greeting, out of scope...) that ranks higher than them."""
    topics: list[Topic] = []
    for candidate in intent_ranking:
        if candidate.get("confidence", 0) < MIN_SUGGESTION_CONFIDENCE:
            break
        topic = kb.topic_for_intent(candidate.get("name"))
        if topic:
            topics.append(topic)
        elif candidate.get("name") != "nlu_fallback" and not topics:
            return []
        if len(topics) == MAX_SUGGESTIONS:
            break
    return topics


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        problem = input_problem(message)
        if problem:
            dispatcher.utter_message(text=INPUT_PROBLEM_REPLIES[problem])
            return []
        if is_safeguarding_message(message):
            return utter_safeguarding(dispatcher, message)
        if len(asked := clause_topics(message)) > 1:
            # unsure of the whole message only because it asks two things, each of them clear
            events = utter_topics(dispatcher, message, asked)
            return events + close_answer(dispatcher, tracker, message, asked, [])
        previous = knowledge_base().topic(tracker.get_slot("last_topic"))
        if previous and goes_on_from(message, previous, tracker):
            return answer_continuation(dispatcher, tracker, message, previous)
        if asked_back_last_turn(tracker):
            for text in handover(knowledge_base()):
                dispatcher.utter_message(text=text)
            return []
        topics = likely_topics(knowledge_base(), message.get("intent_ranking") or [])
        if not topics or (message.get("intent") or {}).get("name") == NONE_OF_THESE:
            dispatcher.utter_message(text=ASK_REPHRASE)
            return []
        buttons = [{"title": topic.title, "payload": f"/{topic.intent}"} for topic in topics]
        buttons.append({"title": "None of these", "payload": f"/{NONE_OF_THESE}"})
        dispatcher.utter_message(
            text="I'm not sure which part of the policy you mean. Is it one of these?",
            buttons=buttons,
        )
        return []
