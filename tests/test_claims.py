"""The claims (data/policy/claims.yml) are faithful to the policy, and a yes/no question
matched to one opens with its verdict."""

import asyncio
import re

import pytest
import yaml

from actions.answers import claim_opened
from actions.claims import CLAIMS_FILE, claim_confidence, claims
from actions.knowledge import knowledge_base, paragraphs
from actions.policy_answer import ActionAnswerPolicy
from scripts.evaluate import cited_paragraphs
from scripts.import_policy import DEFAULT_SOURCE
from tests.actions_helpers import entity, run_action, texts, tracker_for

VERDICT_WORDS = {"yes": "Yes", "no": "No", "conditional": "Only"}
# words of four letters or more an opening may use that its paragraphs do not: plain
# connectives and the usual forms of the policy's own words
OPENING_WORDS_NOT_QUOTED = 0.34


def raw_claims() -> list[dict]:
    return yaml.safe_load(CLAIMS_FILE.read_text(encoding="utf-8"))["claims"]


def words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z]+", text.lower()) if len(word) >= 4}


def test_there_are_claims_for_most_topics_and_each_is_well_formed():
    raw = raw_claims()
    topics = {topic.id for topic in knowledge_base().topics}
    assert len(raw) >= 70
    assert len({claim["id"] for claim in raw}) == len(raw)
    assert len({claim["topic"] for claim in raw}) >= 30
    for claim in raw:
        assert claim["topic"] in topics, claim["id"]
        assert claim["verdict"] in VERDICT_WORDS, claim["id"]
        assert 6 <= len(claim["examples"]) <= 10, claim["id"]
        assert 1 <= len(claim["paras"]) <= 2, claim["id"]
    assert 0 < claim_confidence() < 1


@pytest.mark.parametrize("claim", list(claims().values()), ids=lambda claim: claim.id)
def test_an_opening_says_its_verdict_in_the_cited_paragraphs_words(claim):
    """It begins with its verdict word, ends a sentence, rests on real paragraphs and is
    worded from them: most of its longer words are theirs."""
    opening = claim.opening
    assert re.match(rf"{VERDICT_WORDS[claim.verdict]}\b", opening), claim.id
    assert opening.endswith("."), claim.id
    assert set(claim.paras) <= set(paragraphs()), claim.id
    cited = words(" ".join(paragraphs()[n] for n in claim.paras))
    own = words(opening) - {"only", "there", "also"}
    assert len(own - cited) <= OPENING_WORDS_NOT_QUOTED * len(own), (claim.id, own - cited)


def test_openings_name_no_one_and_nothing_the_policy_does_not():
    policy_words = set(re.findall(r"[\w@&']+", DEFAULT_SOURCE.read_text(encoding="utf-8")))
    for claim in claims().values():
        for word in re.findall(r"[\w@&']+", claim.opening)[1:]:
            if word[0].isupper() or word.startswith("@"):
                assert word in policy_words, f"{claim.id}: {word!r} is not in the policy"


# the claim's opening followed by a verdict or a condition of the answer's own ("Yes, the
# Chief Officer's decision will be final. Only with permission ...")
SECOND_VERDICT = re.compile(r"(?:Yes|No|Only|Not)\b")


def roles_in(text: str) -> list[str]:
    """The role names an answer gives: the reply must still name whom to ask."""
    return [name for name in knowledge_base().role_names.values() if name in text]


@pytest.mark.parametrize("claim", list(claims().values()), ids=lambda claim: claim.id)
def test_a_claims_opening_stands_in_for_the_answers_verdict_and_condition(claim):
    """Every claim, before its topic's answer and each of its rules' answers: what follows
    the opening opens with neither a verdict nor a condition of its own, and still names
    every role the answer names."""
    topic = knowledge_base().topic(claim.topic)
    assert topic, claim.id
    for source in (topic, *topic.rules):
        reply = claim_opened(claim, source.answer)
        rest = reply[len(claim.opening) + 1 :]
        assert rest and not SECOND_VERDICT.match(rest), (claim.id, rest[:60])
        assert all(role in reply for role in roles_in(source.answer)), claim.id


def claim_entity(claim_id: str, confidence: float = 0.9) -> dict:
    return {"entity": "claim", "value": claim_id, "confidence": confidence}


def form(value: str) -> dict:
    return {"entity": "question_form", "value": value, "confidence": 0.9}


def answer(text: str, intent: str, entities: list[dict]) -> str:
    messages, _ = asyncio.run(
        run_action(ActionAnswerPolicy(), tracker_for(text, intent, entities=entities))
    )
    return texts(messages)


def test_a_yes_no_question_on_a_fact_opens_with_that_facts_verdict():
    """The topic's own opening is "Yes" (the laws apply); this fact's is "No"."""
    reply = answer(
        "is there a law just for social media",
        "ask_freedom_of_expression",
        [form("yes_no"), claim_entity("no_specific_social_media_law")],
    )
    assert reply.startswith("No, there is no specific regulation of social media")
    assert 4 in cited_paragraphs(reply)


def test_a_claim_is_not_used_below_its_confidence_on_another_topic_or_for_a_wh_question():
    base = answer("who reads the policy", "ask_policy_owner", [form("yes_no")])
    for intent, entities in [
        ("ask_policy_owner", [form("yes_no"), claim_entity("line_manager_interprets_policy", 0.1)]),
        ("ask_policy_owner", [form("yes_no"), claim_entity("no_specific_social_media_law")]),
    ]:
        assert answer("who reads the policy", intent, entities) == base
    wh = answer(
        "who interprets the policy",
        "ask_policy_owner",
        [form("who"), claim_entity("line_manager_interprets_policy")],
    )
    assert not wh.startswith("No")


def test_a_claim_never_replaces_the_safeguarding_escalation():
    entities = [
        form("permission"),
        claim_entity("professional_boundaries"),
        entity("person", "pupil"),
    ]
    reply = answer("a pupil keeps messaging me, can i reply", "ask_contact_with_pupils", entities)
    assert not reply.startswith("Yes, appropriate professional boundaries")
    assert "Designated Safeguarding Lead" in reply


def test_a_follow_up_on_the_previous_topic_can_ask_a_claim():
    """ "so they never look at my internet usage?" after a monitoring answer."""
    tracker = tracker_for(
        "so they never look at what sites i visit?",
        "ask_monitoring",
        entities=[form("yes_no"), claim_entity("internet_usage_never_checked")],
        slots={"last_topic": "monitoring", "last_form": "yes_no"},
    )
    messages, _ = asyncio.run(run_action(ActionAnswerPolicy(), tracker))
    reply = texts(messages)
    assert reply.startswith("No, internet usage will be monitored corporately")
    assert 35 in cited_paragraphs(reply)


def test_a_claim_replaces_the_policys_condition_only_when_the_matcher_is_surer():
    """ "Can I post my photo of the event?" opens with paragraph 17's condition; a claim
    matched without the higher confidence does not turn it into a flat "Yes"."""
    question = "can i post my photo of the event on our page"
    entities = [form("permission")]
    unsure = answer(
        question, "ask_photo_permission", [*entities, claim_entity("own_photo_needs_consent", 0.6)]
    )
    assert unsure.startswith("Only with permission.")
    sure = answer(
        question, "ask_photo_permission", [*entities, claim_entity("own_photo_needs_consent", 0.95)]
    )
    assert sure.startswith("Yes, even with a photograph you have taken yourself")


def test_a_claim_below_the_higher_confidence_still_opens_a_flat_answer():
    """Paragraph 4: "is there a law just for social media?" gets "No, there is no specific
    regulation ..." at the ordinary confidence: the topic's own answer opens with no condition."""
    reply = answer(
        "is there a law just for social media",
        "ask_freedom_of_expression",
        [form("yes_no"), claim_entity("no_specific_social_media_law", 0.6)],
    )
    assert reply.startswith("No, there is no specific regulation of social media")


def test_a_claim_that_restates_the_answers_first_sentence_is_not_said_twice():
    """ "Can I use the crest on LinkedIn?": paragraph 23's answer already opens "No. Personal
    accounts must not intentionally use the City's crest ..."; the claim saying the same is
    not put before it."""
    reply = answer(
        "can i use the crest on my linkedin",
        "ask_crest_logo_personal",
        [form("permission"), claim_entity("crest_on_personal_account")],
    )
    assert reply.startswith("No. Personal accounts must not intentionally use")
    assert reply.lower().count("must not intentionally use the city's crest") == 1
