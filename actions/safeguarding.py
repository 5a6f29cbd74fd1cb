"""The turns after a safeguarding escalation (the `safeguarding_open` slot is set).

action_safeguarding_follow_up answers what a worried person asks next from paragraph 33
only: whom to go to first (the DSL), what if the DSL cannot be the one (the LADO), where the
LADO is, whether to friend or follow the person after all (no); for anything the policy does
not say ("should I tell the parents?") it says so and gives the same route, never a guess.
Thanks get a short acknowledgement without a citation. A message that brings a topic of its
own ends the safeguarding turns and gets the ordinary answer. No reply here offers the thumbs.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import source_line
from actions.clarify import ActionClarify
from actions.contacts import configured_contacts, contact_line
from actions.feedback import reads_as_question
from actions.follow_ups import ActionAnswerFacet, ActionAnswerFollowUp
from actions.knowledge import YES_NO_FORMS, contains_phrase, knowledge_base
from actions.out_of_scope import ActionDeclineOutOfScope
from actions.policy_answer import (
    SAFEGUARDING_SLOT,
    ActionAnswerPolicy,
    message_entities,
    question_form,
)

DCCS = "the Department of Community & Children's Services"
SAFEGUARDING_INTENTS = {"report_safeguarding_concern", "ask_contact_with_pupils"}
THANK_INTENT = "thank"
ACKNOWLEDGEMENT_OPENINGS = (
    "thanks", "thank", "cheers", "ok", "okay", "will do", "i'll", "ill", "i will", "great",
    "right", "got it", "understood", "noted", "ta",
)  # fmt: skip
# words that tie a message to the concern just raised rather than to a topic of its own
CONCERN_WORDS = (
    "dsl", "lado", "designated", "safeguarding", "parent", "parents", "guardian", "guardians",
    "police", "first", "him", "her", "them", "they", "he", "she", "the person", "this person",
    "report it", "tell someone", "evidence", "screenshot", "screenshots",
)  # fmt: skip
# asking whether to connect with the pupil or vulnerable person online, which paragraph 33
# rules out ("can I just follow her back?")
CONTACT_WORDS = (
    "follow", "friend", "befriend", "accept", "add her", "add him", "add them", "connect",
)  # fmt: skip
SAFEGUARDING_PERSONS = {"pupil", "vulnerable person"}
BEFRIENDING_TOPIC = "contact_with_pupils"
FOLLOW_UP_INTENT = "follow_up_other"
FORMER_WORDS = ("former", "ex", "old", "used to", "left", "leave", "leaves", "leaver", "adult")
# a follow-up asking the same question in other circumstances
CIRCUMSTANCE_OPENING = re.compile(r"(and |but |so )?(what if|even if|even though)\b")
SHORT_MESSAGE_WORDS = 6
SURE = 0.5
ACKNOWLEDGED = (
    "You're welcome. Is there anything else about the Social Media Policy I can help with?"
)


def role(key: str) -> str:
    return knowledge_base().role_names[key]


def opening(text: str, openings: tuple[str, ...]) -> str | None:
    """Which of `openings` the text starts with, as a whole word."""
    text = text.strip().lower()
    return next((o for o in openings if re.match(rf"{re.escape(o)}\b", text)), None)


def is_acknowledgement(text: str, intent: str | None) -> bool:
    """Thanks or an "ok" that asks nothing more ("ok, should I tell the parents?" asks)."""
    thanks = opening(text, ACKNOWLEDGEMENT_OPENINGS)
    if not thanks and intent != THANK_INTENT:
        return False
    rest = text.strip()[len(thanks or "") :].strip(" ,.!-")
    return "?" not in text and not (rest and reads_as_question(rest))


def continues_concern(message: dict[str, Any]) -> bool:
    """Whether a message goes on about the concern just raised, rather than asking about a
    topic of its own: a safeguarding intent, thanks, a word that points back at the concern,
    or a short message the classifier places nowhere in particular."""
    text = message.get("text") or ""
    intent = message.get("intent") or {}
    if intent.get("name") in SAFEGUARDING_INTENTS or is_acknowledgement(text, intent.get("name")):
        return True
    if any(contains_phrase(text, word) for word in CONCERN_WORDS):
        return True
    entities = message_entities(message)
    if entities.get("person", set()) & SAFEGUARDING_PERSONS:
        return True
    short = len(text.split()) <= SHORT_MESSAGE_WORDS and not entities.get("platform")
    return short and intent.get("confidence", 0) < SURE


def with_contacts(text: str, roles: tuple[str, ...]) -> str:
    """A reply citing paragraph 33, then HR's configured contact details for `roles`."""
    contacts = configured_contacts()
    lines = [f"{text}\n{source_line([33])}"]
    lines += [contact_line(role(key), contacts[key]) for key in roles if key in contacts]
    return "\n".join(lines)


def first_contact() -> str:
    return with_contacts(
        f"Contact the {role('dsl')} first. The policy also names the {role('lado')}, "
        f"within {DCCS}, whom you can contact instead.",
        ("dsl", "lado"),
    )


def when_the_dsl_cannot_be_asked(asks_for_the_lado: bool = False) -> str:
    """Whom to contact instead of the DSL; "Yes" first when asked whether it may be the LADO
    ("can I go straight to the LADO?"): paragraph 33 names either."""
    opening = "Yes. Contact" if asks_for_the_lado else "Contact"
    return with_contacts(
        f"{opening} the {role('lado')}, within {DCCS}. For a concern about an individual's "
        f"behaviour the policy names two contacts: the {role('dsl')} in the first instance, "
        "or the LADO.",
        ("lado",),
    )


def where_the_lado_is() -> str:
    return with_contacts(
        f"The {role('lado')} is within {DCCS}. You can contact the LADO about a concern "
        f"instead of the {role('dsl')}.",
        ("lado",),
    )


def boundaries() -> str:
    return with_contacts(
        "No. Under no circumstances should employees who work with pupils or other vulnerable "
        "persons “friend” or “follow” that person online: appropriate professional boundaries "
        f"must be maintained at all times. If you are worried, contact the {role('dsl')} in "
        f"the first instance, or the {role('lado')}, within {DCCS}.",
        ("dsl", "lado"),
    )


def policy_is_silent() -> str:
    return with_contacts(
        "The Social Media Policy doesn't say. For any concern about an individual's behaviour "
        f"towards a pupil or vulnerable person, it says to contact the {role('dsl')} in the "
        f"first instance, or the {role('lado')}, within {DCCS}.",
        ("dsl", "lado"),
    )


def asks_whether_the_lado(text: str, form: str | None) -> bool:
    """Whether a yes/no question asks about going to the LADO ("can I go straight to the
    LADO instead?")."""
    names_lado = contains_phrase(text, "lado") or contains_phrase(text, "designated officer")
    return names_lado and form in YES_NO_FORMS


def follow_up_reply(text: str, intent: str | None, form: str | None = None) -> str:
    """The reply to a message about the concern just raised, asked in the question `form`."""
    if is_acknowledgement(text, intent):
        return ACKNOWLEDGED
    if any(contains_phrase(text, word) for word in CONTACT_WORDS):
        return boundaries()
    if asks_whether_the_lado(text, form):
        return when_the_dsl_cannot_be_asked(asks_for_the_lado=True)
    if contains_phrase(text, "dsl") or contains_phrase(text, "designated safeguarding lead"):
        return when_the_dsl_cannot_be_asked()
    if contains_phrase(text, "lado") or contains_phrase(text, "designated officer"):
        return where_the_lado_is()
    if contains_phrase(text, "first") or opening(text, ("who", "where do i go")):
        return first_contact()
    return policy_is_silent()


def asks_befriending_again(message: dict[str, Any], last_topic: str | None) -> bool:
    """After the answer on befriending a pupil or vulnerable person, the same question for
    another one ("what about a pupil?") or in other circumstances ("what if her mum asked
    me to?"), which paragraph 33 rules out "under no circumstances"; not for a former pupil,
    of whom the policy says nothing."""
    text = message.get("text") or ""
    if last_topic != BEFRIENDING_TOPIC or any(contains_phrase(text, w) for w in FORMER_WORDS):
        return False
    people = message_entities(message).get("person", set())
    another_one = (message.get("intent") or {}).get("name") == FOLLOW_UP_INTENT and bool(
        people & SAFEGUARDING_PERSONS
    )
    return another_one or CIRCUMSTANCE_OPENING.match(text.strip().lower()) is not None


def ordinary_action(intent: str | None) -> Action:
    """The action that answers `intent` outside the safeguarding turns."""
    return {
        "out_of_scope": ActionDeclineOutOfScope,
        "nlu_fallback": ActionClarify,
        "follow_up_other": ActionAnswerFollowUp,
        "ask_facet": ActionAnswerFacet,
    }.get(intent or "", ActionAnswerPolicy)()


class ActionSafeguardingFollowUp(Action):
    def name(self) -> str:
        return "action_safeguarding_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        if continues_concern(message):
            if asks_befriending_again(message, tracker.get_slot("last_topic")):
                dispatcher.utter_message(text=boundaries())
            else:
                text = message.get("text") or ""
                reply = follow_up_reply(text, intent, question_form(message))
                dispatcher.utter_message(text=reply)
            return []
        events = await ordinary_action(intent).run(dispatcher, tracker, domain)
        if not any(e.get("name") == SAFEGUARDING_SLOT for e in events):
            events.append(SlotSet(SAFEGUARDING_SLOT, False))
        return events
