"""Questions the policy covers wholly, in part or not at all, and the verdict word of yes/no
questions on topics answered in prose; actions run with trackers built in code."""

import asyncio

import pytest

from actions import answerability
from actions.answerability import Thresholds
from actions.out_of_scope import ActionDeclineOutOfScope
from actions.policy_answer import ActionAnswerPolicy
from scripts.evaluate import cited_paragraphs, verdict_of
from tests.actions_helpers import entity, run_action, texts, tracker_for

LIMITS = Thresholds(partly=0.2, partly_margin=0.1, decline=0.3, decline_margin=0.1)


@pytest.fixture(autouse=True)
def limits(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))
    monkeypatch.setattr(answerability, "thresholds", lambda: LIMITS)


def reply(text, intent, off_topic=0.0, form=None, entities=()):
    on_topic = 1.0 - off_topic
    ranking = [
        {"name": intent, "confidence": on_topic},
        {"name": "out_of_scope", "confidence": off_topic},
    ]
    found = list(entities)
    if form:
        found.append({"entity": "question_form", "value": form, "confidence": 0.9})
    tracker = tracker_for(text, intent, on_topic, entities=found, ranking=ranking)
    messages, _ = asyncio.run(run_action(ActionAnswerPolicy(), tracker))
    return texts(messages)


def test_a_question_the_classifier_is_sure_of_gets_the_whole_answer():
    text = reply("can i post on the official twitter", "ask_official_account_posting", 0.05)
    assert text.startswith("Only if you are an authorised officer")
    assert "doesn't cover the rest" not in text


def test_part_of_a_question_the_policy_covers_is_answered_and_the_rest_sent_to_hr():
    question = "can I use ChatGPT to write posts for our official account?"
    text = reply(question, "ask_official_account_posting", 0.25, form="permission")
    assert text.startswith("The Social Media Policy covers only part of your question.")
    assert verdict_of(text) is None
    assert 11 in cited_paragraphs(text)
    assert "the rest of your question: for that, please contact Human Resources" in text


def test_a_question_about_something_else_is_declined_without_citation():
    question = "how long does the corporation have to answer an foi request"
    text = reply(question, "ask_freedom_of_information", 0.48)
    assert text.startswith("The Social Media Policy doesn't cover that")
    assert not cited_paragraphs(text)


def test_a_pupils_safety_is_answered_in_full_however_off_topic_it_looks():
    text = reply(
        "a pupil keeps messaging me on instagram",
        "ask_contact_with_pupils",
        0.45,
        entities=[entity("person", "pupil"), entity("platform", "instagram")],
    )
    assert "Paragraph 33" in text and "covers only part" not in text


def declined(text, ranking):
    tracker = tracker_for(text, "out_of_scope", ranking[0]["confidence"], ranking=ranking)
    messages, _ = asyncio.run(run_action(ActionDeclineOutOfScope(), tracker))
    return texts(messages)


def test_off_topic_first_with_a_topic_close_behind_gets_that_part_answered():
    question = "what's the FOI deadline for a request about my tweets?"
    text = declined(
        question,
        [
            {"name": "out_of_scope", "confidence": 0.45},
            {"name": "ask_freedom_of_information", "confidence": 0.4},
        ],
    )
    assert text.startswith("The Social Media Policy covers only part of your question.")
    assert 24 in cited_paragraphs(text) and "contact Human Resources" in text


def test_off_topic_well_ahead_of_any_topic_is_declined():
    text = declined(
        "can I expense a taxi home",
        [
            {"name": "out_of_scope", "confidence": 0.6},
            {"name": "ask_personal_use_at_work", "confidence": 0.1},
        ],
    )
    assert text.startswith("The Social Media Policy doesn't cover that")
    assert not cited_paragraphs(text)


def test_off_topic_first_with_safeguarding_close_behind_is_still_declined():
    text = declined(
        "someone emailed residents' details to the wrong person, who do we tell",
        [
            {"name": "out_of_scope", "confidence": 0.4},
            {"name": "report_safeguarding_concern", "confidence": 0.38},
        ],
    )
    assert text.startswith("The Social Media Policy doesn't cover that")


@pytest.mark.parametrize(
    ("question", "intent", "form", "verdict"),
    [
        ("do privacy settings change what I may post?", "ask_privacy_settings", "yes_no", "no"),
        ("my insta is private, can I say what I like?", "ask_privacy_settings", "permission", "no"),
        (
            "is it ok to promote our caterer on the team account?",
            "ask_contractor_requests",
            "permission",
            "conditional",
        ),
        ("does equal opportunities cover agencies?", "ask_recruitment_equality", "scope", "yes"),
        ("does the Barbican have its own policy?", "ask_local_policies", "yes_no", "yes"),
        (
            "can I put a funny meme on the library account?",
            "ask_professional_account_conduct",
            "permission",
            "conditional",
        ),
        ("can we post as normal during an emergency?", "ask_crisis", "permission", "no"),
        (
            "can I post about my weekend on my own instagram?",
            "ask_off_duty_conduct",
            "permission",
            "conditional",
        ),
    ],
)
def test_a_yes_no_question_on_a_prose_topic_gets_the_policys_verdict(
    question, intent, form, verdict
):
    assert verdict_of(reply(question, intent, form=form)) == verdict


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("does a private account mean the rules don't apply to me?", "ask_privacy_settings"),
        ("does the Barbican's own policy mean this one doesn't apply?", "ask_local_policies"),
    ],
)
def test_a_scope_question_that_may_be_put_either_way_gets_no_verdict_word(question, intent):
    """ "Does X mean the rules don't apply?" wants "No." where "do the rules apply to X?"
    wants "Yes.": without the question's polarity no verdict is safe."""
    assert verdict_of(reply(question, intent, form="scope")) is None
