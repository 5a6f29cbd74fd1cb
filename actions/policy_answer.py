"""action_answer_policy: answers a question on the policy's topics, with citations (both
topics when a message asks two things), then offers the other topics it may be about and a
thumbs up / down. An answer carrying the safeguarding escalation offers neither, and opens
the safeguarding turns (the `safeguarding_open` slot, actions/safeguarding.py); any other
answer closes them."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answerability import NOT_COVERED, PARTLY, coverage
from actions.answers import (
    ASK_REPHRASE,
    OUT_OF_SCOPE,
    mentions_safeguarding,
    partly_covered,
    policy_answer,
)
from actions.contacts import configured_contacts
from actions.knowledge import Topic, canonical_entities, knowledge_base

# set by addons/svm_classifier.py and addons/question_form.py (not imported: the action
# server needs no NLU code)
CLAUSE_TOPIC_ENTITY = "clause_topic"
QUESTION_FORM_ENTITY = "question_form"
# a less sure question form is not used: the answer keeps the opening of its topic (seven
# forms: 0.3 is about twice what a guess would give)
FORM_CONFIDENCE = 0.3
# rasa shell turns every button into a menu that must be answered before typing on, so the
# optional thumbs are not offered there.
SHELL_CHANNEL = "cmdline"
FEEDBACK_BUTTONS = [
    {"title": "👍 Yes", "payload": "/feedback_positive"},
    {"title": "👎 No", "payload": "/feedback_negative"},
]
NEAR_TIE = 0.05
# a part of a message asking two things is answered when classified at least this surely,
# and otherwise offered as a button
ANSWER_PART_CONFIDENCE = 0.5
SAFEGUARDING_SLOT = "safeguarding_open"
# what a follow-up may change and otherwise keeps: "what about Facebook?" after a question
# about a pupil's photo is still about a pupil
SITUATION_ENTITIES = ("platform", "asset", "person")
# how a follow-up without a topic of its own opens, and the pronouns that point back at the
# previous question's object
FOLLOW_UP_OPENING = re.compile(r"(and|even|what about|what if|how about|no|but|also|same|or)\b")
POINTER = re.compile(
    r"\b(share|post|use|put|send|retweet|tweet|upload|publish|forward|repost|show|screen"
    r"|check|look at|view|delete|keep)\s+(it|them|this|that|these|those)\b"
)
FOLLOW_UP_WORDS = 7


def message_entities(message: dict[str, Any]) -> dict[str, set[str]]:
    return canonical_entities(message.get("entities") or [])


def question_form(message: dict[str, Any]) -> str | None:
    """The form of a question on a policy topic. A follow-up ("what about Facebook?") asks
    the previous question again, so its own form is not the question's."""
    intent = (message.get("intent") or {}).get("name")
    if knowledge_base().topic_for_intent(intent) is None:
        return None
    for entity in message.get("entities") or []:
        if entity.get("entity") == QUESTION_FORM_ENTITY:
            sure = entity.get("confidence", 1.0) >= FORM_CONFIDENCE
            return entity.get("value") if sure else None
    return None


def is_safeguarding_message(message: dict[str, Any]) -> bool:
    return mentions_safeguarding(
        knowledge_base(), message.get("text") or "", message_entities(message)
    )


def also_a_question(topic: Topic) -> str:
    return f'You also asked about "{topic.title}":'


def utter_topics(
    dispatcher: CollectingDispatcher,
    message: dict[str, Any],
    topics: list[Topic],
    partly: bool = False,
) -> list[dict[str, Any]]:
    """Answers each of `topics` for the latest message and remembers what was answered.
    The safeguarding escalation is given once, not after every answer. When the policy
    covers the question only in `partly`, the first answer says so and hands the rest to
    Human Resources."""
    kb, contacts = knowledge_base(), configured_contacts()
    text, entities = message.get("text") or "", message_entities(message)
    form = question_form(message)
    cited: set[int] = set()
    escalated_elsewhere = any(topic.safeguarding for topic in topics)
    for position, topic in enumerate(topics):
        escalate_mentions = position == 0 and not escalated_elsewhere
        reply = policy_answer(kb, topic, text, entities, contacts, escalate_mentions, form)
        if partly and position == 0:
            reply = partly_covered(reply)
        messages = list(reply.messages)
        if position:
            messages[0] = f"{also_a_question(topic)}\n{messages[0]}"
        for chat_message in messages:
            dispatcher.utter_message(text=chat_message)
        cited.update(reply.paras)
    return remember_answer(topics, cited, message)


def situation(message: dict[str, Any]) -> list[dict[str, str]]:
    """The platforms, assets and people a message names, as Rasa found them."""
    return [
        {"entity": e["entity"], "value": str(e.get("value", ""))}
        for e in message.get("entities") or []
        if e.get("entity") in SITUATION_ENTITIES
    ]


def with_situation(message: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
    """The follow-up with the previous question's platform, asset or person for each kind
    it does not name itself: "and on Facebook?" changes the platform, keeps the pupil."""
    entities = list(message.get("entities") or [])
    named = {entity.get("entity") for entity in entities}
    kept = [e for e in tracker.get_slot("last_situation") or [] if e.get("entity") not in named]
    return {**message, "entities": entities + kept}


def is_elliptical(message: dict[str, Any]) -> bool:
    """Whether a message goes on from the previous question rather than asking one of its
    own: short and opening like a follow-up ("even on my own phone?"), or with a pronoun for
    the previous question's object ("can I share it on the school's Twitter?"), naming no
    crest, logo or person of its own and no safeguarding concern."""
    entities = message_entities(message)
    if entities.get("asset") or entities.get("person") or is_safeguarding_message(message):
        return False
    text = (message.get("text") or "").strip().lower()
    words = len(text.split())
    follows_on = words <= FOLLOW_UP_WORDS and re.match(FOLLOW_UP_OPENING, text) is not None
    pointing = words <= FOLLOW_UP_WORDS * 2 and POINTER.search(text) is not None
    return follows_on or pointing


def remember_answer(
    topics: list[Topic], paras: set[int], message: dict[str, Any]
) -> list[dict[str, Any]]:
    return [
        SlotSet("last_topic", topics[0].id),
        SlotSet("last_topics", [topic.id for topic in topics]),
        SlotSet("last_paras", sorted(paras)),
        SlotSet("last_situation", situation(message)),
    ]


def escalates(message: dict[str, Any], topics: list[Topic]) -> bool:
    """Whether the answer to `message` on `topics` carries the safeguarding escalation."""
    return any(topic.safeguarding for topic in topics) or is_safeguarding_message(message)


def safeguarding_state(tracker: Tracker, escalated: bool) -> list[dict[str, Any]]:
    """Opens the safeguarding turns with an escalation; any other answer closes them."""
    if escalated:
        return [SlotSet(SAFEGUARDING_SLOT, True)]
    return [SlotSet(SAFEGUARDING_SLOT, False)] if tracker.get_slot(SAFEGUARDING_SLOT) else []


def utter_safeguarding(
    dispatcher: CollectingDispatcher, message: dict[str, Any]
) -> list[dict[str, Any]]:
    events = utter_topics(dispatcher, message, [knowledge_base().safeguarding_topic])
    return [*events, SlotSet(SAFEGUARDING_SLOT, True)]


def close_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    message: dict[str, Any],
    topics: list[Topic],
    others: list[Topic],
) -> list[dict[str, Any]]:
    """After the answer to `message` on `topics`: the optional choices, unless it escalated a
    safeguarding concern (no "Did that answer your question?" then), and the safeguarding
    state."""
    escalated = escalates(message, topics)
    if not escalated:
        offer_choices(dispatcher, tracker.get_latest_input_channel(), others)
    return safeguarding_state(tracker, escalated)


def runner_up(message: dict[str, Any], topic: Topic) -> Topic | None:
    """The second most likely topic when the classifier could hardly tell it from the first."""
    ranking = message.get("intent_ranking") or []
    if len(ranking) < 2 or ranking[0].get("name") != topic.intent:
        return None
    if ranking[0].get("confidence", 0) - ranking[1].get("confidence", 0) > NEAR_TIE:
        return None
    return knowledge_base().topic_for_intent(ranking[1].get("name"))


def clause_topics(message: dict[str, Any], sure: bool = True) -> list[Topic]:
    """The topics of the parts of a message that asks several things ("... and ..."): the
    parts classified with confidence (`sure`), or the others."""
    kb, found = knowledge_base(), []
    for entity in message.get("entities") or []:
        if entity.get("entity") != CLAUSE_TOPIC_ENTITY:
            continue
        if (entity.get("confidence", 1.0) >= ANSWER_PART_CONFIDENCE) != sure:
            continue
        topic = kb.topic_for_intent(entity.get("value"))
        if topic and topic not in found:
            found.append(topic)
    return found


def other_choices(message: dict[str, Any], answered: list[Topic]) -> list[Topic]:
    """Topics the message may also be about, offered rather than answered: the runner-up
    when the classifier hesitated, and parts of the message it was unsure of."""
    candidates = [runner_up(message, answered[0]), *clause_topics(message, sure=False)]
    choices: list[Topic] = []
    for topic in candidates:
        if topic and topic not in answered and topic not in choices:
            choices.append(topic)
    return choices


def offer_choices(
    dispatcher: CollectingDispatcher, channel: str | None, others: list[Topic]
) -> None:
    """Ends an answer with the choices the user may take or ignore: other topics the
    question may be about, and whether the answer helped."""
    buttons = [{"title": other.title, "payload": f"/{other.intent}"} for other in others]
    if channel != SHELL_CHANNEL:
        text = "Did that answer your question?"
        if others:
            text += " If you meant something else, or asked about more, choose it below."
        dispatcher.utter_message(text=text, buttons=buttons + FEEDBACK_BUTTONS)
    elif others:
        dispatcher.utter_message(text="If you meant something else:", buttons=buttons)


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
        previous = knowledge_base().topic(tracker.get_slot("last_topic"))
        extent = None
        if previous and is_elliptical(message):
            # the previous question's rule, for the situation so far changed by this message
            topic, message = previous, with_situation(message, tracker)
        elif not escalates(message, [topic]):
            extent = coverage(message, topic.intent)
        if extent == NOT_COVERED:
            dispatcher.utter_message(text=OUT_OF_SCOPE)
            return []
        topics = [topic, *(t for t in clause_topics(message) if t != topic)]
        events = utter_topics(dispatcher, message, topics, partly=extent == PARTLY)
        others = other_choices(message, topics)
        return events + close_answer(dispatcher, tracker, message, topics, others)
