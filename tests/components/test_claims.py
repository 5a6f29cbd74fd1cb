"""The claim matcher (addons/claims.py), trained in-process on data/policy/claims.yml against
a few featurized topic examples: it names the claim an unseen question asks about, survives
its JSON form and adds one `claim` entity."""

import numpy as np
import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.claims import (
    ClaimMatcher,
    ClaimModel,
    ClaimRegressions,
    intent_topics,
    labelled_example,
    negative_label,
    restated_claims,
)


@pytest.fixture(scope="module")
def matcher(featurized_examples) -> ClaimMatcher:
    return ClaimMatcher(None, None, ClaimMatcher.fit_model(featurized_examples))


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        ("is social media governed by a law of its own", "no_specific_social_media_law"),
        ("will hr be checking my facebook page regularly", "profiles_routinely_monitored"),
        ("can the head of service overrule the chief officer", "chief_officer_overruled"),
    ],
)
def test_an_unseen_question_gets_the_claim_it_asks(matcher, question, claim):
    [(best, confidence)] = matcher.labels(question)
    assert best == claim
    assert confidence >= 0.5


def test_the_model_survives_its_json_form(matcher):
    copy = ClaimModel(ClaimRegressions(**matcher.model.as_dict()))
    question = "does the policy cover volunteers"
    assert copy.predict([question]) == matcher.model.predict([question])


def test_the_component_adds_one_claim_entity(matcher):
    [message] = matcher.process([Message(data={"text": "is the chief officer's decision final"})])
    [claim] = [e for e in message.get("entities") if e["entity"] == "claim"]
    assert claim["extractor"] == "ClaimMatcher"
    assert claim["value"] == "chief_officer_decision_final"
    assert 0 <= claim["confidence"] <= 1


def test_an_ordinary_question_teaches_only_its_own_topics_claims():
    topics = intent_topics()
    monitoring = Message(data={"text": "does the city monitor me", "intent": "ask_monitoring"})
    chat = Message(data={"text": "hello", "intent": "greet"})
    assert negative_label(monitoring, topics) == "~monitoring"
    assert negative_label(chat, topics) == "~"


def test_an_ordinary_question_restating_a_claim_is_no_negative_for_it():
    """ "is there any law that regulates social media", written as an ordinary question on
    its topic, does not teach the claim "no specific law" to doubt its own wordings."""
    labels = ["no_specific_law", "~freedom", "~freedom"]
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    restated = restated_claims(labels, vectors, 0.75)
    assert restated == [frozenset(), frozenset({"no_specific_law"}), frozenset()]
    topics = {"no_specific_law": "freedom", "laws_apply": "freedom"}
    restating = labelled_example("any law for it?", "~freedom", topics, restated[1])
    assert restating is not None and restating.denies == {"laws_apply"}
    only_claim = {"no_specific_law": "freedom"}
    assert labelled_example("any law for it?", "~freedom", only_claim, restated[1]) is None
