"""Follow-ups, help menu, clarification and feedback actions, with trackers built in code."""

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify
from actions.feedback import ActionRecordFeedback, ValidateFeedbackForm, reads_as_question
from actions.follow_ups import (
    NO_CONTEXT,
    ActionAnswerFacet,
    ActionAnswerFollowUp,
    ActionExplainWhy,
    ActionNameParagraphs,
    ActionQuoteParagraphs,
)
from actions.help import ActionHelp, ActionHelpArea
from actions.knowledge import knowledge_base, paragraphs
from actions.out_of_scope import ActionDeclineOutOfScope
from actions.policy_answer import ActionAnswerPolicy, is_elliptical
from actions.safeguarding import ActionSafeguardingFollowUp
from scripts.evaluate import cited_paragraphs
from tests.actions_helpers import (
    button_payloads,
    entity,
    follow_up_in,
    run_action,
    situation,
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
        "and if linkedin fills in the logo automatically?",
        "follow_up_other",
        entities=[situation("circumstances.network_fills_logo")],
        slots=AFTER_CREST,
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


DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text())


def validate_comment(text, intent):
    """The slots the feedback form's validation sets for `text`, typed when asked."""
    tracker = tracker_for(text, intent, slots={"requested_slot": "feedback_comment"})
    tracker.active_loop = {"name": "feedback_form"}
    dispatcher = CollectingDispatcher()
    return slot_values(asyncio.run(ValidateFeedbackForm().run(dispatcher, tracker, DOMAIN)))


def test_a_comment_after_a_thumbs_down_is_kept():
    comment = "it didn't say what counts as a justifiable reason"
    assert validate_comment(comment, "ask_recruitment_screening")["feedback_comment"] == comment


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("could I actually be sacked over one post?", "ask_disciplinary_consequences"),
        ("who can give me access", "ask_official_account_posting"),
        ("what about facebook", "follow_up_other"),
        ("/ask_copyright", "ask_copyright"),
    ],
)
def test_a_question_after_a_thumbs_down_is_not_taken_as_the_comment(text, intent):
    assert "feedback_comment" not in validate_comment(text, intent)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Could I be sacked?", True),
        ("when can we start again", True),
        ("and if it's a parent?", True),
        ("the answer was too long", False),
        ("it didn't mention agency staff", False),
        ("skip", False),
        ("whatever, wrong topic", False),
    ],
)
def test_questions_are_told_from_comments(text, question):
    assert reads_as_question(text) is question


DISCLOSURE = "a girl in year 9 told me a volunteer has been messaging her on snapchat"
AFTER_DISCLOSURE = {
    "last_topic": "safeguarding_concern",
    "last_topics": ["safeguarding_concern"],
    "last_paras": [33],
    "safeguarding_open": True,
}


def test_a_disclosure_gets_the_escalation_without_thumbs_and_opens_the_safeguarding_turns():
    tracker = tracker_for(
        DISCLOSURE,
        "report_safeguarding_concern",
        entities=[entity("person", "girl"), entity("platform", "snapchat")],
    )
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert "Designated Safeguarding Lead (DSL)" in texts(messages)
    assert "Did that answer" not in texts(messages)
    assert button_payloads(messages) == []
    assert slot_values(events)["safeguarding_open"] is True


def test_the_next_ordinary_answer_closes_the_safeguarding_turns_and_has_thumbs():
    tracker = tracker_for("crest on fb?", "ask_crest_logo_personal", slots=AFTER_DISCLOSURE)
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert "/feedback_positive" in button_payloads(messages)
    assert slot_values(events)["safeguarding_open"] is False


def safeguarding_follow_up(text, intent="nlu_fallback", confidence=0.3, entities=None):
    tracker = tracker_for(text, intent, confidence, entities=entities, slots=AFTER_DISCLOSURE)
    return run(ActionSafeguardingFollowUp(), tracker)


@pytest.mark.parametrize(
    ("text", "intent", "named", "not_named"),
    [
        (
            "who do I go to first?",
            "ask_policy_owner",
            "Designated Safeguarding Lead (DSL) first",
            "",
        ),
        ("what if the DSL is the person?", "report_safeguarding_concern", "(LADO), within", ""),
        ("where is the LADO?", "nlu_fallback", "Community & Children's Services", ""),
        ("should I tell the parents?", "out_of_scope", "doesn't say", "Director"),
    ],
)
def test_later_safeguarding_turns_are_answered_from_paragraph_33(text, intent, named, not_named):
    messages, events = safeguarding_follow_up(text, intent)
    reply = texts(messages)
    assert named in reply and "Source: Paragraph 33 " in reply
    assert not (not_named and not_named in reply)
    assert button_payloads(messages) == [] and "Did that answer" not in reply
    assert "safeguarding_open" not in slot_values(events)


def test_the_policy_being_silent_still_gives_both_routes():
    messages, _ = safeguarding_follow_up("should I screenshot the messages?", "out_of_scope")
    reply = texts(messages)
    assert "doesn't say" in reply
    assert "Designated Safeguarding Lead (DSL)" in reply and "(LADO)" in reply


@pytest.mark.parametrize("text", ["thanks, I'll speak to the DSL", "ok thank you", "will do"])
def test_thanks_after_a_disclosure_is_acknowledged_without_a_citation(text):
    messages, _ = safeguarding_follow_up(text, "thank", 0.9)
    assert "Paragraph" not in texts(messages) and "You're welcome" in texts(messages)
    assert button_payloads(messages) == []


def test_configured_contact_routes_come_with_the_follow_up(tmp_path, monkeypatch):
    path = tmp_path / "contacts.yml"
    path.write_text("contacts:\n  lado: {phone: '020 7000 0001'}\n")
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(path))
    messages, _ = safeguarding_follow_up("what if the DSL is the person?")
    assert "Local Authority's Designated Officer (LADO): 020 7000 0001" in texts(messages)


def test_a_new_topic_after_a_disclosure_gets_the_ordinary_answer_and_closes_the_turns():
    messages, events = safeguarding_follow_up(
        "can I use the crest on my linkedin?",
        "ask_crest_logo_personal",
        0.9,
        entities=[entity("asset", "crest"), entity("platform", "linkedin")],
    )
    assert texts(messages).startswith("No.") and "Paragraph 23" in texts(messages)
    assert "/feedback_positive" in button_payloads(messages)
    assert slot_values(events)["safeguarding_open"] is False


def test_an_off_topic_question_after_a_disclosure_is_declined_and_closes_the_turns():
    messages, events = safeguarding_follow_up(
        "how many days of annual leave do i get?", "out_of_scope", 0.9
    )
    assert "doesn't cover that" in texts(messages) and "Paragraph" not in texts(messages)
    assert slot_values(events)["safeguarding_open"] is False


FACETS = [
    ("create_work_account", "who has the final say?", "Your departmental Chief Officer", 12),
    ("report_disparaging_content", "how quickly?", "As soon as possible", 36),
    ("crisis", "when can we start again?", "Not until you are given clearance", 18),
    ("official_account_posting", "who decides that?", "The Digital Communications Manager", 11),
    ("contractor_requests", "who do I send it to?", "City Procurement.", 19),
]


@pytest.mark.parametrize(("topic_id", "text", "opening", "para"), FACETS)
def test_a_facet_follow_up_puts_the_role_or_time_first(topic_id, text, opening, para):
    tracker = tracker_for(text, "ask_facet", slots={"last_topics": [topic_id]})
    messages, events = run(ActionAnswerFacet(), tracker)
    assert messages[0]["text"].startswith(opening)
    assert f"Source: Paragraph {para} " in messages[0]["text"]
    assert slot_values(events)["last_topic"] == topic_id


def test_a_facet_the_data_does_not_single_out_gets_the_whole_answer_again():
    slots = {"last_topics": ["create_work_account"]}
    messages, _ = run(
        ActionAnswerFacet(), tracker_for("is it likely to be refused?", "ask_facet", slots=slots)
    )
    assert "rarely refused" in texts(messages) and "Paragraph 12" in texts(messages)


def test_a_follow_up_keeps_the_person_of_the_previous_question():
    slots = {
        "last_topics": ["photo_permission"],
        "last_situation": [{"entity": "person", "value": "pupils"}],
    }
    tracker = tracker_for(
        "what about on facebook?",
        "follow_up_other",
        entities=[entity("platform", "facebook")],
        slots=slots,
    )
    messages, events = run(ActionAnswerFollowUp(), tracker)
    assert "parents or guardians" in texts(messages)
    assert {"entity": "person", "value": "pupils"} in slot_values(events)["last_situation"]


def test_a_follow_up_naming_another_person_replaces_the_previous_one():
    slots = {
        "last_topics": ["photo_permission"],
        "last_situation": [{"entity": "person", "value": "pupils"}],
    }
    tracker = tracker_for(
        "and colleagues?", "follow_up_other", entities=[entity("person", "colleagues")], slots=slots
    )
    messages, _ = run(ActionAnswerFollowUp(), tracker)
    assert "permission from their parents" not in texts(messages)  # the pupils' rule


def test_a_short_follow_up_classified_elsewhere_stays_with_the_previous_rule():
    slots = {"last_topic": "policy_when_applies", "last_topics": ["policy_when_applies"]}
    # a new case the classifier is fairly, not very, sure of elsewhere (SURE_OF_A_NEW_SUBJECT)
    tracker = tracker_for("even on my own phone?", "ask_personal_use_at_work", 0.6, slots=slots)
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Yes.") and 8 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topic"] == "policy_when_applies"


def test_a_pronoun_takes_the_object_of_the_previous_question():
    slots = {
        "last_topic": "photo_permission",
        "last_topics": ["photo_permission"],
        "last_situation": [{"entity": "person", "value": "pupils"}],
    }
    tracker = tracker_for(
        "can I share it on the school's Twitter then?",
        "ask_professional_account_conduct",
        0.32,
        entities=[entity("platform", "twitter")],
        slots=slots,
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Only with specific permission from their parents")
    assert 17 in cited_paragraphs(texts(messages))


@pytest.mark.parametrize(
    "text",
    [
        "is it ok to go on tiktok during my lunch break?",
        "and can I post on facebook while I'm on shift at the market?",
    ],
)
def test_a_question_with_a_topic_of_its_own_is_answered_on_that_topic(text):
    slots = {"last_topic": "crest_logo_personal", "last_topics": ["crest_logo_personal"]}
    tracker = tracker_for(text, "ask_personal_use_at_work", slots=slots)
    messages, _ = run(ActionAnswerPolicy(), tracker)
    cited = cited_paragraphs(texts(messages))
    assert {20, 34} <= cited and 23 not in cited


def test_a_short_follow_up_on_the_same_topic_keeps_the_previous_person():
    slots = {
        "last_topic": "photo_permission",
        "last_topics": ["photo_permission"],
        "last_situation": [{"entity": "person", "value": "pupils"}],
    }
    tracker = tracker_for("and on the school website?", "ask_photo_permission", slots=slots)
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert "parents or guardians" in texts(messages)


def situation_entity(value: str, confidence: float = 0.9) -> dict:
    """A `situation` entity as the situations component adds it ("account.personal")."""
    return {"entity": "situation", "value": value, "confidence": confidence}


def test_a_situation_of_another_kind_is_kept_and_one_of_the_same_kind_replaced():
    slots = {
        "last_topics": ["crest_logo_personal"],
        "last_situation": [
            {"entity": "situation", "value": "account.official", "confidence": 0.8},
            {"entity": "situation", "value": "content.already_public", "confidence": 0.7},
            {"entity": "platform", "value": "linkedin"},
        ],
    }
    tracker = tracker_for(
        "no, my personal account",
        "follow_up_other",
        entities=[situation_entity("account.personal")],
        slots=slots,
    )
    _, events = run(ActionAnswerFollowUp(), tracker)
    kept = {(e["entity"], e["value"]) for e in slot_values(events)["last_situation"]}
    assert kept == {
        ("situation", "account.personal"),
        ("situation", "content.already_public"),
        ("platform", "linkedin"),
    }


def test_a_new_topic_starts_a_new_situation():
    slots = {
        "last_topic": "crest_logo_personal",
        "last_topics": ["crest_logo_personal"],
        "last_situation": [
            {"entity": "situation", "value": "account.personal"},
            {"entity": "platform", "value": "linkedin"},
        ],
    }
    tracker = tracker_for(
        "can I look at a candidate's facebook before the interview?",
        "ask_recruitment_screening",
        entities=[entity("platform", "facebook")],
        slots=slots,
    )
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert 37 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_situation"] == [{"entity": "platform", "value": "facebook"}]


def test_a_facet_follow_up_keeps_the_situation_so_far():
    slots = {
        "last_topics": ["photo_permission"],
        "last_situation": [
            {"entity": "person", "value": "pupils"},
            {"entity": "situation", "value": "account.official", "confidence": 0.9},
        ],
    }
    tracker = tracker_for("who has to give permission?", "ask_facet", slots=slots)
    messages, events = run(ActionAnswerFacet(), tracker)
    assert texts(messages).startswith("Their parents or guardians, or teachers")
    assert slot_values(events)["last_situation"] == slots["last_situation"]


@pytest.mark.parametrize(
    "text", ["can I just follow her back instead?", "could I accept it if I keep it private?"]
)
def test_friending_or_following_after_a_disclosure_is_ruled_out_by_paragraph_33(text):
    messages, events = safeguarding_follow_up(text, "ask_contact_with_pupils", 0.6)
    reply = texts(messages)
    assert reply.startswith("No.") and "Source: Paragraph 33 " in reply
    assert "(LADO)" in reply and button_payloads(messages) == []
    assert "safeguarding_open" not in slot_values(events)


def test_who_gives_permission_for_a_photo_without_children_names_the_people_in_it():
    slots = {"last_topics": ["photo_permission"], "last_situation": []}
    tracker = tracker_for("who has to give permission?", "ask_facet", slots=slots)
    messages, _ = run(ActionAnswerFacet(), tracker)
    assert texts(messages).startswith("Every recognisable person")


def test_a_follow_up_opens_for_the_form_of_the_previous_question():
    slots = {"last_topics": ["policy_scope"], "last_form": "scope"}
    tracker = tracker_for("and volunteers?", "follow_up_other", slots=slots)
    messages, events = run(ActionAnswerFollowUp(), tracker)
    assert texts(messages).startswith("Yes") and 6 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_form"] == "scope"


def test_a_short_question_about_it_stays_with_the_previous_rule():
    slots = {"last_topic": "create_work_account", "last_topics": ["create_work_account"]}
    tracker = tracker_for(
        "is it likely to be refused?", "ask_disciplinary_consequences", 0.17, slots=slots
    )
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert "rarely refused" in texts(messages) and "Paragraph 12" in texts(messages)
    assert slot_values(events)["last_topic"] == "create_work_account"


def test_what_happens_if_i_do_it_gets_the_consequences_of_a_breach():
    slots = {"last_topics": ["inappropriate_conduct_examples"]}
    tracker = tracker_for("and what happens if I do one of those?", "follow_up_other", slots=slots)
    messages, events = run(ActionAnswerFollowUp(), tracker)
    assert {29, 30} & cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topic"] == "disciplinary_consequences"


def test_who_decides_about_a_rule_that_names_no_one_gives_the_policy_owner():
    slots = {"last_topics": ["policy_purpose"]}
    tracker = tracker_for("and who is responsible for it?", "ask_facet", slots=slots)
    messages, _ = run(ActionAnswerFacet(), tracker)
    reply = texts(messages)
    assert reply.startswith("The policy names no one") and "Director of Human Resources" in reply
    assert cited_paragraphs(reply) == {5}


def test_an_unplaced_question_in_the_words_of_the_previous_answer_asks_about_its_rule():
    slots = {"last_topic": "monitoring", "last_topics": ["monitoring"]}
    tracker = tracker_for(
        "what would count as a valid reason to check?", "nlu_fallback", 0.15, slots=slots
    )
    messages, events = run(ActionClarify(), tracker)
    assert 32 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topic"] == "monitoring"


def test_an_unplaced_question_on_something_else_is_still_asked_back():
    slots = {"last_topic": "monitoring", "last_topics": ["monitoring"]}
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.15},
        {"name": "ask_privacy_settings", "confidence": 0.1},
        {"name": "ask_monitoring", "confidence": 0.1},
    ]
    tracker = tracker_for(
        "is there a dress code for the office?", "nlu_fallback", 0.15, ranking=ranking, slots=slots
    )
    messages, _ = run(ActionClarify(), tracker)
    assert "Paragraph" not in texts(messages) and "Is it one of these?" in texts(messages)


def test_a_follow_up_about_befriending_a_pupil_is_answered_as_safeguarding():
    slots = {"last_topics": ["confidential_information"]}
    ranking = [
        {"name": "follow_up_other", "confidence": 0.59},
        {"name": "ask_contact_with_pupils", "confidence": 0.28},
    ]
    tracker = tracker_for(
        "and what about friending a pupil?",
        "follow_up_other",
        0.59,
        entities=[entity("person", "pupil")],
        ranking=ranking,
        slots=slots,
    )
    messages, events = run(ActionAnswerFollowUp(), tracker)
    reply = texts(messages)
    assert reply.startswith("No.") and cited_paragraphs(reply) == {33}
    assert "(LADO)" in reply and "/feedback_positive" not in button_payloads(messages)
    assert slot_values(events)["last_topic"] == "contact_with_pupils"
    assert slot_values(events)["safeguarding_open"] is True


@pytest.mark.parametrize(
    ("text", "ruled_out"), [("what about a pupil?", True), ("what about a former pupil?", False)]
)
def test_befriending_asked_again_for_a_pupil_is_ruled_out_but_not_for_a_former_one(text, ruled_out):
    slots = {**AFTER_DISCLOSURE, "last_topic": "contact_with_pupils"}
    tracker = tracker_for(
        text, "follow_up_other", 0.8, entities=[entity("person", "pupil")], slots=slots
    )
    messages, _ = run(ActionSafeguardingFollowUp(), tracker)
    reply = texts(messages)
    assert reply.startswith("No.") == ruled_out
    assert "Source: Paragraph 33 " in reply and "(LADO)" in reply


def test_a_follow_up_naming_the_crest_gets_the_crest_rule():
    slots = {
        "last_topics": ["photo_permission"],
        "last_situation": [{"entity": "platform", "value": "facebook"}],
    }
    tracker = tracker_for(
        "and the crest?", "follow_up_other", entities=[entity("asset", "crest")], slots=slots
    )
    messages, events = run(ActionAnswerFollowUp(), tracker)
    assert 23 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topic"] == "crest_logo_personal"


def test_a_follow_up_keeps_its_rule_when_only_the_previous_question_named_a_logo():
    slots = {
        "last_topics": ["photo_permission"],
        "last_situation": [{"entity": "asset", "value": "logo"}],
    }
    tracker = tracker_for(
        "what about facebook?",
        "follow_up_other",
        entities=[entity("platform", "facebook")],
        slots=slots,
    )
    messages, events = run(ActionAnswerFollowUp(), tracker)
    assert 17 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topic"] == "photo_permission"


def test_a_facet_without_its_own_answer_gets_the_rule_without_a_verdict():
    slots = {"last_topics": ["bullying_harassment"], "last_form": "permission"}
    tracker = tracker_for("is there a time limit?", "ask_facet", 0.28, slots=slots)
    messages, _ = run(ActionAnswerFacet(), tracker)
    assert not texts(messages).startswith(("No", "Yes"))
    assert 31 in cited_paragraphs(texts(messages))


@pytest.mark.parametrize(
    ("text", "elliptical"),
    [
        ("who enforces this?", True),
        ("why is that?", True),
        ("what is the reason the policy exists?", False),
        ("how do I set up a work account for it?", False),
    ],
)
def test_a_message_the_recogniser_takes_for_a_follow_up_goes_on_from_the_previous_answer(
    text, elliptical
):
    assert is_elliptical({"text": text, "entities": [follow_up_in(text)]}) is elliptical


def test_a_pronoun_in_a_question_surely_on_another_topic_refers_to_that_topic():
    slots = {"last_topic": "personal_use_at_work", "last_topics": ["personal_use_at_work"]}
    text = "can they tell if i'm on it at my desk?"
    tracker = tracker_for(text, "ask_monitoring", 0.6, slots=slots)
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert follow_up_in(text)["value"] == "pronoun"
    assert slot_values(events)["last_topic"] == "monitoring"


def test_a_follow_up_labelled_as_standing_alone_asks_a_question_of_its_own():
    stands_alone = {"entity": "follow_up", "value": "stands_alone", "confidence": 0.9}
    assert not is_elliptical({"text": "who enforces this?", "entities": [stands_alone]})


def test_why_taken_for_a_topic_after_an_answer_gives_the_previous_rules_reason():
    tracker = tracker_for("how come?", "ask_policy_purpose", 0.2, slots=AFTER_CREST)
    messages, events = run(ActionAnswerPolicy(), tracker)
    topic = knowledge_base().known_topic("crest_logo_personal")
    assert texts(messages).startswith(topic.why)
    assert not slot_values(events)


def test_a_why_facet_gives_the_policy_reason():
    slots = {"last_topics": ["recruitment_screening"]}
    messages, _ = run(
        ActionAnswerFacet(), tracker_for("what's the logic there", "ask_facet", slots=slots)
    )
    assert texts(messages).startswith(knowledge_base().known_topic("recruitment_screening").why)


def test_who_about_the_previous_rule_gets_it_without_a_verdict():
    slots = {
        "last_topic": "crest_logo_personal",
        "last_topics": ["crest_logo_personal"],
        "last_form": "permission",
    }
    tracker = tracker_for(
        "who enforces this?",
        "ask_policy_scope",
        0.38,
        entities=[{"entity": "question_form", "value": "who", "confidence": 0.9}],
        slots=slots,
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert not texts(messages).startswith("No") and 23 in cited_paragraphs(texts(messages))


AFTER_PHOTO = {
    "last_topic": "photo_permission",
    "last_topics": ["photo_permission"],
    "last_paras": [16, 17],
    "last_form": "permission",
}


def test_children_in_the_photo_change_the_photo_rule_and_do_not_escalate():
    tracker = tracker_for(
        "there are kids in it",
        "report_safeguarding_concern",
        0.25,
        entities=[entity("person", "kids")],
        slots=AFTER_PHOTO,
    )
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert "parents or guardians" in texts(messages) and 17 in cited_paragraphs(texts(messages))
    assert "Designated Safeguarding Lead" not in texts(messages)
    assert slot_values(events)["last_topic"] == "photo_permission"


def test_a_concern_about_a_child_after_a_photo_question_still_escalates():
    tracker = tracker_for(
        "one of the kids messaged me",
        "report_safeguarding_concern",
        entities=[entity("person", "kids")],
        slots=AFTER_PHOTO,
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert "Designated Safeguarding Lead" in texts(messages)


def test_a_short_case_the_rule_treats_apart_is_answered_for_that_case():
    slots = {"last_topic": "crest_logo_personal", "last_topics": ["crest_logo_personal"]}
    tracker = tracker_for(
        "LinkedIn put the logo there automatically though",
        "ask_employer_in_profile",
        entities=[situation("circumstances.network_fills_logo")],
        slots=slots,
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Yes") and 23 in cited_paragraphs(texts(messages))


def test_a_follow_up_taken_for_out_of_scope_asks_about_the_previous_rule():
    slots = {"last_topic": "create_work_account", "last_topics": ["create_work_account"]}
    tracker = tracker_for("are they likely to say no?", "out_of_scope", slots=slots)
    messages, _ = run(ActionDeclineOutOfScope(), tracker)
    assert texts(messages).startswith("No") and "rarely refused" in texts(messages)
    assert 12 in cited_paragraphs(texts(messages))


def test_where_to_get_more_advice_after_copyright_names_the_guidelines():
    slots = {"last_topic": "copyright", "last_topics": ["copyright"]}
    tracker = tracker_for("where can I get more specific advice?", "nlu_fallback", slots=slots)
    messages, _ = run(ActionClarify(), tracker)
    assert "BARCelona Guidelines" in texts(messages) and 16 in cited_paragraphs(texts(messages))


def test_an_off_topic_question_after_an_answer_is_still_declined():
    slots = {"last_topic": "copyright", "last_topics": ["copyright"]}
    tracker = tracker_for("How do I book annual leave?", "out_of_scope", slots=slots)
    messages, _ = run(ActionDeclineOutOfScope(), tracker)
    assert "doesn't cover that" in texts(messages) and not cited_paragraphs(texts(messages))


def test_could_that_get_me_disciplined_after_a_rule_gets_the_consequences():
    slots = {"last_topic": "confidential_information", "last_topics": ["confidential_information"]}
    tracker = tracker_for(
        "could that get me disciplined?", "ask_disciplinary_consequences", slots=slots
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Yes") and 29 in cited_paragraphs(texts(messages))


def test_a_vague_opener_is_answered_and_offers_the_rest_of_its_area_as_buttons():
    tracker = tracker_for(
        "I have a question about recruitment and social media", "ask_recruitment_screening"
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert 37 in cited_paragraphs(texts(messages))
    assert "/ask_recruitment_equality" in button_payloads(messages)


def test_a_case_taken_for_a_facet_is_answered_for_the_previous_question():
    slots = {
        "last_topic": "recruitment_screening",
        "last_topics": ["recruitment_screening"],
        "last_form": "permission",
    }
    tracker = tracker_for(
        "it's for a receptionist role",
        "ask_facet",
        entities=[situation("circumstances.other_role")],
        slots=slots,
    )
    messages, events = run(ActionAnswerFacet(), tracker)
    assert texts(messages).startswith("No") and 37 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_form"] == "permission"


def test_a_statement_changing_the_case_keeps_the_previous_questions_form():
    slots = {
        "last_topic": "recruitment_screening",
        "last_topics": ["recruitment_screening"],
        "last_form": "permission",
    }
    tracker = tracker_for(
        "it's for a receptionist role",
        "follow_up_other",
        entities=[
            situation("circumstances.other_role"),
            {"entity": "question_form", "value": "consequence", "confidence": 0.9},
        ],
        slots=slots,
    )
    messages, _ = run(ActionAnswerFollowUp(), tracker)
    assert texts(messages).startswith("No")


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [("what if her mum asked me to?", True), ("what if she's left the school?", False)],
)
def test_befriending_in_other_circumstances_is_still_ruled_out(text, ruled_out):
    slots = {**AFTER_DISCLOSURE, "last_topic": "contact_with_pupils"}
    tracker = tracker_for(text, "ask_contact_with_pupils", 0.6, slots=slots)
    messages, _ = run(ActionSafeguardingFollowUp(), tracker)
    assert texts(messages).startswith("No.") == ruled_out


def test_a_short_concern_the_classifier_is_sure_of_escalates_after_a_photo_question():
    tracker = tracker_for(
        "a pupil in it is in danger",
        "report_safeguarding_concern",
        0.8,
        entities=[entity("person", "pupil")],
        slots=AFTER_PHOTO,
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert "Designated Safeguarding Lead" in texts(messages)


def follow_up(text, intent, after, entities=(), form="permission", confidence=0.95):
    """A tracker whose latest message `text` follows an answer on the topic `after`, with the
    slots action_answer_policy left: its topic, paragraphs and the question's `form`."""
    slots = {
        "last_topic": after,
        "last_topics": [after],
        "last_paras": list(knowledge_base().known_topic(after).paras),
        "last_form": form,
    }
    return tracker_for(text, intent, confidence, entities=list(entities), slots=slots)


def test_a_follow_up_stating_a_case_another_rule_treats_apart_gets_that_rule():
    tracker = follow_up(
        "what if I post under a made-up name?",
        "ask_anonymous_account",
        after="privacy_settings",
        entities=[situation("circumstances.saying_anything_anonymously")],
        form="yes_no",
    )
    messages, events = run(ActionAnswerPolicy(), tracker)
    assert 25 in cited_paragraphs(texts(messages))
    assert texts(messages).startswith("No.")
    assert slot_values(events)["last_topic"] == "anonymous_account"


def test_a_new_case_follow_up_naming_another_rules_case_leaves_the_previous_rule():
    tracker = follow_up(
        "and what about me, i work in comms but don't know if i'm authorised",
        "follow_up_other",
        after="definition_partner",
        entities=[situation("circumstances.authorised_officer")],
    )
    messages, events = run(ActionAnswerFollowUp(), tracker)
    assert 11 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topic"] == "official_account_posting"


def test_a_case_several_rules_treat_apart_keeps_the_previous_rule():
    tracker = follow_up(
        "and if it hasn't been approved?",
        "follow_up_other",
        after="privacy_settings",
        entities=[situation("circumstances.not_approved")],
    )
    _, events = run(ActionAnswerFollowUp(), tracker)
    assert slot_values(events)["last_topic"] == "privacy_settings"


def test_an_unplaced_longer_message_stating_a_case_of_the_previous_rule_goes_on_from_it():
    tracker = follow_up(
        "they've now asked us to advertise them on the library's facebook page too, is that ok?",
        "nlu_fallback",
        after="contractor_requests",
        entities=[situation("circumstances.promoting_contractor")],
        confidence=0.2,
    )
    messages, events = run(ActionClarify(), tracker)
    assert texts(messages).startswith("Only if City Procurement approves it")
    assert 19 in cited_paragraphs(texts(messages))
    assert slot_values(events)["last_topic"] == "contractor_requests"


def test_promoting_a_contractor_is_for_city_procurement_to_approve():
    tracker = tracker_for(
        "can the open spaces instagram give our tree surgeons a promo post?",
        "ask_contractor_requests",
        entities=[situation("circumstances.promoting_contractor")],
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Only if City Procurement approves it")


def test_asked_whether_the_act_just_described_breaks_the_policy_the_verdict_is_turned_round():
    """Paragraph 31 rules bullying out, so asked whether it is against the policy: "Yes."."""
    tracker = follow_up(
        "is that against the policy?",
        "ask_bullying_harassment",
        after="bullying_harassment",
        entities=[{"entity": "question_form", "value": "yes_no", "confidence": 0.9}],
        form="wh",
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert texts(messages).startswith("Yes.")


@pytest.mark.parametrize(
    ("after", "named"),
    [
        ("photo_permission", ["account.official"]),
        (
            "crisis",
            ["circumstances.doing_it_yourself", "circumstances.retweeting_official_sources"],
        ),
    ],
)
def test_an_account_or_a_case_of_the_previous_rule_keeps_the_previous_rule(after, named):
    """Every question is asked of some account, and a message stating a case of the previous
    rule goes on from it even if the classifier also finds another rule's case."""
    tracker = follow_up(
        "and on the other account, retweeting them?",
        "follow_up_other",
        after=after,
        entities=[situation(name) for name in named],
    )
    _, events = run(ActionAnswerFollowUp(), tracker)
    assert slot_values(events)["last_topic"] == after


AFTER_SCREENING = {"last_topic": "recruitment_screening", "last_topics": ["recruitment_screening"]}


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
def test_what_else_to_watch_out_for_gets_the_other_rule_of_the_same_area(intent):
    tracker = tracker_for(
        "anything more we should bear in mind on the interview panel?",
        intent,
        0.4,
        slots=AFTER_SCREENING,
    )
    action = ActionDeclineOutOfScope() if intent == "out_of_scope" else ActionClarify()
    messages, events = run(action, tracker)
    assert cited_paragraphs(texts(messages)) == {38}
    assert slot_values(events)["last_topic"] == "recruitment_equality"


def test_what_else_goes_to_the_related_topic_the_classifier_ranks_highest():
    slots = {"last_topic": "monitoring", "last_topics": ["monitoring"]}
    ranking = [
        {"name": "ask_monitoring", "confidence": 0.3},
        {"name": "ask_privacy_settings", "confidence": 0.2},
    ]
    tracker = tracker_for(
        "anything else I should know about who can see my posts?",
        "ask_monitoring",
        0.3,
        ranking=ranking,
        slots=slots,
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert 24 in cited_paragraphs(texts(messages))


def test_a_question_placed_surely_on_the_previous_topic_is_answered_on_it():
    slots = {"last_topic": "photo_permission", "last_topics": ["photo_permission"]}
    tracker = tracker_for(
        "anything else i should be careful about when posting photos of my class?",
        "ask_photo_permission",
        0.8,
        entities=[{"entity": "follow_up", "value": "related", "confidence": 0.9}],
        slots=slots,
    )
    messages, _ = run(ActionAnswerPolicy(), tracker)
    assert 17 in cited_paragraphs(texts(messages))


def paragraphs_asked_after_the_crest(text: str) -> tuple[list[dict], list[dict]]:
    """A request for paragraphs after the crest answer, with pseudonymous accounts the
    classifier's likeliest policy topic."""
    ranking = [
        {"name": "ask_which_paragraph", "confidence": 0.3},
        {"name": "ask_anonymous_account", "confidence": 0.1},
    ]
    tracker = tracker_for(text, "ask_which_paragraph", 0.3, ranking=ranking, slots=AFTER_CREST)
    return run(ActionNameParagraphs(), tracker)


def test_which_paragraph_naming_another_subject_names_that_subjects_paragraphs():
    messages, events = paragraphs_asked_after_the_crest("where was the bit about pseudonyms again?")
    assert "21 and 25 (Personal Use)" in texts(messages) and "23" not in texts(messages)
    assert slot_values(events)["last_topic"] == "anonymous_account"


def test_which_paragraph_is_that_still_names_the_previous_answers():
    messages, events = paragraphs_asked_after_the_crest("which paragraph says that?")
    assert texts(messages).startswith("That answer comes from paragraph 23 ") and events == []


@pytest.mark.parametrize(
    ("text", "form", "opening"),
    [
        ("our DSL is on leave, may I contact the LADO myself?", "permission", "Yes. Contact"),
        ("what if the DSL is the person?", "wh", "Contact"),
    ],
)
def test_asked_whether_the_lado_will_do_the_answer_is_yes(text, form, opening):
    entities = [{"entity": "question_form", "value": form, "confidence": 0.8}]
    messages, _ = safeguarding_follow_up(text, "out_of_scope", entities=entities)
    assert texts(messages).startswith(f"{opening} the Local Authority's Designated Officer")


def test_a_yes_no_follow_up_takes_a_claim_of_the_previous_rule_in_place_of_its_condition():
    slots = {"last_topic": "create_work_account", "last_topics": ["create_work_account"]}
    entities = [
        {"entity": "claim", "value": "chief_officer_decision_final", "confidence": 0.55},
        {"entity": "question_form", "value": "yes_no", "confidence": 0.6},
    ]
    tracker = tracker_for("and can nobody overrule them?", "ask_facet", 0.3, entities, slots=slots)
    messages, _ = run(ActionAnswerFacet(), tracker)
    assert texts(messages).startswith("Yes") and 12 in cited_paragraphs(texts(messages))


AFTER_PHOTO = {"last_topic": "photo_permission", "last_topics": ["photo_permission"]}
ASKED_WHICH_CASE = {
    "event": "bot",
    "text": "Which is it?",
    "data": {
        "buttons": [
            {"title": "No people in the photo", "payload": '/follow_up_other{"situation": "x"}'}
        ]
    },
}


@pytest.mark.parametrize(("asked_back", "answered"), [(True, True), (False, False)])
def test_a_statement_typed_instead_of_a_case_button_goes_on_from_the_answer(asked_back, answered):
    earlier = [{"event": "user", "text": "can i post pictures"}]
    earlier += [ASKED_WHICH_CASE] if asked_back else []
    tracker = tracker_for(
        "they're of my team at the away day",
        "out_of_scope",
        0.4,
        slots=AFTER_PHOTO,
        earlier_events=earlier,
    )
    # Rasa sets slots from the message's entities after its user event
    tracker.events.append({"event": "slot", "name": "question_form", "value": "permission"})
    messages, _ = run(ActionDeclineOutOfScope(), tracker)
    assert (17 in cited_paragraphs(texts(messages))) == answered
    assert ("doesn't cover" in texts(messages)) != answered
