"""The policy data is faithful to the policy document."""

import re
from pathlib import Path

import pytest
import yaml

from actions.answers import against_the_rules, opened_for, policy_answer, without_verdict
from actions.knowledge import (
    OWN_VERDICT,
    YES_NO_FORMS,
    Rule,
    canonical_entities,
    knowledge_base,
    paragraphs,
)
from contracts import SITUATION_CONFIDENCE
from scripts.import_policy import DEFAULT_SOURCE, parse

ROOT = Path(__file__).resolve().parent.parent
# The team's shared copy of the policy, beside the repository on the project's machines only
SHARED_SOURCE = ROOT.parent / "shared" / "policy" / "social-media-policy.md"
VERDICT_OPENINGS = {"yes": "Yes", "no": "No", "conditional": "Only"}


@pytest.fixture(scope="module")
def source_text() -> str:
    return DEFAULT_SOURCE.read_text(encoding="utf-8")


@pytest.mark.skipif(not SHARED_SOURCE.exists(), reason="no shared policy copy beside the clone")
def test_the_repository_copy_of_the_policy_is_the_shared_one(source_text):
    assert source_text == SHARED_SOURCE.read_text(encoding="utf-8")


def squash(text: str) -> str:
    return " ".join(text.replace("- ", " ").split())


def all_answers() -> list[tuple[str, str, str | None]]:
    """(topic id, answer text, verdict) for every topic and rule."""
    found = []
    for topic in knowledge_base().topics:
        found.append((topic.id, topic.answer, topic.verdict))
        found += [(topic.id, rule.answer, rule.verdict) for rule in topic.rules]
    return found


def all_texts() -> list[tuple[str, str]]:
    """(topic id, text) for every answer, rule answer and follow-up "why?" reply."""
    answers = [(topic_id, answer) for topic_id, answer, _ in all_answers()]
    return answers + [(topic.id, topic.why) for topic in knowledge_base().topics]


def test_all_41_paragraphs_are_stored_in_order():
    assert list(paragraphs()) == list(range(1, 42))


def test_each_stored_paragraph_is_exact_text_of_the_source(source_text):
    document = squash(source_text)
    for number, text in paragraphs().items():
        assert squash(text) in document, f"paragraph {number} differs from the source"


def test_stored_paragraphs_are_what_the_importer_reads_today(source_text):
    stored = yaml.safe_load((ROOT / "data/policy/paragraphs.yml").read_text())["paragraphs"]
    assert parse(source_text) == stored, "the policy changed: run scripts/import_policy.py"


def test_bullets_are_kept_as_lines():
    assert paragraphs()[9].count("\n- ") == 3
    assert paragraphs()[31].count("\n- ") == 11


def test_every_cited_paragraph_exists():
    for topic in knowledge_base().topics:
        assert set(topic.paras) <= set(paragraphs()), topic.id


def test_every_paragraph_is_cited_by_some_topic():
    cited = {n for topic in knowledge_base().topics for n in topic.paras}
    assert set(range(1, 42)) - cited == set()


def test_permission_answers_open_with_their_verdict():
    for topic_id, answer, verdict in all_answers():
        if verdict:
            assert answer.startswith(VERDICT_OPENINGS[verdict]), topic_id


def test_roles_a_topic_lists_are_named_in_its_answer():
    kb = knowledge_base()
    for topic in kb.topics:
        reply = " ".join(policy_answer(kb, topic, "", {}, contacts={}).messages).lower()
        for role in topic.roles:
            assert kb.role_names[role].lower() in reply, (topic.id, role)


def test_a_who_question_on_a_topic_that_names_roles_gets_a_role_first():
    """ "Who can give a partner organisation access?" opens with the Digital Communications
    Manager, not with the authorised-officer condition."""
    kb = knowledge_base()
    for topic in kb.topics:
        if not topic.roles:
            continue
        reply = opened_for("who", topic.answer, topic.openings)
        opening = re.sub(r"^(The|Your) ", "", reply)
        names = [kb.role_names[role] for role in topic.roles]
        assert any(opening.startswith(name) for name in names), (topic.id, reply[:60])


def test_answers_give_no_contact_details():
    contact = re.compile(r"@\w+\.\w|https?://|www\.|\d{3,}[\s-]?\d{3,}")
    for topic_id, text in all_texts():
        assert not contact.search(text), topic_id


def test_answers_name_no_one_and_nothing_the_policy_does_not(source_text):
    """Every capitalised word inside a sentence (a name, a title, a place) is in the policy."""
    policy_words = set(re.findall(r"[\w@&']+", source_text))
    for topic_id, text in all_texts():
        for sentence in re.split(r"(?<=[.:;!?])\s+|\n+-?\s*", text):
            for word in re.findall(r"[\w@&']+", sentence)[1:]:
                if word[0].isupper() or word.startswith("@"):
                    assert word in policy_words, f"{topic_id}: {word!r} is not in the policy"


def test_every_topic_has_a_why_and_a_question():
    for topic in knowledge_base().topics:
        assert topic.why.strip() and topic.question.strip(), topic.id


def test_every_why_rests_on_existing_paragraphs():
    for topic in knowledge_base().topics:
        assert topic.why_paras, topic.id
        assert set(topic.why_paras) <= set(paragraphs()), topic.id


def test_questions_fit_a_button_and_are_distinct_questions():
    questions = [topic.question for topic in knowledge_base().topics]
    for question in questions:
        assert len(question) <= 60 and question.endswith("?"), question
    assert len(set(questions)) == len(questions)


def test_help_menu_areas_list_existing_topics():
    kb = knowledge_base()
    topic_ids = {topic.id for topic in kb.topics}
    assert len({area.id for area in kb.areas}) == len(kb.areas)
    for area in kb.areas:
        assert area.title[0].isupper(), area.id
        assert 1 <= len(area.topic_ids) <= 6, area.id
        assert len(set(area.topic_ids)) == len(area.topic_ids), area.id
        assert set(area.topic_ids) <= topic_ids, area.id
        assert kb.area(area.id) is area
    assert kb.area("no_such_area") is None


def test_every_topic_but_a_definition_is_in_some_area():
    kb = knowledge_base()
    listed = {topic_id for area in kb.areas for topic_id in area.topic_ids}
    unlisted = {topic.id for topic in kb.topics if topic.id not in listed}
    assert {topic_id for topic_id in unlisted if not topic_id.startswith("definition_")} == set()


def stated(*situations: str, confidence: float = 0.9) -> dict[str, set[str]]:
    found = [{"entity": "situation", "value": s, "confidence": confidence} for s in situations]
    return canonical_entities(found)


def test_a_rule_applies_only_when_every_situation_it_names_is_stated():
    rule = Rule("Yes.", "yes", situations=("account.personal", "circumstances.in_a_crisis"))
    assert rule.matches(stated("account.personal", "circumstances.in_a_crisis"))
    assert not rule.matches(stated("account.personal"))
    assert not rule.matches({})


def test_a_situation_stated_unsurely_does_not_apply_a_rule():
    rule = Rule("Yes.", "yes", situations=("circumstances.on_a_break",))
    assert rule.matches(stated("circumstances.on_a_break", confidence=SITUATION_CONFIDENCE))
    unsure = SITUATION_CONFIDENCE - 0.01
    assert not rule.matches(stated("circumstances.on_a_break", confidence=unsure))


def test_a_rule_for_a_person_needs_that_person_named():
    rule = next(r for r in knowledge_base().topic("photo_permission").rules if r.applies_to)
    assert rule.matches({"person": {"pupil"}})
    assert not rule.matches({})


def test_every_situation_is_named_by_some_rule_and_learnt():
    raw = yaml.safe_load((ROOT / "data/policy/situations.yml").read_text())
    used = {
        situation
        for topic in knowledge_base().topics
        for rule in topic.rules
        for situation in rule.situations
    }
    assert set(raw["situations"]) == used


def test_every_opening_reads_as_one_sentence_before_the_answer():
    """An opening replaces the answer's own "Yes"/"No" and repeats nothing of it."""
    for topic in knowledge_base().topics:
        for source in (topic, *topic.rules):
            for form, opening in source.openings.items():
                if opening in (None, OWN_VERDICT):
                    continue
                assert opening.endswith("."), (topic.id, form)
                composed = opened_for(form, source.answer, source.openings)
                rest = composed[len(opening) + 1 :]
                assert not re.match(r"(Yes|No)\b", rest), (topic.id, form)
                said = without_verdict(opening).rstrip(".").lower()
                assert not (said and rest.lower().startswith(said)), (topic.id, form)


@pytest.mark.parametrize("topic", knowledge_base().topics, ids=lambda topic: topic.id)
def test_every_yes_no_form_has_a_verdict_or_an_explicit_none(topic):
    """No topic and form of question falls back silently on prose: each form has its
    opening, the topic's own verdict, or null where the policy gives no verdict for it."""
    assert set(YES_NO_FORMS) <= set(topic.openings), topic.id
    for form in YES_NO_FORMS:
        opening = topic.openings[form]
        reply = opened_for(form, topic.answer, topic.openings)
        if opening is None:
            assert not re.match(r"(Yes|No)\b", reply), (topic.id, form)
        elif opening == OWN_VERDICT:
            assert topic.verdict and reply.startswith(VERDICT_OPENINGS[topic.verdict]), form
        else:
            assert reply.startswith(opening), (topic.id, form)


def test_a_forbidding_topics_no_answers_only_the_question_whether_you_may():
    """Polarity: "could X get me disciplined?", "does the rule cover Y?" and "must I keep
    to it?" about something forbidden are not answered with its "No."."""
    forbidding = [topic for topic in knowledge_base().topics if topic.verdict == "no"]
    assert len(forbidding) >= 5
    for topic in forbidding:
        for form in ("consequence", "scope", "obligation"):
            opening = topic.openings[form]
            assert opening != OWN_VERDICT, (topic.id, form)
            assert opening is None or not opening.startswith("No"), (topic.id, form)


def test_a_consequence_question_is_told_no_only_about_a_case_a_rule_grants():
    """The policy never says a breach cannot lead to discipline; a case a rule allows is
    acceptable, so asking whether it gets one in trouble is answered "No."."""
    for topic in knowledge_base().topics:
        for source in (topic, *topic.rules):
            opening = source.openings.get("consequence")
            if opening == OWN_VERDICT:  # its condition: "Only what could be ..."
                assert source.verdict == "conditional", topic.id
            elif opening and opening.startswith("No"):
                assert source in topic.rules and source.verdict == "yes", topic.id
            else:
                assert opening is None or opening.startswith("Yes"), topic.id


# an opening followed by another verdict or by a condition ("Yes. Only with permission.",
# "Yes, it can. Only what ...", "No. Yes, ...")
CONTRADICTORY_START = re.compile(r"(?:Yes|No)\b[^.]*\.\s+(?:Yes|No|Only|Not)\b")


@pytest.mark.parametrize("topic", knowledge_base().topics, ids=lambda topic: topic.id)
def test_every_reply_reads_as_one_answer_after_its_opening(topic):
    """Every topic and rule, asked in every form and whether it is against the rules: the
    answer after a form's opening opens with neither a verdict nor a condition of its own."""
    for source in (topic, *topic.rules):
        replies = [opened_for(form, source.answer, source.openings) for form in YES_NO_FORMS]
        replies.append(against_the_rules(source.answer, source.verdict))
        for reply in replies:
            assert not CONTRADICTORY_START.match(reply), (topic.id, reply[:80])


def test_the_opening_of_another_form_stands_in_for_the_answers_condition():
    """ "Do I need to ask the people in the background?" is answered "Yes.", then what to ask."""
    topic = knowledge_base().topic("photo_permission")
    assert topic and topic.answer.startswith("Only with permission.")
    reply = opened_for("obligation", topic.answer, topic.openings)
    assert reply.startswith("Yes. If you use a photograph you took yourself, get permission")


def rule_of(topic_id: str, situation: str) -> Rule:
    topic = knowledge_base().topic(topic_id)
    assert topic
    return next(rule for rule in topic.rules if situation in rule.situations)


def test_a_restricting_rule_keeps_its_topics_other_openings():
    """Not yet approved: "do I need permission first?" is still "Yes." (paragraph 12)."""
    rule = rule_of("create_work_account", "circumstances.not_approved")
    assert rule.openings["obligation"] == "Yes."
    assert rule.openings["permission"] == OWN_VERDICT


def test_a_granting_rule_answers_a_consequence_question_no():
    """On a break (paragraph 20) personal use is allowed: "could it get me in trouble?" is
    answered "No.", not with the topic's "Yes, in the case of misuse."."""
    rule = rule_of("personal_use_at_work", "circumstances.on_a_break")
    assert rule.openings.get("consequence") == "No."
    reply = opened_for("consequence", rule.answer, rule.openings)
    assert reply.startswith("No. Personal social media use should take place during designated")


def test_the_crest_a_network_fills_in_gets_no_one_in_trouble():
    """Paragraph 23: "LinkedIn put the City crest next to my job. Will I get in trouble?"."""
    rule = rule_of("crest_logo_personal", "circumstances.network_fills_logo")
    reply = opened_for("consequence", rule.answer, rule.openings)
    assert reply.startswith("No. It is acceptable where the social network fills the logo in")
    assert against_the_rules(rule.answer, rule.verdict).startswith("No. It is acceptable")
