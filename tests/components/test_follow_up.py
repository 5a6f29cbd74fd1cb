"""What a message is relative to the conversation: the recogniser that learns it
(addons/follow_up.py), trained in-process on data/policy/follow_ups.yml and the topic
examples, on follow-ups and questions of their own it has not seen, and the entity it adds."""

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from addons.follow_up import (
    FOLLOW_UPS_FILE,
    FollowUpClassifier,
    FollowUpModel,
    labelled_messages,
)
from contracts import FOLLOW_UP_KINDS
from scripts.follow_ups import cross_validated, follows_on
from tests.actions_helpers import follow_up_model
from tests.data_files import development_messages, normalised


def test_cross_validated_accuracy_holds():
    """Measured 2026-12-08: 91.9% over 11 kinds (93.3% over 9 before the related and
    cites_another kinds); a follow-up told from a question of its own with precision 78.1%,
    recall 91.6% (the regexes it replaced: 61.9% / 68.2%)."""
    _, kinds, predicted = cross_validated(folds=5)
    assert sum(a == b for a, b in zip(kinds, predicted, strict=True)) / len(kinds) >= 0.91
    precision, recall = follows_on(kinds, predicted)
    assert precision >= 0.75 and recall >= 0.88


def kind(text: str) -> str:
    [(found, _)] = follow_up_model().predict([text])
    return found


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("and what about on pinterest then?", "new_case"),
        ("no, i mean the barbican's own page", "new_case"),
        ("what if the applicant forwarded it to me", "new_case"),
        ("on my own phone at home though?", "new_case"),
        ("can i stick it on our team's facebook?", "pronoun"),
        ("who has to okay that?", "facet.who"),
        ("how soon must i let them know?", "facet.when"),
        ("where would i get more detailed advice?", "facet.where"),
        ("would i get the sack for that?", "facet.consequence"),
        ("anything more to bear in mind while we're at it?", "related"),
        ("which paragraph deals with the logo rules?", "cites_another"),
        ("which paragraph says that?", "pronoun"),
    ],
)
def test_an_unseen_follow_up_is_recognised_by_kind(message, expected):
    assert normalised(message) not in {normalised(text) for text in labelled_messages()[0]}
    assert kind(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "who signs off a new instagram account for the city farm?",
        "can i put a photo of my year 4 class on the school twitter",
        "what about posting my views on brexit on facebook?",
        "is it ok to check a candidate's tiktok before the interview",
        "good morning",
    ],
)
def test_an_unseen_question_of_its_own_stands_alone(message):
    assert kind(message) == "stands_alone"


def test_the_model_survives_its_json_form():
    copy = FollowUpModel(**follow_up_model().as_dict())
    assert copy.predict(["who decides that?"]) == follow_up_model().predict(["who decides that?"])


def test_the_component_adds_one_follow_up_entity_with_its_confidence():
    classifier = FollowUpClassifier(None, None, follow_up_model())
    [message] = classifier.process([Message(data={"text": "and on my personal account?"})])
    [entity] = [e for e in message.get("entities") if e["entity"] == "follow_up"]
    assert entity["value"] == "new_case"
    assert entity["extractor"] == "FollowUpClassifier" and 0.5 <= entity["confidence"] <= 1


def test_the_examples_teach_every_kind_the_actions_know_and_no_other():
    assert set(labelled_messages()[1]) == set(FOLLOW_UP_KINDS)


def test_no_example_is_a_development_message():
    """As for the training examples, a message under five words ("why?") may be both."""
    kinds = yaml.safe_load(FOLLOW_UPS_FILE.read_text(encoding="utf-8"))["kinds"]
    examples = {normalised(text) for texts in kinds.values() for text in texts}
    assert not {text for text in examples if len(text.split()) >= 5} & development_messages()
