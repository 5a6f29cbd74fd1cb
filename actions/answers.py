"""Composes the assistant's replies from the knowledge base. No Rasa imports: the
actions call these functions, and the tests call them directly."""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.contacts import contact_line
from actions.knowledge import OWN_VERDICT, YES_NO_FORMS, KnowledgeBase, Topic, cite, contains_phrase

SAFEGUARDING_PERSONS = {"pupil", "vulnerable person"}
# question forms (addons/question_form.py) whose answer opens without a verdict word
WH_FORMS = {"who", "wh"}
# An obligation question asks whether one must comply with the rule ("must I take it down?", "do
# I need permission?") when one of these words follows its modal closely; otherwise it asks
# whether to do the act itself ("should I accept his request?"), a permission question.
OBLIGATION_MODAL = re.compile(
    r"\b(?:have to|has to|need to|needs to|got to|ought to|must|should|shall|obliged to"
    r"|required to|supposed to|expected to|compulsory to|mandatory to|need|needs)\b"
)
COMPLYING = {
    "keep", "remove", "take", "delete", "avoid", "stop", "report", "tell", "inform",
    "credit", "refer", "pass", "check", "review", "follow", "stick", "adhere", "comply", "ask",
    "seek", "obtain", "act", "behave", "be", "respect", "permission", "consent", "approval",
    "approve", "approved", "sign", "signed", "sign-off", "ok", "okay", "authorisation",
    "agreement",
}  # fmt: skip
COMPLYING_WITHIN = 6
# a requirement asked about without a modal ("is it required that ...?") is about complying
REQUIREMENT = re.compile(r"\b(?:required|compulsory|mandatory|necessary|obligatory)\b")
ASKS_MAY_I = re.compile(r"\b(?:can|could|may|might|allowed)\b")
# a yes/no question whether something is acceptable asks what "may I?" asks
ACCEPTABLE = re.compile(
    r"\b(?:ok|okay|alright|all right|allowed|fine|acceptable|permitted|appropriate)\b"
)
# a yes/no question whether something counts as what a rule names asks what "does it cover?"
# asks ("is a snarky comment classed as criticising a colleague?")
COUNTS_AS = re.compile(
    r"\b(?:classed|classified|counted|considered|treated|regarded|seen) as\b|\bcounts?\b"
    r"|\ba form of\b|\bcovered\b"
)
# a question whether something is against the rules asks the permission question the other
# way round: "is it a problem that LinkedIn added the logo?" is answered "No."
AGAINST_THE_RULES = re.compile(
    r"\b(?:(?:is|would|will) (?:it|that|this)(?: be)? an? (?:problem|issue|breach)"
    r"|against the rules|a breach of)\b"
)
NEGATED_VERDICT = {"yes": "No.", "no": "Yes."}
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


def asks_to_comply(text: str) -> bool | None:
    """Whether a question with an obligation modal asks about complying with the rule
    rather than about doing the act itself; None without a modal or a requirement."""
    modal = OBLIGATION_MODAL.search(text)
    if modal is None:
        return True if REQUIREMENT.search(text) else None
    following = re.findall(r"[a-z'-]+", text[modal.end() :])[:COMPLYING_WITHIN]
    return bool(COMPLYING & set(following))


def form_asked(form: str | None, text: str) -> str | None:
    """The form the question asks in where its words say more than the classifier: an
    obligation question about doing the act itself asks "may I?"; a permission or other
    yes/no question whose modal is about complying, with no "can I", asks "must I?"; another
    yes/no question whether something is acceptable asks "may I?", and one whether it counts
    as what a rule names "does it cover?"."""
    lowered = text.lower()
    complying = asks_to_comply(lowered)
    if form == "obligation" and complying is False:
        return "permission"
    if form in ("permission", "yes_no") and complying and not ASKS_MAY_I.search(lowered):
        return "obligation"
    if form == "yes_no" and ACCEPTABLE.search(lowered):
        return "permission"
    if form == "yes_no" and COUNTS_AS.search(lowered):
        return "scope"
    return form


def against_the_rules(answer: str, verdict: str | None) -> str:
    """The answer to whether something is against the rules: its permission verdict turned
    round, and no verdict word where that is a condition."""
    opening = NEGATED_VERDICT.get(verdict or "")
    return f"{opening} {without_verdict(answer)}" if opening else without_verdict(answer)


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
    return f"{opening} {without_verdict(answer)}"


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
    form = form_asked(form, text)
    if form in ("permission", "yes_no") and AGAINST_THE_RULES.search(text.lower()):
        answer = against_the_rules(source.answer, source.verdict)
    else:
        answer = opened_for(form, source.answer, source.openings)
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
