"""What the NLU pipeline (addons/), the action server (actions/) and the channels (channels/)
agree on, defined once. No Rasa imports: the action server imports this, never the NLU code.
"""

# -- entities the NLU pipeline adds for the actions --------------------------------------------

# A part of a message that asks two things, with its topic's intent (addons/svm_classifier.py).
CLAUSE_TOPIC_ENTITY = "clause_topic"
# A part is reported at this confidence or more, among the whole message's likeliest intents ...
CLAUSE_REPORTED_CONFIDENCE = 0.25
# ... and answered at this confidence or more; a part reported below it is offered as a button.
CLAUSE_ANSWERED_CONFIDENCE = 0.5

# The form of the question: permission, obligation, who ... (addons/question_form.py).
QUESTION_FORM_ENTITY = "question_form"
# A less sure form is not used: the answer keeps its topic's opening (seven forms: 0.3 is about
# twice what a guess would give).
QUESTION_FORM_CONFIDENCE = 0.3

# Each situation a message states (addons/situations.py), valued "<kind>.<name>" (e.g.
# "account.personal"), and how sure it must be for a rule to apply: at 0.5 a situation is more
# likely stated than not.
SITUATION_ENTITY = "situation"
SITUATION_CONFIDENCE = 0.5

# How likely the message is to ask, in whole or in part, about something the policy does not
# cover (addons/off_topic.py), on every message; the intent such questions are trained as.
# actions/answerability.py reads the probability at thresholds chosen by cross-validation.
OFF_TOPIC_ENTITY = "off_topic"
# Its value says which part asks about something else: the whole message, or one clause
# (its start and end then mark that clause, and the rest of the message is a policy question).
OFF_TOPIC_WHOLE = "whole"
OFF_TOPIC_CLAUSE = "clause"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# What a message is relative to the conversation (addons/follow_up.py): one of the kinds below,
# with its confidence. A follow-up states a new case of the previous question, points back at
# its object with a pronoun, or asks a facet of its rule ("facet.who", "facet.why" ...).
FOLLOW_UP_ENTITY = "follow_up"
STANDS_ALONE = "stands_alone"
NEW_CASE = "new_case"
FACET_PREFIX = "facet."
FACETS = ("who", "when", "where", "likely", "why", "consequence")
# Two more kinds go elsewhere than the previous rule: another matter of the same area
# ("anything else to bear in mind?"), and the paragraphs of a subject the message names
# ("which paragraph covers the crest?").
RELATED = "related"
CITES_ANOTHER = "cites_another"
FOLLOW_UP_KINDS = (
    STANDS_ALONE,
    NEW_CASE,
    "pronoun",
    *(FACET_PREFIX + f for f in FACETS),
    RELATED,
    CITES_ANOTHER,
)
# A less sure kind counts as a question of its own (eleven kinds: a guess gives about 0.09).
FOLLOW_UP_CONFIDENCE = 0.5

# The particular fact a yes/no question asks about (addons/claims.py), valued with the claim's
# id (data/policy/claims.yml) and its probability; the confidence it is used at is chosen by
# cross-validation and kept in that file (python -m scripts.claims).
CLAIM_ENTITY = "claim"

# What is wrong with input the assistant cannot read (addons/input_guard.py), one of the kinds
# below; the clarify action gives the kind's reply.
INPUT_PROBLEM_ENTITY = "input_problem"

# -- input the assistant cannot read, and what it says about it ---------------------------------

MAX_MESSAGE_CHARS = 2000

EMPTY = "empty"
TOO_LONG = "too_long"
NO_WORDS = "no_words"
MARKUP = "markup"
NOT_ENGLISH = "not_english"

EXAMPLE = 'for example "Can I use the City crest on my LinkedIn profile?"'
# Also given by the channels themselves, before understanding (channels/guard.py).
TOO_LONG_REPLY = (
    f"That message is too long for me: please keep it under {MAX_MESSAGE_CHARS} characters "
    "and ask one question at a time."
)
INPUT_PROBLEM_REPLIES = {
    EMPTY: f"I didn't get a question. Type a question about the Social Media Policy, {EXAMPLE}",
    TOO_LONG: TOO_LONG_REPLY,
    NO_WORDS: f"I can only read questions written in words. Try asking, {EXAMPLE}",
    MARKUP: (
        "That looks like web page code, which I don't read. "
        "Please type your question as plain text."
    ),
    NOT_ENGLISH: (
        "Sorry, I can only answer questions written in English. "
        "Please ask your question in English."
    ),
}
# A message a channel cannot pass on at all (a web chat message that is not text, or for another
# conversation than the socket's).
UNREADABLE = (
    "Sorry, I couldn't read that message. Please reload the page and type your question again."
)
