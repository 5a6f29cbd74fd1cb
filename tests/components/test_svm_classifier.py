"""addons/svm_classifier.py: a seeded SVM on the MiniLM vector and word features, safe with
empty text, adding a clause_topic entity for each part of a message asking two things."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.svm_classifier import SvmIntentClassifier
from contracts import CLAUSE_REPORTED_CONFIDENCE, CLAUSE_TOPIC_ENTITY
from tests.components.helpers import create, load, tokenized


@pytest.fixture(scope="module")
def trained(featurized_examples, tmp_path_factory):
    storage = tmp_path_factory.mktemp("svm")
    classifier = create(SvmIntentClassifier, storage, "svm", random_seed=3)
    classifier.train(featurized_examples)
    return classifier, storage


def classified(classifier, featurizer, tmp_path, *texts: str) -> list[Message]:
    return classifier.process(featurizer.process(tokenized(list(texts), tmp_path)))


def test_an_unseen_question_gets_its_intent(trained, featurizer, tmp_path):
    classifier, _ = trained
    [message] = classified(classifier, featurizer, tmp_path, "is the crest allowed on my bio")
    assert message.get(INTENT)["name"] == "ask_crest_logo_personal"


def test_a_saved_model_loads_and_classifies_as_it_was_trained(trained, featurizer, tmp_path):
    classifier, storage = trained
    loaded = load(SvmIntentClassifier, storage, "svm", random_seed=3)
    question = "does my employer watch what i post"
    [before] = classified(classifier, featurizer, tmp_path, question)
    [after] = classified(loaded, featurizer, tmp_path, question)
    assert after.get(INTENT) == before.get(INTENT)
    assert after.get(INTENT)["name"] == "ask_monitoring"


def test_the_seed_makes_training_repeatable(featurized_examples, featurizer, tmp_path):
    question = "can a pupil follow me"
    rankings = []
    for run in ("first", "second"):
        (tmp_path / run).mkdir()
        classifier = create(SvmIntentClassifier, tmp_path / run, "svm", random_seed=3)
        classifier.train(featurized_examples)
        [message] = classified(classifier, featurizer, tmp_path, question)
        rankings.append(message.get("intent_ranking"))
    assert rankings[0] == rankings[1]


def test_a_message_without_features_gets_no_intent_rather_than_an_error(trained):
    classifier, _ = trained
    [message] = classifier.process([Message(data={TEXT: ""})])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}


def test_each_part_of_a_two_part_question_is_classified(trained, featurizer, tmp_path):
    classifier, _ = trained
    text = "can I use the crest on my linkedin and can I follow a pupil on tiktok"
    [message] = classified(classifier, featurizer, tmp_path, text)
    parts = [e for e in message.get(ENTITIES, []) if e["entity"] == CLAUSE_TOPIC_ENTITY]
    assert [e["value"] for e in parts] == ["ask_crest_logo_personal", "ask_contact_with_pupils"]
    assert all(e["confidence"] >= CLAUSE_REPORTED_CONFIDENCE for e in parts)
    assert [text[e["start"] : e["end"]] for e in parts] == [
        "can I use the crest on my linkedin",
        "can I follow a pupil on tiktok",
    ]
