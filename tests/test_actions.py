"""Custom actions, run with trackers built in code (no TensorFlow, no servers)."""

import asyncio
import re

import pytest
import yaml

from actions import contacts
from actions.clarify import ActionClarify
from actions.knowledge import cite, knowledge_base
from actions.out_of_scope import ActionDeclineOutOfScope
from actions.policy_answer import ActionAnswerPolicy
from contracts import EMPTY, MARKUP, NOT_ENGLISH, TOO_LONG
from scripts.evaluate import cited_paragraphs
from tests.actions_helpers import (
    button_payloads,
    entity,
    run_action,
    situation,
    slot_values,
    texts,
    tracker_for,
)


def answer(text, intent, entities=None):
    messages, events = asyncio.run(
        run_action(ActionAnswerPolicy(), tracker_for(text, intent, entities=entities))
    )
    return messages, events


def clarify(text, ranking, entities=None):
    tracker = tracker_for(text, "nlu_fallback", 1.0, entities=entities, ranking=ranking)
    messages, _ = asyncio.run(run_action(ActionClarify(), tracker))
    return messages


@pytest.fixture(autouse=True)
def no_contacts(tmp_path, monkeypatch):
    """By default HR has configured no contact details."""
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))


@pytest.fixture
def configured_contacts(tmp_path, monkeypatch):
    path = tmp_path / "contacts.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "contacts": {
                    "dsl": {
                        "name": "Alex Example",
                        "phone": "020 7946 0000",
                        "email": "dsl@school.example",
                    },
                    "lado": {"where": "The LADO's number is on the safeguarding intranet page."},
                    "digital_communications_manager": {"email": "digital@city.example"},
                }
            }
        )
    )
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(path))


def test_citation_forms():
    assert cite([23]) == "Paragraph 23"
    assert cite([23, 22]) == "Paragraphs 22 and 23"
    assert cite([29, 30, 26, 27]) == "Paragraphs 26, 27, 29 and 30"


def test_crest_on_personal_account_is_refused_with_citation():
    messages, events = answer(
        "can i use the crest on my twitter",
        "ask_crest_logo_personal",
        [entity("asset", "crest"), entity("platform", "twitter")],
    )
    reply = texts(messages)
    assert reply.startswith("No.")
    assert "Paragraph 23" in reply
    assert slot_values(events) == {
        "last_topic": "crest_logo_personal",
        "last_topics": ["crest_logo_personal"],
        "last_paras": [23],
        "last_situation": [
            {"entity": "asset", "value": "crest"},
            {"entity": "platform", "value": "twitter"},
        ],
        "last_form": None,
    }


def test_logo_linkedin_fills_in_automatically_is_allowed():
    messages, _ = answer(
        "linkedin automatically shows the city logo as my employer, is that ok",
        "ask_crest_logo_personal",
        [entity("platform", "LinkedIn"), situation("circumstances.network_fills_logo")],
    )
    assert texts(messages).startswith("Yes.")
    assert "Paragraph 23" in texts(messages)


def test_photo_of_children_needs_parents_guardians_or_teachers():
    messages, _ = answer(
        "can i post photos of the kids from sports day",
        "ask_photo_permission",
        [entity("person", "kids")],
    )
    reply = texts(messages)
    assert reply.startswith("Only")
    assert "parents or guardians" in reply and "teachers" in reply
    assert 17 in cited_paragraphs(reply)
    assert "Designated Safeguarding Lead" not in reply


def test_photo_of_adults_needs_their_permission():
    messages, _ = answer("can i post the team photo", "ask_photo_permission")
    assert "recognisable person" in texts(messages)


def test_friending_a_pupil_is_refused_and_escalated():
    messages, _ = answer(
        "may i friend a pupil on facebook",
        "ask_contact_with_pupils",
        [entity("person", "pupil"), entity("platform", "facebook")],
    )
    reply = texts(messages)
    assert reply.startswith("No.")
    assert "Paragraph 33" in reply
    dsl = reply.index("Designated Safeguarding Lead (DSL)")
    lado = reply.index("Local Authority's Designated Officer (LADO)")
    assert dsl < lado, "the DSL comes first"
    assert "Department of Community & Children's Services" in reply


@pytest.mark.parametrize(
    "question",
    ["which department is the designated officer in?", "what does DSL stand for", "lado number?"],
)
def test_a_question_about_the_dsl_or_lado_themselves_is_answered_from_paragraph_33(question):
    """However off-topic the detector reads a question about the roles themselves, it gets
    the DSL first, then the LADO and where the LADO sits, never a decline."""
    off_topic = {"entity": "off_topic", "value": "whole", "confidence": 0.95}
    reply = texts(answer(question, "report_safeguarding_concern", [off_topic])[0])
    assert cited_paragraphs(reply) == {33}
    dsl = reply.index("Designated Safeguarding Lead (DSL)")
    assert dsl < reply.index("Local Authority's Designated Officer (LADO)")
    assert "Department of Community & Children's Services" in reply
    assert "doesn't cover" not in reply


def test_who_gives_a_partner_organisation_access_names_the_role_first():
    form = {"entity": "question_form", "value": "who", "confidence": 0.9}
    question = "who lets a partner organisation onto our official accounts"
    reply = texts(answer(question, "ask_official_account_posting", [form])[0])
    assert reply.startswith("The Digital Communications Manager can expressly give")
    assert 11 in cited_paragraphs(reply)


def test_without_contacts_safeguarding_names_the_roles_only():
    messages, _ = answer(
        "i'm worried about a pupil", "report_safeguarding_concern", [entity("person", "pupil")]
    )
    reply = texts(messages)
    assert "Designated Safeguarding Lead (DSL)" in reply and "line manager" not in reply
    assert not re.search(r"TBC|TODO|xxx|\[|\]|<|>|@|\d{4}", reply)


def test_configured_contacts_are_given_with_safeguarding(configured_contacts):
    messages, _ = answer("i'm worried about a pupil", "report_safeguarding_concern")
    reply = texts(messages)
    assert "Alex Example, 020 7946 0000, dsl@school.example" in reply
    assert "safeguarding intranet page" in reply


def test_configured_contacts_follow_the_roles_of_the_answer(configured_contacts):
    messages, _ = answer("i saw a tweet slagging off the city", "report_disparaging_content")
    reply = texts(messages)
    assert reply.startswith("Tell your line manager and the Digital Communications Manager")
    assert "digital@city.example" in reply
    assert "Paragraph 36" in reply


def test_contact_with_a_pupil_under_another_topic_is_still_escalated():
    messages, _ = answer(
        "a pupil sent me a friend request after i posted the sports day photos",
        "ask_photo_permission",
        [entity("person", "pupil")],
    )
    reply = texts(messages)
    assert {17, 33} <= cited_paragraphs(reply)
    assert "Designated Safeguarding Lead (DSL)" in reply


def test_each_policy_intent_gets_its_topic_answer():
    for topic in knowledge_base().topics:
        messages, _ = answer("a question", topic.intent)
        assert cite(topic.paras) in texts(messages), topic.id


def test_an_intent_without_a_topic_asks_to_rephrase():
    messages, events = answer("hello", "greet")
    assert "put it another way" in texts(messages)
    assert "Paragraph" not in texts(messages) and events == []


def test_unclear_question_offers_the_likely_topics_as_buttons():
    messages = clarify(
        "logo stuff",
        [
            {"name": "nlu_fallback", "confidence": 1.0},
            {"name": "ask_crest_logo_personal", "confidence": 0.41},
            {"name": "ask_employer_in_profile", "confidence": 0.35},
            {"name": "ask_copyright", "confidence": 0.12},
            {"name": "ask_crisis", "confidence": 0.05},
        ],
    )
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [
        "/ask_crest_logo_personal",
        "/ask_employer_in_profile",
        "/ask_copyright",
        "/none_of_these",
    ]
    assert buttons[0]["title"] == "The crest and logos on personal accounts"
    assert "Paragraph" not in texts(messages)


def test_unclear_question_that_is_most_likely_off_topic_is_not_offered_topics():
    messages = clarify(
        "how do i bake bread",
        [
            {"name": "out_of_scope", "confidence": 0.44},
            {"name": "ask_crisis", "confidence": 0.30},
        ],
    )
    assert "buttons" not in messages[0] or not messages[0]["buttons"]
    assert "put it another way" in texts(messages)


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (EMPTY, "didn't get a question"),
        (TOO_LONG, "under 2000 characters"),
        (MARKUP, "plain text"),
        (NOT_ENGLISH, "in English"),
    ],
)
def test_unreadable_input_is_told_what_is_wrong(problem, expected):
    messages = clarify(
        "...", [{"name": "nlu_fallback", "confidence": 1.0}], [entity("input_problem", problem)]
    )
    assert expected in texts(messages)
    assert "buttons" not in messages[0] or not messages[0]["buttons"]


def test_contacts_file_ignores_empty_fields(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("contacts:\n  dsl: {name: '', phone: ''}\n  lado: {phone: '0207'}\n")
    assert contacts.load_contacts(path) == {"lado": {"phone": "0207"}}


def decline(text, entities=None):
    tracker = tracker_for(text, "out_of_scope", 0.7, entities=entities)
    messages, _ = asyncio.run(run_action(ActionDeclineOutOfScope(), tracker))
    return messages


def test_off_topic_question_is_declined_without_citation():
    messages = decline("how many days of annual leave do i get")
    assert texts(messages).startswith("The Social Media Policy doesn't cover that")
    assert "Human Resources" in texts(messages) and "Paragraph" not in texts(messages)


@pytest.mark.parametrize("handler", ["decline", "clarify"])
def test_a_pupils_safety_is_never_declined_or_left_unclear(handler):
    text = "a coach keeps messaging the kids on whatsapp late at night"
    entities = [entity("person", "kids"), entity("platform", "whatsapp")]
    if handler == "decline":
        messages = decline(text, entities)
    else:
        messages = clarify(text, [{"name": "nlu_fallback", "confidence": 1.0}], entities)
    reply = texts(messages)
    assert "Paragraph 33" in reply
    assert "Designated Safeguarding Lead (DSL)" in reply and "(LADO)" in reply


@pytest.mark.parametrize(
    ("question", "stated", "opening"),
    [
        ("can i check instagram on my lunch break", ["circumstances.on_a_break"], "Yes."),
        (
            "can i go on facebook in the middle of my shift",
            ["circumstances.during_work_time"],
            "No, not for personal use",
        ),
        ("can i use twitter at work", [], "Only"),
    ],
)
def test_personal_use_at_work_verdict_follows_when(question, stated, opening):
    messages, _ = answer(question, "ask_personal_use_at_work", [situation(s) for s in stated])
    assert texts(messages).startswith(opening)
    assert {20, 34} <= cited_paragraphs(texts(messages))


def test_claiming_the_city_backs_a_personal_view_is_refused():
    messages, _ = answer(
        "can i say the corporation supports my campaign",
        "ask_personal_views",
        [situation("content.city_endorsement_claimed")],
    )
    assert texts(messages).startswith("No.")


def test_a_situation_stated_unsurely_leaves_the_policys_condition():
    messages, _ = answer(
        "can i check instagram at break-ish time",
        "ask_personal_use_at_work",
        [situation("circumstances.on_a_break", confidence=0.3)],
    )
    assert texts(messages).startswith("Only")


def answer_ranked(text, ranking):
    tracker = tracker_for(text, ranking[0]["name"], ranking[0]["confidence"], ranking=ranking)
    messages, _ = asyncio.run(run_action(ActionAnswerPolicy(), tracker))
    return messages


def test_a_near_tie_answers_the_first_topic_and_offers_the_second():
    messages = answer_ranked(
        "logo on my profile name",
        [
            {"name": "ask_crest_logo_personal", "confidence": 0.31},
            {"name": "ask_employer_in_profile", "confidence": 0.29},
        ],
    )
    assert "Paragraph 23" in messages[0]["text"]
    assert messages[-1]["buttons"][0] == {
        "title": "The City's name in your profile name",
        "payload": "/ask_employer_in_profile",
    }


def test_a_clear_winner_gets_no_alternative():
    messages = answer_ranked(
        "crest on my insta",
        [
            {"name": "ask_crest_logo_personal", "confidence": 0.61},
            {"name": "ask_employer_in_profile", "confidence": 0.09},
        ],
    )
    assert "/ask_employer_in_profile" not in button_payloads(messages)


def test_only_the_configured_safeguarding_contact_is_given(tmp_path, monkeypatch):
    path = tmp_path / "contacts.yml"
    path.write_text("contacts:\n  lado: {phone: '020 7946 0999'}\n")
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(path))
    reply = texts(answer("i'm worried about a pupil", "report_safeguarding_concern")[0])
    assert "020 7946 0999" in reply
    assert "line manager" not in reply
