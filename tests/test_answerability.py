"""Questions the policy covers wholly, in part or not at all, and the verdict word of yes/no
questions on topics answered in prose; actions run with trackers built in code."""

import asyncio

import pytest

from actions import answerability
from actions.answerability import Thresholds
from actions.out_of_scope import ActionDeclineOutOfScope
from actions.policy_answer import ActionAnswerPolicy
from scripts.evaluate import cited_paragraphs, verdict_of
from tests.actions_helpers import entity, run_action, situation, texts, tracker_for

ASK_BREAKS = "ask_personal_use_at_work"
LIMITS = Thresholds(partly=0.2, partly_margin=0.1, decline=0.3, decline_margin=0.1)


@pytest.fixture(autouse=True)
def limits(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))
    monkeypatch.setattr(answerability, "thresholds", lambda: LIMITS)


def reply(text, intent, off_topic=0.0, form=None, entities=(), out_of_scope=None, off_clause=None):
    """The answer to `text` classified as `intent`, `off_topic` the detector's probability
    (of the whole message, or of its clause `off_clause`, a substring) and, unless given
    apart, the out_of_scope intent's confidence too."""
    out_of_scope = off_topic if out_of_scope is None else out_of_scope
    on_topic = 1.0 - out_of_scope
    ranking = [
        {"name": intent, "confidence": on_topic},
        {"name": "out_of_scope", "confidence": out_of_scope},
    ]
    start = text.index(off_clause) if off_clause else 0
    end = start + len(off_clause) if off_clause else len(text)
    part = {"value": "clause" if off_clause else "whole", "start": start, "end": end}
    found = [*entities, {"entity": "off_topic", **part, "confidence": off_topic}]
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


def test_a_question_sure_of_its_topic_but_asking_something_else_too_is_answered_in_part():
    """The topic's words win the intent ranking; the off-topic detector sees the rest."""
    question = "can the museum buy a gimbal, and do we need consent from visitors we film?"
    text = reply(question, "ask_photo_permission", 0.9, form="permission", out_of_scope=0.02)
    assert text.startswith("The Social Media Policy covers only part of your question.")
    assert 17 in cited_paragraphs(text) and "contact Human Resources" in text


def test_a_policy_question_with_an_off_topic_clause_gets_its_verdict_then_hr():
    """Only the clause asks about something else: the policy question is answered in full,
    verdict first, and the clause handed to Human Resources."""
    course = "how do i book on the photography training course"
    question = f"can i put a photo of my colleagues on the team instagram, and also {course}"
    text = reply(
        question, "ask_photo_permission", 0.95, "permission", out_of_scope=0.02, off_clause=course
    )
    assert text.startswith("Only with permission.")
    assert verdict_of(text) == "conditional" and 17 in cited_paragraphs(text)
    assert "covers only part of your question" in text and "contact Human Resources" in text


def test_the_form_of_a_covered_clause_is_read_from_its_own_words():
    """ "can I claim parking, and do I need ...?" asks whether permission is needed: the
    uncovered clause's "can I" does not make it "may I?"."""
    parking = "can i claim for parking at a site visit"
    question = f"{parking}, and do i need permission to post photos of the volunteers"
    text = reply(
        question, "ask_photo_permission", 0.95, "permission", out_of_scope=0.02, off_clause=parking
    )
    assert text.startswith("Yes. If you use a photograph you took yourself")


def test_a_yes_no_clause_after_an_uncovered_wh_clause_gets_its_verdict():
    """The classifier reads "how do I claim ..." as a wh-question; the clause the policy
    covers asks yes or no."""
    parking = "how do i claim for parking at a site visit"
    question = f"{parking}, and am i allowed to check facebook on my lunch break"
    found = [situation("circumstances.on_a_break")]
    text = reply(question, ASK_BREAKS, 0.95, "wh", found, out_of_scope=0.02, off_clause=parking)
    assert text.startswith("Yes. Personal social media use should take place during")


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


def declined(text, ranking, entities=()):
    confidence = ranking[0]["confidence"]
    tracker = tracker_for(
        text, "out_of_scope", confidence, entities=list(entities), ranking=ranking
    )
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


def clause_topic(question, part, intent, confidence):
    start = question.index(part)
    return {
        "entity": "clause_topic",
        "value": intent,
        "confidence": confidence,
        "start": start,
        "end": start + len(part),
    }


def test_off_topic_with_one_part_surely_on_a_topic_gets_that_part_answered():
    question = "how do I get a parking permit, and can I check facebook on my lunch break?"
    ranking = [
        {"name": "out_of_scope", "confidence": 0.7},
        {"name": "ask_personal_use_at_work", "confidence": 0.2},
    ]
    entities = [
        clause_topic(question, "how do I get a parking permit", "out_of_scope", 0.9),
        clause_topic(question, "can I check facebook on my lunch break?", ASK_BREAKS, 0.8),
    ]
    text = declined(question, ranking, entities)
    assert text.startswith("The Social Media Policy covers only part of your question.")
    assert 20 in cited_paragraphs(text) and "contact Human Resources" in text


def test_off_topic_with_its_off_topic_clause_marked_gets_the_other_clause_in_full():
    """The detector marks "how do I get a parking permit" as the clause the policy does not
    cover: the break question is answered with its verdict, and the permit left to HR."""
    permit = "how do I get a parking permit"
    lunch = "am I allowed to check facebook on my lunch break?"
    question = f"{permit}, and {lunch}"
    ranking = [
        {"name": "out_of_scope", "confidence": 0.7},
        {"name": "ask_personal_use_at_work", "confidence": 0.2},
    ]
    entities = [
        clause_topic(question, permit, "out_of_scope", 0.9),
        clause_topic(question, lunch, ASK_BREAKS, 0.8),
        {"entity": "off_topic", "value": "clause", "start": 0, "end": len(permit), "confidence": 1},
        {"entity": "question_form", "value": "permission", "confidence": 0.9},
        situation("circumstances.on_a_break"),
    ]
    text = declined(question, ranking, entities)
    assert text.startswith("Yes. Personal social media use should take place during")
    assert "covers only part of your question" in text and "contact Human Resources" in text


def test_off_topic_with_a_part_only_possibly_on_a_topic_is_declined():
    question = "how do I get a parking permit, and is there a staff bike shed?"
    ranking = [
        {"name": "out_of_scope", "confidence": 0.8},
        {"name": "ask_personal_use_at_work", "confidence": 0.1},
    ]
    part = clause_topic(question, "is there a staff bike shed?", ASK_BREAKS, 0.3)
    text = declined(question, ranking, [part])
    assert text.startswith("The Social Media Policy doesn't cover that")


def test_off_topic_with_a_short_phrase_on_a_topic_is_declined():
    """ "gifts and hospitality from contractors" names one subject: no second question."""
    question = "what does the code of conduct say about gifts and hospitality from contractors?"
    ranking = [
        {"name": "out_of_scope", "confidence": 0.6},
        {"name": "ask_contractor_requests", "confidence": 0.3},
    ]
    part = "hospitality from contractors?"
    entities = [clause_topic(question, part, "ask_contractor_requests", 0.7)]
    text = declined(question, ranking, entities)
    assert text.startswith("The Social Media Policy doesn't cover that")


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


def test_a_whole_message_the_policy_says_nothing_of_is_declined_not_answered_in_part():
    text = reply("how do i make my tiktok private", "ask_privacy_settings", 0.5)
    assert text.startswith("The Social Media Policy doesn't cover that")
    assert "covers only part" not in text and not cited_paragraphs(text)


def test_an_off_topic_looking_question_quoting_the_policy_gets_the_paragraph_quoted():
    question = 'what is the "trust and confidence" bit about?'
    text = reply(question, "ask_guiding_principles", 0.5)
    assert "doesn't cover that" not in text and "covers only part" not in text
    assert cited_paragraphs(text)


def test_an_off_topic_looking_question_with_a_part_surely_on_a_topic_is_answered_in_part():
    question = "can i expense a ring light, and does our tiktok need approval before we start?"
    part = clause_topic(
        question, "does our tiktok need approval before we start?", "ask_create_work_account", 0.8
    )
    text = reply(question, "ask_create_work_account", 0.5, entities=[part])
    assert text.startswith("The Social Media Policy covers only part of your question.")
    assert "contact Human Resources" in text


def test_a_short_phrase_surely_on_a_topic_does_not_keep_an_off_topic_question_answered():
    question = "a ring light and the tiktok approval?"
    part = clause_topic(question, "the tiktok approval?", "ask_create_work_account", 0.8)
    text = reply(question, "ask_create_work_account", 0.5, entities=[part])
    assert text.startswith("The Social Media Policy doesn't cover that")
