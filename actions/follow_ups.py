"""Questions about the previous answer: the same question for another platform, account or
person ("what about Facebook?"), one facet of the same rule ("who decides that?", "how
quickly?"), the policy's reason ("why?"), its exact words ("quote it") and where it says so
("which paragraph is that?"). The previous answer's topics, cited paragraphs and situation
(the platforms, assets and people its question named) are in the slots that
actions/policy_answer.py sets."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import reason, role_contacts, source_line
from actions.ask_back import asked_which_case
from actions.contacts import configured_contacts
from actions.feedback import reads_as_question
from actions.knowledge import (
    POLICY_DIR,
    Topic,
    knowledge_base,
    paragraph_sections,
    paragraphs,
)
from actions.policy_answer import (
    CONSEQUENCES_TOPIC,
    UNPLACED_FOLLOW_UP_WORDS,
    WHY_FACET,
    asks_consequences,
    asks_related,
    case_of_another_rule,
    changes_situation,
    close_answer,
    continues,
    echoes_rule,
    facet_asked,
    follow_up_form,
    follow_up_kind,
    is_safeguarding_message,
    message_entities,
    ranked_topics,
    related_topic,
    remember_answer,
    utter_topics,
    with_situation,
)
from contracts import CITES_ANOTHER

NO_CONTEXT = (
    "I haven't answered a question in this conversation yet, so I'm not sure what you mean. "
    'Ask me about the Social Media Policy, or type "help" to see what you can ask.'
)
QUOTE_BUTTON = {"title": "Quote the policy", "payload": "/ask_quote"}
# the question form whose answer opens without a verdict word (addons/question_form.py)
WH_FORM = "wh"
# the only rule on the crest, coat of arms and logos (paragraph 23, with 11 and 15 for official
# accounts)
ASSET_TOPIC = "crest_logo_personal"

# the least confidence at which the classifier's best topic is taken for the subject a
# citation request names ("which paragraph covers fake names?")
NAMED_SUBJECT_CONFIDENCE = 0.05

MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def previous_topics(tracker: Tracker) -> list[Topic]:
    kb = knowledge_base()
    ids = tracker.get_slot("last_topics") or [tracker.get_slot("last_topic")]
    return [topic for topic in map(kb.topic, ids) if topic]


def previous_paras(tracker: Tracker) -> list[int]:
    cited = tracker.get_slot("last_paras")
    if cited:
        return [int(number) for number in cited]
    return sorted({n for topic in previous_topics(tracker) for n in topic.paras})


def plain(text: str) -> str:
    """The policy's text without its Markdown emphasis and link targets."""
    return MARKDOWN_LINK.sub(r"\1", text).replace("**", "")


def quotation(number: int) -> str:
    return f"Paragraph {number} ({paragraph_sections()[number]}):\n“{plain(paragraphs()[number])}”"


def and_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def places(numbers: list[int]) -> str:
    """'paragraph 23 (Personal Use)', 'paragraphs 22 and 23 (Personal Use) and 33 (...)'."""
    by_section: dict[str, list[str]] = {}
    for number in sorted(numbers):
        by_section.setdefault(paragraph_sections()[number], []).append(str(number))
    parts = [f"{and_join(found)} ({section})" for section, found in by_section.items()]
    return f"{'paragraph' if len(numbers) == 1 else 'paragraphs'} {and_join(parts)}"


def answer_again(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    message: dict[str, Any],
    topic: Topic,
    form: str | None = None,
) -> list[dict[str, Any]]:
    """The previous answer's topic answered again for the situation `message` describes,
    opened for `form` (by default the question's the follow-up repeats)."""
    form = form or follow_up_form(message, tracker)
    events = utter_topics(dispatcher, message, [topic], form, follow_up=True)
    return events + close_answer(dispatcher, tracker, message, [topic], [])


def answer_consequences(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any]
) -> list[dict[str, Any]]:
    """What breaking the previous answer's rule may lead to ("and what happens if I do?")."""
    topic = knowledge_base().known_topic(CONSEQUENCES_TOPIC)
    events = utter_topics(dispatcher, message, [topic])
    return events + close_answer(dispatcher, tracker, message, [topic], [])


def answer_related(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any], previous: Topic
) -> list[dict[str, Any]]:
    """Another matter of the previous answer's subject ("anything else to watch out for on
    the panel?"): the related topic's answer, as a question of its own."""
    topic = related_topic(message, previous)
    events = utter_topics(dispatcher, message, [topic])
    return events + close_answer(dispatcher, tracker, message, [topic], [])


def asset_topic(message: dict[str, Any]) -> Topic | None:
    """The crest and logos rule when a follow-up names the crest or a logo ("and the
    crest?" after a question about photos): only that rule says anything about them."""
    if message_entities(message).get("asset"):
        return knowledge_base().known_topic(ASSET_TOPIC)
    return None


def answer_safeguarding(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any]
) -> list[dict[str, Any]]:
    """A follow-up about contact with, or a concern about, a pupil or vulnerable person:
    the safeguarding topic it ranks first (befriending, or a concern), with the escalation."""
    kb = knowledge_base()
    ranked = (kb.topic_for_intent(i.get("name")) for i in message.get("intent_ranking") or [])
    topic = next((t for t in ranked if t and t.safeguarding), kb.safeguarding_topic)
    events = utter_topics(dispatcher, message, [topic])
    return events + close_answer(dispatcher, tracker, message, [topic], [])


class ActionAnswerFollowUp(Action):
    """The previous question again, for what the follow-up names: a variant of the topic's
    answer matches the new platform, account or person when the policy treats it apart. Asked
    what happens if one does it, the consequences of a breach."""

    def name(self) -> str:
        return "action_answer_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topics = previous_topics(tracker)
        if not topics:
            dispatcher.utter_message(text=NO_CONTEXT)
            return []
        if asks_consequences(tracker.latest_message):
            return answer_consequences(dispatcher, tracker, tracker.latest_message)
        if is_safeguarding_message(tracker.latest_message):
            # "and what about friending a pupil?" is a concern of its own, not the old rule
            return answer_safeguarding(dispatcher, tracker, tracker.latest_message)
        message = tracker.latest_message
        if asks_related(message):
            return answer_related(dispatcher, tracker, message, topics[0])
        topic = asset_topic(message) or case_of_another_rule(message, topics[0]) or topics[0]
        message = with_situation(message, tracker)
        return answer_again(dispatcher, tracker, message, topic)


@dataclass(frozen=True)
class Detail:
    """A facet's answer, and the answers for people the rule treats apart (`for_person`:
    canonical person, e.g. "pupil", to answer)."""

    answer: str
    paras: tuple[int, ...]
    for_person: dict[str, str] = field(default_factory=dict)

    def answer_for(self, people: set[str]) -> str:
        return next(
            (self.for_person[p] for p in sorted(people) if p in self.for_person), self.answer
        )


# asked who decides or must be told about a rule that names no one (paragraph 5)
NAMES_NO_ONE = Detail(
    "The policy names no one for that part of its rule. The Director of Human Resources is "
    "responsible for the interpretation, advice and management of the policy on behalf of the "
    "City of London Corporation.",
    (5,),
)


@cache
def details() -> dict[str, dict[str, Detail]]:
    """data/policy/details.yml: per topic id, per facet, the answer and its paragraphs."""
    raw = yaml.safe_load((POLICY_DIR / "details.yml").read_text(encoding="utf-8"))["details"]
    return {
        topic_id: {
            facet: Detail(detail["answer"], tuple(detail["paras"]), detail.get("for_person", {}))
            for facet, detail in facets.items()
        }
        for topic_id, facets in raw.items()
    }


class ActionAnswerFacet(Action):
    """One facet of the previous answer's rule, role or time first, from that rule's
    paragraphs; a facet the policy data does not single out gets the whole answer again,
    for the situation so far."""

    def name(self) -> str:
        return "action_answer_facet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topics = previous_topics(tracker)
        if not topics:
            dispatcher.utter_message(text=NO_CONTEXT)
            return []
        return answer_facet(dispatcher, tracker, tracker.latest_message, topics[0])


def facet_detail(topic: Topic, message: dict[str, Any]) -> Detail | None:
    """The detail of `topic` a follow-up asks about, if the policy data singles it out."""
    facet = facet_asked(message)
    detail = details().get(topic.id, {}).get(facet) if facet else None
    if detail is None and facet == "who" and not topic.roles:
        return NAMES_NO_ONE
    return detail


def answer_facet(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any], topic: Topic
) -> list[dict[str, Any]]:
    """One facet of `topic`, the previous answer's rule, or the whole rule for the situation
    so far when the policy data does not single the facet out."""
    if asks_related(message):
        return answer_related(dispatcher, tracker, message, topic)
    message = with_situation(message, tracker)
    if asks_consequences(message):
        return answer_consequences(dispatcher, tracker, message)
    if facet_asked(message) == WHY_FACET:
        dispatcher.utter_message(text=reason(topic))
        return []
    if facet_asked(message) is None:
        # no facet after all ("it's for a receptionist role"): the rule for the new case,
        # opened for the question the follow-up goes on from
        return answer_again(dispatcher, tracker, message, topic)
    detail = facet_detail(topic, message)
    if detail is None:
        # the whole rule, without a verdict that would read as the answer to the facet
        return answer_again(dispatcher, tracker, message, topic, WH_FORM)
    form = tracker.get_slot("last_form")
    events = utter_detail(dispatcher, topic, detail, message, form)
    return events + close_answer(dispatcher, tracker, message, [topic], [])


def goes_on_from(message: dict[str, Any], topic: Topic, tracker: Tracker) -> bool:
    """Whether a message the classifier took for no policy question goes on from the
    previous answer's `topic`: it reads as a follow-up ("where can I get more specific
    advice?"), asks what else its subject holds ("anything else to watch out for?"), states a
    case of that answer's rule ("they also want us to promote them on the market's
    instagram") or answers the question which case it is ("they're of my team at the away
    day"), or shares distinctive words with that answer ("what would count as a valid
    reason to check?")."""
    return (
        continues(message, topic)
        or asks_related(message)
        or changes_situation(message, topic, UNPLACED_FOLLOW_UP_WORDS)
        or answers_which_case(message, tracker)
        or echoes_rule(message, topic)
    )


def answers_which_case(message: dict[str, Any], tracker: Tracker) -> bool:
    """Whether a message states the case the previous answer asked about: a short statement
    typed instead of a button."""
    text = message.get("text") or ""
    short = len(text.split()) <= UNPLACED_FOLLOW_UP_WORDS
    return short and not reads_as_question(text) and asked_which_case(tracker)


def answer_continuation(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any], topic: Topic
) -> list[dict[str, Any]]:
    """A message the classifier took for no policy question that goes on from the previous
    answer's `topic`: the facet it asks about, or the question again for the changed
    situation, under the rule that treats the new case apart."""
    if facet_asked(message) or asks_related(message):
        return answer_facet(dispatcher, tracker, message, topic)
    topic = case_of_another_rule(message, topic) or topic
    return answer_again(dispatcher, tracker, with_situation(message, tracker), topic)


def utter_detail(
    dispatcher: CollectingDispatcher,
    topic: Topic,
    detail: Detail,
    message: dict[str, Any],
    form: str | None,
) -> list[dict[str, Any]]:
    answer = detail.answer_for(message_entities(message).get("person", set()))
    dispatcher.utter_message(text=f"{answer}\n{source_line(detail.paras)}")
    kb = knowledge_base()
    if contacts := role_contacts(kb, topic.roles, configured_contacts()):
        dispatcher.utter_message(text=contacts)
    return remember_answer([topic], set(detail.paras), message, form)


def named_subject(message: dict[str, Any]) -> Topic | None:
    """The subject a request for paragraphs or words names, when it names one ("which
    paragraph was the one about fake names?"): the classifier's likeliest policy topic,
    whichever answer came before."""
    if follow_up_kind(message) != CITES_ANOTHER:
        return None
    ranked = [t for t, sure in ranked_topics(message) if sure >= NAMED_SUBJECT_CONFIDENCE]
    return ranked[0] if ranked else None


def cited_paras(tracker: Tracker) -> list[int]:
    """The paragraphs a request for paragraphs or words asks for: the subject's it names,
    or else the previous answer's."""
    named = named_subject(tracker.latest_message)
    return sorted(named.paras) if named else previous_paras(tracker)


def remember_subject(tracker: Tracker) -> list[dict[str, Any]]:
    """A subject the request names becomes the one the next follow-up goes on from."""
    named = named_subject(tracker.latest_message)
    if named is None:
        return []
    return [
        SlotSet("last_topic", named.id),
        SlotSet("last_topics", [named.id]),
        SlotSet("last_paras", sorted(named.paras)),
    ]


class AboutPreviousAnswer(Action, ABC):
    """An action that tells something about the previous answer (`replies`), or says there
    was none. Abstract, so that rasa-sdk does not register it as an action of its own."""

    @abstractmethod
    def replies(self, tracker: Tracker) -> list[dict[str, Any]]:
        """The messages to send, none when there is no previous answer."""

    def remembered(self, tracker: Tracker) -> list[dict[str, Any]]:
        """The events that change what the next follow-up goes on from."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        replies = self.replies(tracker)
        for reply in replies or [{"text": NO_CONTEXT}]:
            dispatcher.utter_message(**reply)
        return self.remembered(tracker) if replies else []


class ActionExplainWhy(AboutPreviousAnswer):
    def name(self) -> str:
        return "action_explain_why"

    def replies(self, tracker: Tracker) -> list[dict[str, Any]]:
        topics = previous_topics(tracker)
        return [{"text": reason(topic, headed=len(topics) > 1)} for topic in topics]


class ActionQuoteParagraphs(AboutPreviousAnswer):
    def name(self) -> str:
        return "action_quote_paragraphs"

    def remembered(self, tracker: Tracker) -> list[dict[str, Any]]:
        return remember_subject(tracker)

    def replies(self, tracker: Tracker) -> list[dict[str, Any]]:
        return [{"text": quotation(number)} for number in cited_paras(tracker)]


class ActionNameParagraphs(AboutPreviousAnswer):
    def name(self) -> str:
        return "action_name_paragraphs"

    def remembered(self, tracker: Tracker) -> list[dict[str, Any]]:
        return remember_subject(tracker)

    def replies(self, tracker: Tracker) -> list[dict[str, Any]]:
        numbers = cited_paras(tracker)
        if not numbers:
            return []
        named = named_subject(tracker.latest_message)
        opening = f'"{named.title}" is in' if named else "That answer comes from"
        text = f"{opening} {places(numbers)} of the Social Media Policy."
        return [{"text": text, "buttons": [QUOTE_BUTTON]}]
