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

from actions.answerability import (
    ANSWERED,
    NOT_COVERED,
    PARTLY,
    coverage,
    covered_text,
    uncovered_clause,
)
from actions.answers import (
    ASK_REPHRASE,
    OUT_OF_SCOPE,
    clause_for_hr,
    mentions_safeguarding,
    partly_covered,
    policy_answer,
    reason,
)
from actions.ask_back import ask_back
from actions.claims import claim_asked
from actions.contacts import configured_contacts
from actions.feedback import reads_as_question
from actions.knowledge import (
    YES_NO_FORMS,
    Topic,
    canonical_entities,
    knowledge_base,
)
from actions.polarity import covered_form
from actions.quoted import quoted_paragraph, topic_quoted
from contracts import (
    CITES_ANOTHER,
    CLAUSE_ANSWERED_CONFIDENCE,
    CLAUSE_TOPIC_ENTITY,
    FACET_PREFIX,
    FOLLOW_UP_CONFIDENCE,
    FOLLOW_UP_ENTITY,
    NEW_CASE,
    QUESTION_FORM_CONFIDENCE,
    QUESTION_FORM_ENTITY,
    RELATED,
    SITUATION_ENTITY,
    STANDS_ALONE,
)

# a follow-up's own form must be surer to count: fragments ("and volunteers?") have no form
# of their own and take the previous question's
FOLLOW_UP_FORM_CONFIDENCE = 0.45
WHO_FORM = "who"
CONSEQUENCE_FORM = "consequence"
# rasa shell turns every button into a menu that must be answered before typing on, so the
# optional thumbs are not offered there.
SHELL_CHANNEL = "cmdline"
FEEDBACK_BUTTONS = [
    {"title": "👍 Yes", "payload": "/feedback_positive"},
    {"title": "👎 No", "payload": "/feedback_negative"},
]
NEAR_TIE = 0.05
# A part of an off-topic message is answered only when long enough to be a question of its
# own: "gifts and hospitality from contractors" is one subject, not two questions.
QUESTION_WORDS = 5
SAFEGUARDING_SLOT = "safeguarding_open"
# a short message the classifier takes this surely for a safeguarding concern ("a pupil is
# in danger") escalates even when it names a person the previous rule treats apart
SURE_OF_A_CONCERN = 0.5
# a pronoun or facet in a message the classifier takes this surely for another topic refers
# to that topic, not to the previous answer
SURE_OF_ITS_OWN_TOPIC = 0.5
# a new case the classifier takes this surely for another topic is a subject of its own ("and
# my own photo of people at the event?" after copyright); less surely, it is the previous
# rule's case ("even if my account is private?" after a question on naming one's employer)
SURE_OF_A_NEW_SUBJECT = 0.75
# what breaking a rule leads to is the same for every rule (paragraphs 29 and 30)
CONSEQUENCES_TOPIC = "disciplinary_consequences"
CONSEQUENCE_FACET = "consequence"
WHY_FACET = "why"
# what a follow-up may change and otherwise keeps: "what about Facebook?" after a question
# about a pupil's photo is still about a pupil. `situation` entities ("account.personal",
# "content.already_public") are kept per kind: "no, my personal account" replaces
# "account.official" and keeps "content.already_public".
SITUATION_ENTITIES = ("platform", "asset", "person", SITUATION_ENTITY)
ACCOUNT_KIND = "account."
KEPT = ("entity", "value", "confidence")
# a message that names a subject without asking anything about it
VAGUE_OPENING = re.compile(
    r"(hi,?\s+|hello,?\s+)?(i('ve| have)? (got |had )?(a|some) (quick )?(question|query|questions"
    r"|queries)|tell me|a question|question) (about|on|regarding|around|re)\b"
)
FOLLOW_UP_WORDS = 8
# a message the classifier could not place is a follow-up up to this length when it states
# a case of the previous rule ("they also want us to promote them on the market's instagram")
UNPLACED_FOLLOW_UP_WORDS = 16
# an unplaced message this short sharing this many distinctive words with the previous
# answer asks about that answer's rule
ECHO_WORDS = 12
ECHO_SHARED = 2
STEM_ENDING = re.compile(r"(ing|ed|es|s)$")
GENERIC_STEMS = {
    "social", "media", "policy", "city", "corporation", "corporat", "employe", "account",
    "post", "personal", "work", "what", "would", "could", "should", "about", "there", "their",
    "this", "that", "with", "have", "doe", "which", "when", "where", "them", "they", "your",
    "from", "into", "will", "were", "been", "also", "only", "just", "like", "more", "some",
    "other", "than", "then", "need", "must", "allow", "okay", "make", "any", "anyone",
}  # fmt: skip


def message_entities(message: dict[str, Any]) -> dict[str, set[str]]:
    return canonical_entities(message.get("entities") or [])


def question_form(
    message: dict[str, Any], confidence: float = QUESTION_FORM_CONFIDENCE
) -> str | None:
    """The form of a question on a policy topic, when classified at least this surely."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == QUESTION_FORM_ENTITY:
            sure = entity.get("confidence", 1.0) >= confidence
            return entity.get("value") if sure else None
    return None


def own_question_form(message: dict[str, Any]) -> str | None:
    """The form of a question classified on a policy topic; a follow-up ("what about
    Facebook?") asks the previous question again, so its own form is not the question's."""
    intent = (message.get("intent") or {}).get("name")
    return question_form(message) if knowledge_base().topic_for_intent(intent) else None


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
    form: str | None = None,
    partly: bool = False,
    uncovered: tuple[int, int] | None = None,
    follow_up: bool = False,
) -> list[dict[str, Any]]:
    """Answers each of `topics` for the latest message (a `follow_up` of the previous answer
    or not), opened for the question's `form` (by default the message's own) or for the claim
    it asks about, and remembers what was answered. The safeguarding escalation is given once,
    not after every answer. When the policy covers the question only `partly`, the first
    answer says so and hands the rest to Human Resources: with no verdict when the whole
    question is only partly covered, or as a whole answer to the policy question when only
    its `uncovered` clause asks about something else. When the first opens with a condition
    the question leaves open, it asks which case applies."""
    kb, contacts = knowledge_base(), configured_contacts()
    text = covered_text(message.get("text") or "", uncovered)
    entities = message_entities(message)
    form = form or own_question_form(message)
    if uncovered:
        form = covered_form(form, text)
    cited: set[int] = set()
    first_answer = ""
    escalated_elsewhere = any(topic.safeguarding for topic in topics)
    for position, topic in enumerate(topics):
        escalate_mentions = position == 0 and not escalated_elsewhere
        reply = policy_answer(
            kb,
            topic,
            text,
            entities,
            contacts,
            escalate_mentions,
            form,
            claim_asked(message, follow_up),
        )
        if partly and position == 0:
            reply = clause_for_hr(reply) if uncovered else partly_covered(reply)
        first_answer = first_answer or reply.messages[0]
        messages = list(reply.messages)
        if position:
            messages[0] = f"{also_a_question(topic)}\n{messages[0]}"
        for chat_message in messages:
            dispatcher.utter_message(text=chat_message)
        cited.update(reply.paras)
    if not partly and not escalates(message, topics):
        ask_back(dispatcher, topics[0], entities, first_answer)
    return remember_answer(topics, cited, message, form)


def situation(message: dict[str, Any]) -> list[dict[str, str]]:
    """The platforms, assets, people and situations a message names, as Rasa found them."""
    return [
        {
            key: e[key] if key == "confidence" else str(e[key])
            for key in KEPT
            if e.get(key) is not None
        }
        for e in message.get("entities") or []
        if e.get("entity") in SITUATION_ENTITIES
    ]


def slot_of(entity: dict[str, Any]) -> tuple[str, str]:
    """What part of the situation an entity fills: its type, and for a `situation` entity
    also its kind ("account" of "account.personal")."""
    kind = entity.get("entity") or ""
    if kind == SITUATION_ENTITY:
        return kind, str(entity.get("value", "")).split(".", 1)[0]
    return kind, ""


def with_situation(message: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
    """The follow-up with the previous question's situation for each part it does not name
    itself: "and on Facebook?" changes the platform and keeps the pupil; "no, my personal
    account" changes the account and keeps the content."""
    entities = list(message.get("entities") or [])
    named = {slot_of(entity) for entity in entities}
    previous = tracker.get_slot("last_situation") or []
    kept = [entity for entity in previous if slot_of(entity) not in named]
    return {**message, "entities": entities + kept}


def follow_up_form(message: dict[str, Any], tracker: Tracker) -> str | None:
    """A follow-up asks the previous question again, so its answer opens for that
    question's yes/no form ("and volunteers?" after "does the policy apply to contractors?"
    gets "Yes"); after a wh-question, or none, or when it asks who ("who enforces this?"),
    for the follow-up's own form ("even if my account is private?")."""
    previous = tracker.get_slot("last_form")
    if not reads_as_question(message.get("text") or ""):
        # a statement ("it's for a receptionist role") asks the previous question again
        return previous
    own = question_form(message, FOLLOW_UP_FORM_CONFIDENCE)
    if previous in YES_NO_FORMS and own not in YES_NO_FORMS and own != WHO_FORM:
        return previous
    return own or previous


def rule_conditions(topic: Topic) -> set[str]:
    """The situations ("account.personal") and people ("pupil") a topic's rules treat apart."""
    return {c for rule in topic.rules for c in (*rule.situations, *rule.applies_to)}


def sure_of_a_concern(message: dict[str, Any]) -> bool:
    intent = message.get("intent") or {}
    topic = knowledge_base().topic_for_intent(intent.get("name"))
    return bool(topic and topic.safeguarding) and intent.get("confidence", 0) >= SURE_OF_A_CONCERN


def changes_situation(
    message: dict[str, Any], previous: Topic, words: int = FOLLOW_UP_WORDS
) -> bool:
    """Whether a message of at most `words` words only states a case the previous answer's
    rule treats apart ("there are kids in it" after a photo question, "it's for a receptionist
    role" after one on screening candidates): the rule is answered again for that case. A
    safeguarding concern, in its words or as the classifier is fairly sure of it, is never
    taken for one."""
    if len((message.get("text") or "").split()) > words:
        return False
    if is_safeguarding_message(message) or sure_of_a_concern(message):
        return False
    entities = message_entities(message)
    named = entities.get(SITUATION_ENTITY, set()) | entities.get("person", set())
    return bool(named & rule_conditions(previous))


def case_of_another_rule(message: dict[str, Any], previous: Topic) -> Topic | None:
    """The one other topic whose rules treat apart a situation a follow-up states and the
    previous rule does not: the follow-up changes the case so that another rule answers it
    ("what if I use a fake name?" after privacy settings is the anonymity rule; "and me? I'm
    in marketing but not sure I'm authorised" after partner organisations, the rule on who
    may post from official accounts). A situation several topics treat apart names none, nor
    does the account (every question is asked of some account: "can I share it on the
    school's Twitter then?" after a photo question is still the photo rule), nor a message
    that also states a case of the previous rule ("can we retweet TfL though?" in a crisis)."""
    conditions = rule_conditions(previous)
    named = {
        value
        for value in message_entities(message).get(SITUATION_ENTITY, set())
        if not value.startswith(ACCOUNT_KIND)
    }
    if named & conditions:
        return None
    owners = [t for t in knowledge_base().topics if t != previous and named & rule_conditions(t)]
    return owners[0] if len(owners) == 1 else None


def continues(message: dict[str, Any], previous: Topic) -> bool:
    """Whether a message goes on from the previous answer's rule rather than asking a
    question of its own: also a new case that another rule treats apart, which asks the
    previous question again under that rule ("what if I use a fake name?" after "my facebook
    is private so I can say what I want, yeah?" is answered "No." from the anonymity rule)."""
    if changes_situation(message, previous) or is_elliptical(message, previous):
        return True
    return follow_up_kind(message) == NEW_CASE and bool(case_of_another_rule(message, previous))


def follow_up_kind(message: dict[str, Any]) -> str:
    """What the message is relative to the conversation (addons/follow_up.py): a follow-up
    kind when the recogniser is sure enough, otherwise a question of its own."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == FOLLOW_UP_ENTITY:
            sure = entity.get("confidence", 1.0) >= FOLLOW_UP_CONFIDENCE
            return str(entity.get("value")) if sure else STANDS_ALONE
    return STANDS_ALONE


def facet_asked(message: dict[str, Any]) -> str | None:
    """The facet of the previous rule a follow-up asks ("who", "when" ...), if any."""
    kind = follow_up_kind(message)
    return kind.removeprefix(FACET_PREFIX) if kind.startswith(FACET_PREFIX) else None


def is_elliptical(message: dict[str, Any], previous: Topic | None = None) -> bool:
    """Whether a message goes on from the previous question rather than asking one of its
    own, as the recogniser labels it ("even on my own phone?", "is it likely to be refused?",
    "can I share it on the school's Twitter?"), naming no crest or logo, no person other
    than those the `previous` rule treats apart, and no safeguarding concern. A pronoun or a
    facet the classifier places surely on another topic belongs to that topic ("could they
    check if I'm on it all afternoon?" after a question on personal use asks about
    monitoring), and so does a new case the classifier is very sure of ("and my own photo of
    people at the event?" after copyright); what breaking the rule leads to goes to the
    consequences whatever the classifier says."""
    entities = message_entities(message)
    people = entities.get("person", set()) - (rule_conditions(previous) if previous else set())
    if entities.get("asset") or people or is_safeguarding_message(message):
        return False
    kind = follow_up_kind(message)
    if kind in (STANDS_ALONE, RELATED, CITES_ANOTHER):
        return False
    if asks_consequences(message):
        return True
    sure = SURE_OF_A_NEW_SUBJECT if kind == NEW_CASE else SURE_OF_ITS_OWN_TOPIC
    return not placed_elsewhere(message, previous, sure)


def placed_elsewhere(
    message: dict[str, Any], previous: Topic | None, sure: float = SURE_OF_ITS_OWN_TOPIC
) -> bool:
    """Whether the classifier places the message at least this `sure`ly on a policy topic
    other than `previous`."""
    intent = message.get("intent") or {}
    topic = knowledge_base().topic_for_intent(intent.get("name"))
    return bool(topic and topic != previous and intent.get("confidence", 0) >= sure)


def ranked_topics(message: dict[str, Any]) -> list[tuple[Topic, float]]:
    """The policy topics of the classifier's ranking, most likely first, with confidences."""
    kb = knowledge_base()
    ranked = (
        (kb.topic_for_intent(i.get("name")), i.get("confidence", 0.0))
        for i in message.get("intent_ranking") or []
    )
    return [(topic, confidence) for topic, confidence in ranked if topic]


def asks_related(message: dict[str, Any]) -> bool:
    """Whether a follow-up asks about another matter of the previous answer's subject
    ("anything else I should watch out for on the panel?")."""
    return follow_up_kind(message) == RELATED


def related_topic(message: dict[str, Any], previous: Topic) -> Topic:
    """The topic of the previous answer's help-menu area the classifier ranks highest for a
    follow-up asking what else to know ("anything else to watch out for on the panel?" after
    checking candidates' social media: equality in recruitment), the area's most common other
    topic when it ranks none, and the previous topic when its area has no other."""
    siblings = area_siblings(previous)
    ranked = [topic for topic, _ in ranked_topics(message) if topic in siblings]
    return next(iter(ranked + siblings), previous)


def stems(text: str) -> set[str]:
    """The message's distinctive words, roughly stemmed ("reasons", "checking": "reason",
    "check"), without the words every answer shares."""
    words = re.findall(r"[a-z]{4,}", text.lower())
    return {STEM_ENDING.sub("", word) for word in words} - GENERIC_STEMS


def echoes_rule(message: dict[str, Any], topic: Topic) -> bool:
    """Whether a message the classifier could not place asks about the rule just answered:
    short, and sharing distinctive words with its answer ("what would count as a valid
    reason to check?" after the monitoring answer's "valid reasons for checking")."""
    text = message.get("text") or ""
    if len(text.split()) > ECHO_WORDS:
        return False
    wording = " ".join([topic.answer, *(rule.answer for rule in topic.rules)])
    return len(stems(text) & stems(wording)) >= ECHO_SHARED


def asks_consequences(message: dict[str, Any]) -> bool:
    """Whether a follow-up asks what breaking the previous rule leads to ("could that get
    me sacked?")."""
    return facet_asked(message) == CONSEQUENCE_FACET


def remember_answer(
    topics: list[Topic], paras: set[int], message: dict[str, Any], form: str | None
) -> list[dict[str, Any]]:
    return [
        SlotSet("last_topic", topics[0].id),
        SlotSet("last_topics", [topic.id for topic in topics]),
        SlotSet("last_paras", sorted(paras)),
        SlotSet("last_situation", situation(message)),
        SlotSet("last_form", form),
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


def clause_topics(message: dict[str, Any], sure: bool = True, min_words: int = 0) -> list[Topic]:
    """The topics of the parts of a message that asks several things ("... and ..."): the
    parts classified with confidence (`sure`), or the others; parts of `min_words` or more."""
    kb, found, text = knowledge_base(), [], message.get("text") or ""
    for entity in message.get("entities") or []:
        if entity.get("entity") != CLAUSE_TOPIC_ENTITY:
            continue
        if (entity.get("confidence", 1.0) >= CLAUSE_ANSWERED_CONFIDENCE) != sure:
            continue
        if len(text[entity.get("start", 0) : entity.get("end", len(text))].split()) < min_words:
            continue
        topic = kb.topic_for_intent(entity.get("value"))
        if topic and topic not in found:
            found.append(topic)
    return found


def is_vague(message: dict[str, Any]) -> bool:
    """Whether a message names a subject without asking anything about it ("I have a
    question about recruitment and social media")."""
    return VAGUE_OPENING.match((message.get("text") or "").strip().lower()) is not None


def area_siblings(topic: Topic) -> list[Topic]:
    """The other topics of the help-menu area `topic` is in, most common first."""
    kb = knowledge_base()
    area = next((a for a in kb.areas if topic.id in a.topic_ids), None)
    siblings = (kb.topic(i) for i in area.topic_ids) if area else ()
    return [t for t in siblings if t and t != topic]


def other_choices(message: dict[str, Any], answered: list[Topic]) -> list[Topic]:
    """Topics the message may also be about, offered rather than answered: the runner-up
    when the classifier hesitated, parts of the message it was unsure of, and, when the
    message only names a subject, the rest of that subject's area."""
    candidates = [runner_up(message, answered[0]), *clause_topics(message, sure=False)]
    if is_vague(message):
        candidates += area_siblings(answered[0])
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


def continuation(
    message: dict[str, Any], previous: Topic, tracker: Tracker
) -> tuple[Topic, str | None, dict[str, Any]]:
    """The topic, form and message to answer a follow-up of the `previous` answer with:
    what breaking any rule leads to ("could that get me disciplined?"), or the previous
    question asked again for the situation so far changed by this message, under the rule
    that treats the new case apart (the previous one unless another does)."""
    if asks_consequences(message):
        topic = knowledge_base().known_topic(CONSEQUENCES_TOPIC)
        return topic, own_question_form(message) or CONSEQUENCE_FORM, message
    topic = case_of_another_rule(message, previous) or previous
    return topic, follow_up_form(message, tracker), with_situation(message, tracker)


def extent_covered(message: dict[str, Any], topic: Topic) -> str:
    """How far the policy covers a message put on `topic` (actions/answerability.py), where
    only a whole message the policy says nothing of is declined: one quoting the policy's own
    words asks about them, and one with a part of its own surely on a topic is covered in
    part ("can I expense a tripod, and does the account need approval first?")."""
    extent = coverage(message, topic.intent)
    if extent != NOT_COVERED:
        return extent
    if quoted_paragraph(message.get("text") or "") is not None:
        return ANSWERED
    return PARTLY if clause_topics(message, min_words=QUESTION_WORDS) else NOT_COVERED


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
        topic = topic_quoted(message.get("text") or "", topic)
        previous = knowledge_base().topic(tracker.get_slot("last_topic"))
        form, extent, continued = None, None, False
        if previous == topic and asks_related(message) and not placed_elsewhere(message, None):
            # the classifier's guess at the previous topic, for want of a subject of its own
            topic = related_topic(message, previous)
        elif previous and continues(message, previous):
            if facet_asked(message) == WHY_FACET:
                dispatcher.utter_message(text=reason(previous))
                return []
            topic, form, message = continuation(message, previous, tracker)
            continued = True
        elif not escalates(message, [topic]):
            extent = extent_covered(message, topic)
        if extent == NOT_COVERED:
            dispatcher.utter_message(text=OUT_OF_SCOPE)
            return []
        topics = [topic, *(t for t in clause_topics(message) if t != topic)]
        partly = extent == PARTLY
        uncovered = uncovered_clause(message) if partly else None
        events = utter_topics(dispatcher, message, topics, form, partly, uncovered, continued)
        others = other_choices(message, topics)
        return events + close_answer(dispatcher, tracker, message, topics, others)
