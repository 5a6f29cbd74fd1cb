"""A message about a pupil's or vulnerable person's contact with staff online, or a sign of
harm, carries the safeguarding escalation (paragraph 33) whatever the classifier makes of it,
though it says neither "worried" nor "safeguarding"; a question that only mentions pupils
(photos with consent, the school's own rules) does not. The people are found by the spaCy
entity ruler built from data/policy/entities.yml, as in the model; actions run with trackers
built in code."""

import asyncio
from functools import cache

import pytest
import spacy
import yaml

from actions.out_of_scope import ActionDeclineOutOfScope
from actions.policy_answer import ActionAnswerPolicy, is_safeguarding_message
from scripts.build_spacy import ENTITIES_FILE, build_pipeline, ruler_patterns
from scripts.evaluate import cited_paragraphs
from tests.actions_helpers import run_action, texts, tracker_for

CONTACT_OR_HARM = [
    "a 14 year old from the climbing wall texted me on my personal number",
    "one of my tutees asked for my gaming tag so we can play together",
    "a man with learning disabilities i support is chatting to strangers who ask him for money",
    "the under 13s coach added them all from his own account",
    "a year 5 said someone online told her to keep it a secret",
    "a teenager who comes to the library keeps replying to my stories",
    "the care home residents want to video call me from their tablets at the weekend",
    "a 16-year-old on work experience asked to connect on linkedin",
    "a cover teacher set up a chat with his pupils from his own gmail",
]
ORDINARY = [
    "the parents signed consent forms, can the under 13s team photo go on the club page",
    "can i post the year 6 leavers photos on the school account with their teachers' ok",
    "does the corporation policy apply to teaching assistants in year 4 too",
    "is a picture of the class at the museum ok for the school's instagram if parents agreed",
]


@pytest.fixture(autouse=True)
def no_contacts(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))


@cache
def pipeline() -> spacy.Language:
    return build_pipeline(ruler_patterns(yaml.safe_load(ENTITIES_FILE.read_text())))


def message(text: str, intent: str) -> dict:
    """`text` classified as `intent`, with the entities the model's ruler finds in it."""
    entities = [
        {"entity": e.label_, "value": e.text, "start": e.start_char, "end": e.end_char}
        for e in pipeline()(text).ents
    ]
    return tracker_for(text, intent, 0.7, entities=entities).latest_message


def reply(action, text: str, intent: str) -> str:
    tracker = tracker_for(text, intent, 0.7, entities=message(text, intent)["entities"])
    messages, _ = asyncio.run(run_action(action, tracker))
    return texts(messages)


def escalated(text: str) -> bool:
    return "Designated Safeguarding Lead (DSL)" in text and "(LADO)" in text


@pytest.mark.parametrize("text", CONTACT_OR_HARM)
def test_contact_or_harm_is_a_safeguarding_message(text):
    assert is_safeguarding_message(message(text, "out_of_scope"))


@pytest.mark.parametrize("text", ORDINARY)
def test_a_question_that_only_mentions_pupils_is_not(text):
    assert not is_safeguarding_message(message(text, "ask_photo_permission"))


@pytest.mark.parametrize("text", CONTACT_OR_HARM[:3])
def test_contact_or_harm_taken_for_off_topic_is_escalated_not_declined(text):
    answer = reply(ActionDeclineOutOfScope(), text, "out_of_scope")
    assert escalated(answer)
    assert 33 in cited_paragraphs(answer)


@pytest.mark.parametrize("text", CONTACT_OR_HARM[3:6])
def test_contact_or_harm_put_on_another_topic_is_answered_with_the_escalation(text):
    answer = reply(ActionAnswerPolicy(), text, "ask_bullying_harassment")
    assert escalated(answer)
    assert 33 in cited_paragraphs(answer)


def test_photos_of_pupils_with_consent_get_the_photo_answer_without_escalation():
    answer = reply(ActionAnswerPolicy(), ORDINARY[0], "ask_photo_permission")
    assert 17 in cited_paragraphs(answer)
    assert not escalated(answer)
