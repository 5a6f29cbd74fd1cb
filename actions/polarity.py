"""What a yes/no question asks, read from its words where the question form classifier
(addons/question_form.py) cannot see it: whether an obligation question is about complying
with a rule or about doing the act itself, whether another yes/no question asks if something is
acceptable or if it counts as what a rule names, and whether a question asks if something is
against the rules (the permission question the other way round)."""

from __future__ import annotations

import re

from actions.knowledge import YES_NO_FORMS

# An obligation question asks whether one must comply with the rule ("must I take it down?", "do
# I need permission?") when one of these words follows its modal closely; otherwise it asks
# whether to do the act itself ("should I accept his request?"), a permission question.
OBLIGATION_MODAL = re.compile(
    r"\b(?:have to|has to|need to|needs to|got to|ought to|must|should|shall|obliged to"
    r"|required to|supposed to|expected to|compulsory to|mandatory to|need|needs)\b"
)
COMPLYING = {
    "keep", "remove", "take", "delete", "avoid", "stop", "report", "tell", "inform",
    "credit", "refer", "pass", "check", "review", "stick", "adhere", "comply", "ask",
    "seek", "obtain", "act", "behave", "be", "respect", "permission", "consent", "approval",
    "approve", "approved", "sign", "signed", "sign-off", "ok", "okay", "authorisation",
    "agreement",
}  # fmt: skip
COMPLYING_WITHIN = 6
# "follow" is complying when a rule follows it ("must I follow it?", "do I need to follow the
# guidance?"), the act itself when a person does ("should I follow them back?")
FOLLOWING_A_RULE = re.compile(
    r"\bfollow (?:it|this|these|those|our|its"
    r"|(?:\S+ ){0,2}(?:policy|policies|rules?|guidelines|guidance|code|principles|style|law))\b"
)
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
# way round: "is it a problem that LinkedIn added the logo?" is answered "No." (actions/answers.py),
# "is that against the policy?" about a colleague's bullying posts "Yes."
AGAINST_THE_RULES = re.compile(
    r"\b(?:(?:is|would|will) (?:it|that|this)(?: be)? an? (?:problem|issue|breach)"
    r"|against (?:the|this|our) (?:social media )?(?:rules|policy)|a breach of"
    r"|(?:break|breaks|breaking|breach|breaches|breaching) (?:the|this) (?:social media )?"
    r"(?:rules|policy))\b"
)


# a question that opens with an auxiliary asks yes or no ("am i allowed to check facebook on my
# lunch break", "and does the account need approval first")
YES_NO_START = re.compile(
    r"^\W*(?:(?:and|also|but|so|then)\s+)*(?:can|could|may|might|am|is|are|do|does|did|should"
    r"|must|will|would|shall|have|has)\b"
)


def covered_form(form: str | None, covered: str) -> str | None:
    """The form of the clause of a two-part question the policy covers: the classifier read
    the whole message, and the clause it does not cover ("how do I claim for parking, and am
    I allowed ...?") does not make the policy question a wh-question."""
    if form in YES_NO_FORMS or not YES_NO_START.match(covered.lower()):
        return form
    return "yes_no"


def asks_to_comply(text: str) -> bool | None:
    """Whether a question with an obligation modal asks about complying with the rule
    rather than about doing the act itself; None without a modal or a requirement."""
    modal = OBLIGATION_MODAL.search(text)
    if modal is None:
        return True if REQUIREMENT.search(text) else None
    after = text[modal.end() :]
    following = re.findall(r"[a-z'-]+", after)[:COMPLYING_WITHIN]
    return bool(COMPLYING & set(following)) or bool(FOLLOWING_A_RULE.search(" ".join(following)))


def asks_may_i(text: str) -> bool:
    """Whether a question asks "may I?": a permission word before its first obligation modal
    (in "must I avoid anything that could ...?" the "could" is not the question's)."""
    modal = OBLIGATION_MODAL.search(text)
    return ASKS_MAY_I.search(text[: modal.start()] if modal else text) is not None


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
    if form in ("permission", "yes_no") and complying and not asks_may_i(lowered):
        return "obligation"
    if form == "yes_no" and ACCEPTABLE.search(lowered):
        return "permission"
    if form == "yes_no" and COUNTS_AS.search(lowered):
        return "scope"
    return form


def asks_against_the_rules(text: str) -> bool:
    return AGAINST_THE_RULES.search(text.lower()) is not None
