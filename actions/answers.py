"""Composes the assistant's replies from the knowledge base. No Rasa imports: the
actions call these functions, and the tests call them directly."""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.contacts import contact_line
from actions.knowledge import KnowledgeBase, Topic, cite, contains_phrase

SAFEGUARDING_PERSONS = {"pupil", "vulnerable person"}
# question forms (addons/question_form.py) whose answer opens without a verdict word
WH_FORMS = {"who", "wh"}
YES_NO_FORMS = {"permission", "obligation", "consequence", "scope", "yes_no"}
# yes/no forms that a permission verdict ("No. Do not ...") does not answer
OTHER_QUESTION_FORMS = {"consequence", "scope"}
LEADING_VERDICT = re.compile(r"^(?:Yes|No)(?:, it can)?[.,:]\s*")
OUT_OF_SCOPE = (
    "The Social Media Policy doesn't cover that, so I can't answer it. For other HR questions, "
    "please contact Human Resources."
)
PARTLY_COVERED = "The Social Media Policy covers only part of your question. What it says:"
REST_FOR_HR = (
    "The policy doesn't cover the rest of your question: for that, please contact Human Resources."
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


def partly_covered(reply: Reply) -> Reply:
    """The answer to the part of a question the policy covers, without a verdict on the
    whole question, and the rest handed to Human Resources."""
    first, *others = reply.messages
    covered = f"{PARTLY_COVERED}\n{without_verdict(first)}"
    return Reply([covered, *others, REST_FOR_HR], reply.paras)


def opened_for(
    form: str | None, answer: str, openings: dict[str, str], verdict: str | None = None
) -> str:
    """The answer opened for the question's form: the opening the knowledge base gives for
    that form where the policy supports one ("Yes, it can." to "could X get me
    disciplined?"), or its `yes_no` opening for any other yes/no question the answer's own
    verdict does not answer; otherwise no verdict word for a wh-question, nor a permission
    verdict for a question about consequences or scope."""
    opening = openings.get(form or "")
    if opening is None and form in YES_NO_FORMS and (form != "permission" or not verdict):
        opening = openings.get("yes_no")
    if opening:
        return f"{opening} {without_verdict(answer)}"
    if form in WH_FORMS or form in OTHER_QUESTION_FORMS:
        return without_verdict(answer)
    return answer


def policy_answer(
    kb: KnowledgeBase,
    topic: Topic,
    text: str,
    entities: dict[str, set[str]],
    contacts: dict[str, dict[str, str]],
    escalate_mentions: bool = True,
    form: str | None = None,
) -> Reply:
    """The reply to a question on `topic`, opened for the question's `form`. The
    safeguarding escalation comes with a safeguarding topic, and with any topic whose
    question mentions a pupil's or vulnerable person's safety unless `escalate_mentions` is
    off (another answer carries it)."""
    rule = next((r for r in topic.rules if r.matches(entities)), None)
    source = rule or topic
    answer = opened_for(form, source.answer, source.openings, source.verdict)
    escalate = topic.safeguarding or (
        escalate_mentions and mentions_safeguarding(kb, text, entities)
    )
    own = tuple(dict.fromkeys((rule.paras if rule else ()) + topic.paras))
    cited = own + (kb.safeguarding_paras if escalate else ())
    messages = [f"{answer}\n{source_line(cited)}"]
    if escalate:
        messages.append(safeguarding_escalation(kb, contacts))
    other_roles = tuple(r for r in topic.roles if not (escalate and r in kb.safeguarding_roles))
    if details := role_contacts(kb, other_roles, contacts):
        messages.append(details)
    return Reply(messages, cited)
