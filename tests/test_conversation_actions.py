"""Follow-ups, help menu, clarification and feedback actions, with trackers built in code."""

import asyncio

import pytest

from actions.clarify import ActionClarify
from actions.feedback import ActionRecordFeedback
from actions.follow_ups import (
    NO_CONTEXT,
    ActionAnswerFollowUp,
    ActionExplainWhy,
    ActionNameParagraphs,
    ActionQuoteParagraphs,
)
from actions.help import ActionHelp, ActionHelpArea
from actions.knowledge import knowledge_base, paragraphs
from actions.policy_answer import ActionAnswerPolicy
from scripts.evaluate import cited_paragraphs
from tests.actions_helpers import (
    button_payloads,
    entity,
    run_action,
    slot_values,
    texts,
    tracker_for,
)

AFTER_CREST = {
    "last_topic": "crest_logo_personal",
    "last_topics": ["crest_logo_personal"],
    "last_paras": [23],
}


@pytest.fixture(autouse=True)
def no_contacts(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))


def run(action, tracker):
    return asyncio.run(run_action(action, tracker))


def test_what_about_another_platform_answers_the_previous_topic_for_it():
    tracker = tracker_for(
        "what about facebook?",
        "follow_up_other",
        entities=[entity("platform", "facebook")],
        slots=AFTER_CREST,
    )
    messages, events = run(ActionAnswerFollowUp(), tracker)
    assert texts(messages).startswith("No.")
    assert "Paragraph 23" in texts(messages)
    assert slot_values(events)["last_topic"] == "crest_logo_personal"


def test_a_follow_up_matching_a_variant_gets_that_variant():
    tracker = tracker_for(
        "and if linkedin fills in the logo automatically?", "follow_up_other", slots=AFTER_CREST
    )
    messages, _ = run(ActionAnswerFollowUp(), tracker)
    assert texts(messages).startswith("Yes.")


@pytest.mark.parametrize(
    "action", [ActionAnswerFollowUp, ActionExplainWhy, ActionQuoteParagraphs, ActionNameParagraphs]
)
def test_a_follow_up_without_a_previous_answer_asks_for_the_question(action):
    messages, events = run(action(), tracker_for("why?", "ask_why"))
    assert texts(messages) == NO_CONTEXT
    assert not slot_values(events)


def test_why_gives_the_policy_reason_with_its_source():
    messages, _ = run(ActionExplainWhy(), tracker_for("why?", "ask_why", slots=AFTER_CREST))
    topic = next(t for t in knowledge_base().topics if t.id == "crest_logo_personal")
    assert topic.why in texts(messages)
    assert "Source: Paragraph" in texts(messages)


def test_quote_gives_the_exact_text_of_each_cited_paragraph():
    slots = {**AFTER_CREST, "last_paras": [22, 23]}
    messages, _ = run(ActionQuoteParagraphs(), tracker_for("quote it", "ask_quote", slots=slots))
    assert len(messages) == 2
    assert messages[0]["text"].startswith("Paragraph 22 (Personal Use):")
    assert paragraphs()[23].split("**")[0][:60] in messages[1]["text"]


def test_quote_drops_the_policys_markdown():
    slots = {"last_topics": ["create_work_account"], "last_paras": [12]}
    messages, _ = run(ActionQuoteParagraphs(), tracker_for("quote it", "ask_quote", slots=slots))
    assert "BARCelona guidelines for guidance" in messages[0]["text"]
    assert "](" not in messages[0]["text"] and "**" not in messages[0]["text"]


def test_which_paragraph_names_paragraphs_and_sections_and_offers_the_quote():
    slots = {**AFTER_CREST, "last_paras": [23, 33]}
    messages, _ = run(
        ActionNameParagraphs(),
        tracker_for("which paragraph is that?", "ask_which_paragraph", slots=slots),
    )
    assert texts(messages) == (
        "That answer comes from paragraphs 23 (Personal Use) and 33 (Inappropriate Use) "
        "of the Social Media Policy."
    )
    assert button_payloads(messages) == ["/ask_quote"]


def test_an_answer_remembers_every_paragraph_it_cited():
    tracker = tracker_for(
        "can i friend a pupil on facebook",
        "ask_contact_with_pupils",
        entities=[entity("person", "pupil"), entity("platform", "facebook")],
    )
    _, events = run(ActionAnswerPolicy(), tracker)
    assert 33 in slot_values(events)["last_paras"]


def test_two_questions_in_one_message_are_both_answered():
    tracker = tracker_for(
        "can I tweet about work from home and use the Barbican logo?",
        "ask_policy_when_applies",
        entities=[
            entity("asset", "barbican logo"),
            {"entity": "clause_topic", "value": "ask_policy_when_applies"},
            {"entity": "clause_topic", "value": "ask_crest_logo_personal"},
        ],
    )
    messages, events = run(ActionAnswerPolicy(), tracker)
    reply = texts(messages)
    assert {8, 23} <= cited_paragraphs(reply)
    assert 'You also asked about "The crest and logos on personal accounts"' in reply
    assert slot_values(events)["last_topics"] == ["policy_when_applies", "crest_logo_personal"]


def test_an_answer_ends_with_optional_thumbs():
    messages, _ = run(ActionAnswerPolicy(), tracker_for("crest on fb?", "ask_crest_logo_personal"))
    assert button_payloads(messages) == ["/feedback_positive", "/feedback_negative"]


def test_rasa_shell_gets_no_thumbs_menu():
    tracker = tracker_for("crest on fb?", "ask_crest_logo_personal", channel="cmdline")
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert button_payloads(messages) == []


def test_help_lists_the_policy_areas_as_buttons():
    messages, _ = run(ActionHelp(), tracker_for("what can you help with?", "help"))
    titles = [b["title"] for b in messages[0]["buttons"]]
    for area in ("Professional accounts", "Crest and logos", "Safeguarding", "Reporting content"):
        assert area in titles
    assert all(p.startswith("/help_area{") for p in button_payloads(messages))


def test_an_area_button_lists_its_common_questions_leading_to_answers():
    kb = knowledge_base()
    area = kb.area("crest_and_logos") or kb.areas[2]
    tracker = tracker_for(
        f'/help_area{{"area": "{area.id}"}}', "help_area", entities=[entity("area", area.id)]
    )
    messages, _ = run(ActionHelpArea(), tracker)
    intents = {t.id: t.intent for t in kb.topics}
    assert button_payloads(messages) == [f"/{intents[t]}" for t in area.topic_ids]
    assert all(b["title"].endswith("?") for b in messages[0]["buttons"])


def test_an_area_named_in_words_is_found():
    tracker = tracker_for("show me questions about recruitment", "help_area")
    messages, _ = run(ActionHelpArea(), tracker)
    assert "/ask_recruitment_screening" in button_payloads(messages)


def clarified_once(text, intent="nlu_fallback"):
    earlier = [
        {"event": "user", "text": "blah", "parse_data": {}},
        {"event": "action", "name": "action_clarify"},
        {"event": "bot", "text": "I'm not sure which part of the policy you mean."},
        {"event": "action", "name": "action_listen"},
    ]
    ranking = [{"name": "ask_copyright", "confidence": 0.15}]
    return tracker_for(text, intent, 0.15, ranking=ranking, earlier_events=earlier)


def test_a_second_miss_hands_over_to_hr_by_role():
    messages, _ = run(ActionClarify(), clarified_once("still something vague"))
    reply = texts(messages)
    assert "Director of Human Resources" in reply
    assert "Paragraph 5" in reply
    assert "@" not in reply and not button_payloads(messages)


def test_none_of_these_after_suggestions_hands_over():
    messages, _ = run(ActionClarify(), clarified_once("/none_of_these", "none_of_these"))
    assert "Director of Human Resources" in texts(messages)


def test_none_of_these_out_of_the_blue_asks_to_rephrase():
    tracker = tracker_for("none of these", "none_of_these")
    messages, _ = run(ActionClarify(), tracker)
    assert "put it another way" in texts(messages)


def test_a_first_miss_asks_back_instead_of_handing_over():
    tracker = tracker_for(
        "vague", "nlu_fallback", 0.15, ranking=[{"name": "ask_copyright", "confidence": 0.15}]
    )
    messages, _ = run(ActionClarify(), tracker)
    assert "Director of Human Resources" not in texts(messages)
    assert "/ask_copyright" in button_payloads(messages)


@pytest.mark.parametrize(
    ("comment", "expected"),
    [("it didn't say who to ask at my school", "recorded for HR"), ("skip", "No problem")],
)
def test_the_thumbs_down_comment_is_acknowledged_and_the_slot_emptied(comment, expected):
    tracker = tracker_for(comment, "out_of_scope", slots={"feedback_comment": comment})
    messages, events = run(ActionRecordFeedback(), tracker)
    assert expected in texts(messages)
    assert slot_values(events) == {"feedback_comment": None}


def test_an_unclear_message_asking_two_clear_things_gets_both_answers():
    tracker = tracker_for(
        "can I tweet about work from home and use the Barbican logo?",
        "nlu_fallback",
        1.0,
        entities=[
            {"entity": "clause_topic", "value": "ask_policy_when_applies"},
            {"entity": "clause_topic", "value": "ask_crest_logo_personal"},
        ],
        ranking=[{"name": "ask_policy_when_applies", "confidence": 0.18}],
    )
    messages, events = run(ActionClarify(), tracker)
    assert {8, 23} <= cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topics"] == ["policy_when_applies", "crest_logo_personal"]


def test_a_part_classified_unsurely_is_offered_not_dropped():
    tracker = tracker_for(
        "can I tweet about work from home and use the Barbican logo?",
        "ask_crest_logo_personal",
        entities=[
            {"entity": "clause_topic", "value": "ask_crest_logo_personal", "confidence": 0.66},
            {"entity": "clause_topic", "value": "ask_policy_when_applies", "confidence": 0.31},
        ],
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert "Paragraph 23" in texts(messages) and "Paragraph 8" not in texts(messages)
    assert "/ask_policy_when_applies" in button_payloads(messages)


def test_the_handover_gives_hrs_contact_details_once_configured(tmp_path, monkeypatch):
    path = tmp_path / "contacts.yml"
    path.write_text(
        "contacts:\n  director_of_human_resources: {url: 'https://intranet.example/hr'}\n"
    )
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(path))
    messages, _ = run(ActionClarify(), clarified_once("still something vague"))
    assert "Director of Human Resources: https://intranet.example/hr" in texts(messages)
