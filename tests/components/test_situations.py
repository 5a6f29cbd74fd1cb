"""The situations a question states pick the topic's rule: the classifier that learns them
(addons/situations.py), trained in-process on data/policy/situations.yml, on paraphrases,
typos and negations it has not seen, and the entities it adds."""

import numpy as np
import pytest
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from addons.sentence_vectors import sentence_vectors
from addons.situations import SituationClassifier, SituationModel, labelled_messages
from tests.actions_helpers import situation_model
from tests.data_files import development_messages, normalised


def found(text: str) -> set[str]:
    return {name for name, _ in situation_model().stated(text)}


@pytest.mark.parametrize(
    ("question", "situation"),
    [
        (
            "LinkedIn stuck the corporation logo on my profile all by itself",
            "circumstances.network_fills_logo",
        ),
        ("can i have a scroll on insta during my lunchbreak", "circumstances.on_a_break"),
        (
            "the applicant emailed me a link to her photography page",
            "circumstances.candidate_provided",
        ),
        ("is the crest ok on the department's instagram", "account.official"),
        ("the cabinet report was pubished on the website yesterday", "content.already_public"),
        ("the photogapher gave us written permision", "circumstances.copyright_permission_given"),
        ("can I scroll facebook while I'm on duty at the gate", "circumstances.during_work_time"),
    ],
)
def test_an_unseen_paraphrase_states_its_situation(question, situation):
    assert question not in {example.text for example in labelled_messages()}
    assert situation in found(question)


@pytest.mark.parametrize(
    ("question", "situation"),
    [
        (
            "the committee report hasn't been published yet, can I tweet about it",
            "content.already_public",
        ),
        (
            "can i use the photo if the photographer never gave permission",
            "circumstances.copyright_permission_given",
        ),
        ("I'm not on a break, can I check twitter quickly", "circumstances.on_a_break"),
        ("i uploaded the crest as my linkedin banner myself", "circumstances.network_fills_logo"),
        (
            "my views aren't endorsed by the City, can I share them",
            "content.city_endorsement_claimed",
        ),
    ],
)
def test_a_negation_or_near_miss_does_not_state_it(question, situation):
    assert situation not in found(question)


def test_a_question_stating_no_situation_gets_none():
    assert found("what does the policy say about social media") == set()


def test_the_model_survives_its_json_form():
    copy = SituationModel(**situation_model().as_dict())
    question = "can i check facebook on my lunch break"
    assert copy.stated(question) == situation_model().stated(question)


def test_the_component_adds_one_situation_entity_per_situation_found():
    classifier = SituationClassifier(None, None, situation_model())
    message = Message(
        data={"text": "can we retweet the police from our team account in the emergency"}
    )
    [message] = classifier.process([message])
    entities = [e for e in message.get("entities") if e["entity"] == "situation"]
    assert {e["value"] for e in entities} >= {"circumstances.retweeting_official_sources"}
    assert all(
        e["extractor"] == "SituationClassifier" and 0.5 <= e["confidence"] <= 1 for e in entities
    )


def test_no_example_is_a_development_question():
    examples = {normalised(example.text) for example in labelled_messages()}
    assert not examples & development_messages()


def test_the_component_reads_the_sentence_vector_the_featurizer_gave(monkeypatch):
    text = "can i check facebook on my lunch break"
    [vector] = sentence_vectors([text])
    message = Message(data={"text": text})
    sentence = Features(vector[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, "featurizer")
    message.add_features(sentence)
    classifier = SituationClassifier(None, None, situation_model())
    monkeypatch.setattr("addons.situations.sentence_vectors", not_computed_again)
    [message] = classifier.process([message])
    values = {e["value"] for e in message.get("entities") if e["entity"] == "situation"}
    assert values == {name for name, _ in situation_model().stated(text, vector)}
    assert "circumstances.on_a_break" in values


def not_computed_again(texts):
    raise AssertionError(f"the sentence vector was computed again for {texts}")
