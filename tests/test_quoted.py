"""A question quoting the policy's words is answered from the paragraph they come from;
actions run with trackers built in code."""

import asyncio

import pytest

from actions.policy_answer import ActionAnswerPolicy
from actions.quoted import quoted_paragraph
from scripts.evaluate import cited_paragraphs
from tests.actions_helpers import run_action, texts, tracker_for


@pytest.fixture(autouse=True)
def no_contacts(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))


def answer(text, intent):
    messages, _ = asyncio.run(run_action(ActionAnswerPolicy(), tracker_for(text, intent, 0.4)))
    return texts(messages)


@pytest.mark.parametrize(
    "question, number",
    [
        ('what does "relationship of trust and confidence" actually mean for me', 27),
        ("my manager keeps saying 'within the public domain', where is that from?", 24),
        ("‘designated breaks’ – how long are they?", 20),
    ],
)
def test_a_quoted_phrase_of_one_paragraph_places_the_question(question, number):
    assert quoted_paragraph(question) == number


@pytest.mark.parametrize(
    "question",
    [
        "what's the policy's view on 'likes'?",  # one word
        "can I post 'happy birthday boss' on facebook?",  # not the policy's words
        "what are the 'guiding principles'?",  # in more than one paragraph
        "is a caterer a 'partner organisation'?",  # "partner organisation(s)", "**Partner** ..."
        "what's the point of it, isn't it obvious",  # apostrophes open no quote
    ],
)
def test_no_paragraph_is_placed_without_one_paragraphs_quoted_words(question):
    assert quoted_paragraph(question) is None


def test_the_quoted_paragraph_is_cited_whatever_the_classifier_chose():
    reply = answer(
        'what is this "relationship of trust and confidence" thing?', "ask_policy_purpose"
    )
    assert 27 in cited_paragraphs(reply)


def test_a_quote_from_a_paragraph_the_topic_cites_keeps_the_topic():
    reply = answer("can I check facebook in my 'designated breaks'?", "ask_personal_use_at_work")
    assert 20 in cited_paragraphs(reply)
