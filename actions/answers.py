"""Composes the assistant's replies from the knowledge base. No Rasa imports: the
actions call these functions, and the tests call them directly."""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.claims import AskedClaim, Claim
from actions.contacts import contact_line
from actions.knowledge import OWN_VERDICT, YES_NO_FORMS, KnowledgeBase, Topic, cite, contains_phrase
from actions.polarity import asks_against_the_rules, form_asked

SAFEGUARDING_PERSONS = {"pupil", "vulnerable person"}
# question forms (addons/question_form.py) whose answer opens without a verdict word
WH_FORMS = {"who", "wh"}
# the answer to whether something is against the rules, from its permission verdict
NEGATED_VERDICT = {"yes": "No.", "no": "Yes."}
LEADING_VERDICT = re.compile(r"^(?:Yes|No)(?:, it can)?[.,:]\s*")
# the condition a conditional answer opens with ("Only with permission.", "Not directly:"),
# its verdict to "may I?": to the end of its sentence, or to a colon that explains it
LEADING_CONDITION = re.compile(r"^(?:Only|Not)\b[^:.]*(?:\.\s+|:\s+|\.?$)")
CONDITIONAL_OPENING = re.compile(r"^(?:Only|Not)\b")
# the words a claim's opening and an answer's first sentence share when one restates the other
RESTATED_WORDS = 5
OUT_OF_SCOPE = (
    "The Social Media Policy doesn't cover that, so I can't answer it. For other HR questions, "
    "please contact Human Resources."
)
PARTLY_COVERED = "The Social Media Policy covers only part of your question. What it says:"
REST_FOR_HR = (
    "The policy doesn't cover the rest of your question: for that, please contact Human Resources."
)
CLAUSE_FOR_HR = (
    "The Social Media Policy covers only part of your question: it doesn't cover the rest. "
    "For that, please contact Human Resources."
)
ASK_REPHRASE = (
    "Sorry, I didn't understand that. Could you put it another way? I answer questions about "
    'the Social Media Policy; type "help" to see what you can ask.'
)


@dataclass(frozen=True)
class Reply:
    """Chat messages answering one topic, and every paragraph they cite."""

    messages: list[str]
    paras: tuple[int, ...]


def source_line(paras: tuple[int, ...] | list[int]) -> str:
    return f"Source: {cite(paras)} of the Social Media Policy."


def reason(topic: Topic, headed: bool = False) -> str:
    """The policy's reason for a topic's rule, headed by the topic when there are several."""
    heading = f'On "{topic.title}": ' if headed else ""
    return f"{heading}{topic.why}\n{source_line(topic.why_paras)}"


def mentions_safeguarding(kb: KnowledgeBase, text: str, entities: dict[str, set[str]]) -> bool:
    """Whether a message is about contact with, or a concern about, a pupil or vulnerable person."""
    about_child = bool(entities.get("person", set()) & SAFEGUARDING_PERSONS)
    return about_child and any(contains_phrase(text, cue) for cue in kb.safeguarding_cues)


def safeguarding_escalation(kb: KnowledgeBase, contacts: dict[str, dict[str, str]]) -> str:
    dsl, lado = (kb.role_names[role] for role in kb.safeguarding_roles)
    lines = [
        "If you have any concerns around an individual's behaviour, you can contact:",
        f"1. the {dsl} in the first instance,",
        f"2. or the {lado}, in the Department of Community & Children's Services.",
    ]
    lines += [
        contact_line(kb.role_names[role], contacts[role])
        for role in kb.safeguarding_roles
        if role in contacts
    ]
    return "\n".join(lines)


def role_contacts(kb: KnowledgeBase, roles: tuple[str, ...], contacts: dict) -> str | None:
    lines = [
        contact_line(kb.role_names[role], contacts[role]) for role in roles if role in contacts
    ]
    return "Contact details:\n" + "\n".join(lines) if lines else None


def without_verdict(answer: str) -> str:
    rest = LEADING_VERDICT.sub("", answer, count=1)
    return rest[:1].upper() + rest[1:]


def without_condition(answer: str) -> str:
    """The answer without its verdict and without the condition it opens with, for another
    form's opening to stand in their place: "Do I need to ask them?" is answered "Yes. If you
    use a photograph you took yourself, get permission ...", not "Yes. Only with permission."."""
    rest = without_verdict(answer)
    stripped = LEADING_CONDITION.sub("", rest, count=1)
    return stripped[:1].upper() + stripped[1:] if stripped else rest


def partly_covered(reply: Reply) -> Reply:
    """The answer to the part of a question the policy covers, without a verdict on the
    whole question, and the rest handed to Human Resources."""
    first, *others = reply.messages
    covered = f"{PARTLY_COVERED}\n{without_verdict(first)}"
    return Reply([covered, *others, REST_FOR_HR], reply.paras)


def clause_for_hr(reply: Reply) -> Reply:
    """The whole answer, verdict first, to a question whose other clause the policy does not
    cover, and that clause handed to Human Resources."""
    return Reply([*reply.messages, CLAUSE_FOR_HR], reply.paras)


def against_the_rules(answer: str, verdict: str | None) -> str:
    """The answer to whether something is against the rules: its permission verdict turned
    round, and no verdict word where that is a condition."""
    opening = NEGATED_VERDICT.get(verdict or "")
    return f"{opening} {without_condition(answer)}" if opening else without_verdict(answer)


def opened_for(form: str | None, answer: str, openings: dict[str, str | None]) -> str:
    """The answer opened for the question's form: with the opening the knowledge base gives
    for that form ("Yes, it can." to "could X get me disciplined?"), or its own verdict where
    that is the opening; without a verdict word where the policy gives none for the form, and
    for a wh-question (the role first for "who", where given). A question of no known form
    gets the answer as it is."""
    if form not in YES_NO_FORMS and form not in WH_FORMS:
        return answer
    opening = openings.get(form)
    if opening == OWN_VERDICT:
        return answer
    if opening is None:
        return without_verdict(answer)
    return f"{opening} {without_condition(answer)}"


def claim_opened(claim: Claim, answer: str) -> str:
    """The answer opened with the claim's opening, which stands in for its verdict and for
    the condition it leads with: "Yes, the Chief Officer's decision will be final." is not
    followed by "Only with permission ...". A condition that is a sentence of its own (who
    must approve) closes the answer instead, so that nothing it says is lost."""
    body = without_verdict(answer)
    condition = LEADING_CONDITION.match(body)
    rest = without_condition(answer)
    if condition and rest != body and condition.group(0).rstrip().endswith("."):
        return f"{claim.opening} {rest} {condition.group(0).rstrip()}"
    return f"{claim.opening} {rest}"


def claim_answers(
    asked: AskedClaim, topic: Topic, form: str | None, text: str, opened: str, escalate: bool
) -> bool:
    """Whether the claim a question asks about gives its answer's opening: a yes/no
    question on the claim's own topic, not asking whether something is against the rules
    (the claim says whether it holds, not whether it is allowed), never in place of the
    safeguarding escalation's answer, not where the answer `opened` already says what it
    says, and in place of an answer opened with the policy's condition only when the matcher
    is sure enough for that."""
    return (
        asked.claim.topic == topic.id
        and form in YES_NO_FORMS
        and not asks_against_the_rules(text)
        and not escalate
        and not restates(asked.claim.opening, opened)
        and (asked.replaces_condition() or not CONDITIONAL_OPENING.match(opened))
    )


def restates(opening: str, answer: str) -> bool:
    """Whether a claim's `opening` says what the answer's first sentence already says after
    its verdict ("No, personal accounts must not intentionally use the City's crest ..."
    before "No. Personal accounts must not intentionally use ..."): it would be said twice."""
    claimed = re.findall(r"[a-z']+", without_verdict(opening).lower())[:RESTATED_WORDS]
    said = re.findall(r"[a-z']+", without_verdict(answer).lower())[:RESTATED_WORDS]
    return claimed == said


def policy_answer(
    kb: KnowledgeBase,
    topic: Topic,
    text: str,
    entities: dict[str, set[str]],
    contacts: dict[str, dict[str, str]],
    escalate_mentions: bool = True,
    form: str | None = None,
    claim: AskedClaim | None = None,
) -> Reply:
    """The reply to a question on `topic`, opened for the question's `form`, or with the
    opening of the `claim` it asks about (its paragraphs cited first). The safeguarding
    escalation comes with a safeguarding topic, and with any topic whose question mentions
    a pupil's or vulnerable person's safety unless `escalate_mentions` is off (another
    answer carries it)."""
    rule = next((r for r in topic.rules if r.matches(entities)), None)
    source = rule or topic
    form = form_asked(form, text)
    escalate = topic.safeguarding or (
        escalate_mentions and mentions_safeguarding(kb, text, entities)
    )
    if form in ("permission", "yes_no") and asks_against_the_rules(text):
        answer = against_the_rules(source.answer, source.verdict)
    else:
        answer = opened_for(form, source.answer, source.openings)
    claimed = None
    if claim is not None and claim_answers(claim, topic, form, text, answer, escalate):
        claimed = claim.claim
    if claimed:
        answer = claim_opened(claimed, source.answer)
    first = (claimed.paras if claimed else ()) + (rule.paras if rule else ())
    own = tuple(dict.fromkeys(first + topic.paras))
    cited = own + (kb.safeguarding_paras if escalate else ())
    messages = [f"{answer}\n{source_line(cited)}"]
    if escalate:
        messages.append(safeguarding_escalation(kb, contacts))
    other_roles = tuple(r for r in topic.roles if not (escalate and r in kb.safeguarding_roles))
    if details := role_contacts(kb, other_roles, contacts):
        messages.append(details)
    return Reply(messages, cited)
