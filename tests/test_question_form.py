"""The question's form decides how its answer opens: the classifier that learns the form
(addons/question_form.py), its cross-validated accuracy, and the replies it leads to."""

import asyncio

import pytest

from actions.policy_answer import ActionAnswerPolicy, own_question_form
from addons.question_form import FormModel, labelled_questions
from scripts.question_forms import accuracy, cross_validated
from tests.actions_helpers import entity, run_action, situation, texts, tracker_for


@pytest.fixture(autouse=True)
def no_contacts(tmp_path, monkeypatch):
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))


@pytest.fixture(scope="module")
def model() -> FormModel:
    return FormModel.fit(*labelled_questions())


def test_cross_validated_accuracy_holds():
    """Measured 2026-11-30: 80.3% over 7 forms; 95.3% telling yes/no from wh-questions."""
    _, forms, predicted = cross_validated(folds=5)
    assert accuracy(forms, predicted) >= 0.78

    def wh(form):
        return form in ("who", "wh")

    assert accuracy([wh(f) for f in forms], [wh(p) for p in predicted]) >= 0.93


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("could posting about a pupil's behaviour get me sacked?", "consequence"),
        ("does the policy apply to people on zero hours contracts", "scope"),
        ("who should I tell about a post mocking the corporation", "who"),
        ("what is meant by a partner organisation", "wh"),
        ("do I need to credit a photo from a colleague", "obligation"),
        ("can I post my allotment photos on instagram", "permission"),
        ("shouldn't I tell my manager about a post mocking the city?", "obligation"),
        ("aren't agency staff covered by the policy?", "scope"),
        ("is it not ok to use the coat of arms?", "permission"),
    ],
)
def test_unseen_questions_get_their_form(model, question, form):
    assert question not in labelled_questions()[0]
    assert model.predict([question])[0][0] == form


def test_the_model_survives_its_json_form(model):
    copy = FormModel(**model.as_dict())
    question = "does the policy apply to agency staff"
    assert copy.predict([question]) == model.predict([question])


def reply(question, intent, form, confidence=0.9, entities=()):
    found = [*entities, {"entity": "question_form", "value": form, "confidence": confidence}]
    tracker = tracker_for(question, intent, entities=found)
    messages, _ = asyncio.run(run_action(ActionAnswerPolicy(), tracker))
    return texts(messages)


@pytest.mark.parametrize(
    ("question", "intent", "form", "opening"),
    [
        # issue 10, cause 1: a consequence or scope question is not given the topic's "No."
        (
            "could a rant about my students on Facebook get me disciplined?",
            "ask_criticising_colleagues_customers",
            "consequence",
            "Yes, it can. Criticising or arguing",
        ),
        (
            "could harassing a co-worker online be gross misconduct?",
            "ask_bullying_harassment",
            "consequence",
            "Yes, it can.",
        ),
        (
            "does the boundary rule cover people working with vulnerable adults too?",
            "ask_contact_with_pupils",
            "scope",
            "Yes. Under no circumstances",
        ),
        (
            "does the name rule cover my display name as well as the @handle?",
            "ask_employer_in_profile",
            "scope",
            "Yes. Personal accounts must not include",
        ),
        # cause 2: yes/no questions get a verdict word
        ("does the policy apply to agency staff?", "ask_policy_scope", "scope", "Yes, if"),
        ("is TikTok covered?", "ask_definition_social_media", "scope", "Yes, if"),
        (
            "can they withdraw my access to social media at work?",
            "ask_personal_use_at_work",
            "consequence",
            "Yes. Access to social media from City Corporation premises",
        ),
        (
            "does our team account have to follow house style?",
            "ask_style_guidelines",
            "obligation",
            "Yes. Social media use must follow",
        ),
        # a topic without a verdict of its own still answers a yes/no question
        (
            "have I got to stick to the code of conduct on my private instagram?",
            "ask_off_duty_conduct",
            "obligation",
            "Yes. Your off-duty hours",
        ),
        (
            "do the defamation and data protection laws cover my tweets?",
            "ask_freedom_of_expression",
            "scope",
            "Yes. The City Corporation recognises",
        ),
        (
            "could the applicant's religion count for anything in my shortlisting?",
            "ask_recruitment_equality",
            "permission",
            "No. Everyone involved in recruitment",
        ),
        (
            "is there anything I ought to do about a nasty thread about the Corporation?",
            "report_disparaging_content",
            "yes_no",
            "Yes. Tell your line manager",
        ),
        ("is the corporation itself active on twitter?", "ask_policy_purpose", "yes_no", "Yes."),
        # who: the role first
        (
            "who do I tell about a post slagging off the city?",
            "report_disparaging_content",
            "who",
            "Your line manager and the Digital Communications Manager.",
        ),
        (
            "who decides whether we can open a team account?",
            "ask_create_work_account",
            "who",
            "Your departmental Chief Officer and the Digital Communications Manager.",
        ),
    ],
)
def test_the_answer_opens_for_the_form_of_the_question(question, intent, form, opening):
    assert reply(question, intent, form).startswith(opening)


def test_a_rule_with_its_own_opening_opens_with_it():
    """The crisis rule does not stop personal accounts."""
    answer = reply(
        "have I got to stop posting on my personal account during the emergency?",
        "ask_crisis",
        "obligation",
        entities=[situation("account.personal")],
    )
    assert answer.startswith("No. The crisis rule is about corporate social media")


def test_a_logo_the_network_filled_in_need_not_be_removed():
    """Paragraph 23: acceptable where the social network populates it automatically."""
    answer = reply(
        "facebook put the barbican logo on my work history, must I take it off?",
        "ask_crest_logo_personal",
        "obligation",
        entities=[situation("circumstances.network_fills_logo")],
    )
    assert answer.startswith("No. It is acceptable where the social network fills the logo in")


def test_photos_posted_without_asking_anyone_are_refused():
    """Paragraph 17: permission from recognisable people, and for children from parents or
    guardians or teachers, comes before publishing."""
    answer = reply(
        "can we upload the fun day pictures of the children without checking with anybody?",
        "ask_photo_permission",
        "permission",
        entities=[situation("circumstances.not_approved")],
    )
    assert answer.startswith("No, not without permission.")
    assert "16 and 17 of the Social Media Policy" in answer


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what's the rule on using the crest?", "ask_crest_logo_personal"),
        ("how do I check a candidate's social media properly?", "ask_recruitment_screening"),
        (
            "what does the policy say about giving a contractor a reference?",
            "ask_contractor_requests",
        ),
    ],
)
def test_a_wh_question_gets_no_verdict_word(question, intent):
    answer = reply(question, intent, "wh")
    assert not answer.startswith(("Yes", "No"))
    assert answer[0].isupper()


def test_a_consequence_question_without_a_policy_opening_gets_no_permission_verdict():
    """Paragraph 33 forbids friending a pupil; whether that can get you disciplined it does
    not say, so the answer must not open "No." as if to say it cannot."""
    answer = reply(
        "could friending a pupil get me disciplined?",
        "ask_contact_with_pupils",
        "consequence",
        entities=[entity("person", "pupil")],
    )
    assert answer.startswith("Under no circumstances")


@pytest.mark.parametrize(
    ("question", "intent", "form", "opening"),
    [
        ("do youtube comments count?", "ask_definition_social_media", "obligation", "Yes, if"),
        (
            "is one bad tweet gross misconduct?",
            "ask_disciplinary_consequences",
            "yes_no",
            "Yes, it can.",
        ),
        (
            "does reposting count the same as writing it?",
            "ask_responsibility_for_shares",
            "scope",
            "Yes. You are individually responsible",
        ),
    ],
)
def test_any_yes_no_question_gets_the_topics_yes_no_opening(question, intent, form, opening):
    assert reply(question, intent, form).startswith(opening)


def test_should_i_accept_a_pupils_request_keeps_the_policys_no():
    answer = reply(
        "one of my year 11s asked to follow me, should i accept?",
        "ask_contact_with_pupils",
        "obligation",
        entities=[entity("person", "pupil")],
    )
    assert answer.startswith("No. Under no circumstances")


def test_a_permission_question_keeps_the_topic_verdict():
    answer = reply("can i use the crest on my twitter", "ask_crest_logo_personal", "permission")
    assert answer.startswith("No. Personal accounts must not intentionally use")


def test_an_unsure_form_keeps_the_topic_verdict():
    answer = reply("crest on fb", "ask_crest_logo_personal", "wh", confidence=0.2)
    assert answer.startswith("No.")


def test_a_follow_up_keeps_the_verdict_of_the_question_it_repeats():
    tracker = tracker_for(
        "what about on linkedin?",
        "follow_up_other",
        entities=[{"entity": "question_form", "value": "wh", "confidence": 0.95}],
    )
    assert own_question_form(tracker.latest_message) is None


@pytest.mark.parametrize(
    ("question", "intent", "opening"),
    [
        # complying with the rule: its obligation opening
        (
            "must I keep professional boundaries with the kids online at all times?",
            "ask_contact_with_pupils",
            "Yes. Under no circumstances",
        ),
        (
            "do I need permission before opening a team page?",
            "ask_create_work_account",
            "Yes, from your departmental Chief Officer and the Digital Communications Manager.",
        ),
        ("should the library feed stop posting in an emergency?", "ask_crisis", "Yes."),
        # doing the act itself: the permission answer
        (
            "should I post what I heard at committee on my facebook?",
            "ask_confidential_information",
            "No. Do not disclose",
        ),
        (
            "should i just friend him so i can keep an eye on him?",
            "ask_contact_with_pupils",
            "No. Under no circumstances",
        ),
    ],
)
def test_an_obligation_question_about_doing_the_act_gets_the_permission_answer(
    question, intent, opening
):
    assert reply(question, intent, "obligation").startswith(opening)


@pytest.mark.parametrize(
    ("question", "intent", "form"),
    [
        ("is there a specific law for social media?", "ask_freedom_of_expression", "yes_no"),
        ("could a photo without consent get me sacked?", "ask_photo_permission", "consequence"),
        ("do I have to name my employer on my account?", "ask_anonymous_account", "obligation"),
    ],
)
def test_a_form_the_policy_gives_no_verdict_for_opens_without_yes_or_no(question, intent, form):
    assert not reply(question, intent, form).startswith(("Yes", "No"))


@pytest.mark.parametrize(
    ("question", "intent", "form", "entities", "opening"),
    [
        # the form the classifier gave, corrected by the question's own words
        (
            "is 'Sam CityCorp' ok as my name on facebook",
            "ask_employer_in_profile",
            "yes_no",
            (),
            "No.",
        ),
        (
            "i'm interviewing - must we avoid letting her religion matter?",
            "ask_recruitment_equality",
            "permission",
            (),
            "Yes.",
        ),
        # whether something is against the rules: the permission verdict turned round
        (
            "is it a problem that facebook put the barbican logo on my job automatically?",
            "ask_crest_logo_personal",
            "permission",
            [situation("circumstances.network_fills_logo")],
            "No. It is acceptable",
        ),
        (
            "would it be a problem to use the coat of arms as my avatar?",
            "ask_crest_logo_personal",
            "yes_no",
            (),
            "Yes. Personal accounts must not",
        ),
        # a rule that grants answers "must I?" with its own verdict
        (
            "my photographer friend said yes, do I still need to credit her?",
            "ask_copyright",
            "obligation",
            [situation("circumstances.asking_about_credit")],
            "Yes. Even with copyright permission",
        ),
    ],
)
def test_the_question_s_own_words_decide_its_polarity(question, intent, form, entities, opening):
    assert reply(question, intent, form, entities=entities).startswith(opening)


def test_a_rule_that_grants_is_not_told_what_breaking_its_topic_leads_to():
    """On a designated break personal use is allowed (paragraph 20): "No.", not "Yes, in the
    case of misuse."."""
    answer = reply(
        "could using instagram on my lunch break get me in trouble?",
        "ask_personal_use_at_work",
        "consequence",
        entities=[situation("circumstances.on_a_break")],
    )
    assert answer.startswith("No. Personal social media use should take place during")


@pytest.mark.parametrize(
    ("question", "intent", "opening"),
    [
        (
            "is a joke about someone's religion classed as harassment?",
            "ask_bullying_harassment",
            "Yes. Using social media to bully",
        ),
        (
            "is sharing a resident's address a breach of confidentiality?",
            "ask_confidential_information",
            "Yes.",
        ),
        ("even on a private account?", "ask_criticising_colleagues_customers", "No. Criticising"),
        (
            "is it required that everyone in the photo has agreed?",
            "ask_photo_permission",
            "Yes. If you use a photograph you took yourself, get permission",
        ),
    ],
)
def test_other_yes_no_questions_take_their_polarity_from_what_they_ask(question, intent, opening):
    assert reply(question, intent, "yes_no").startswith(opening)
