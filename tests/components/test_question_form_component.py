"""addons/question_form.py as a pipeline component: trained on data/policy/question_forms.yml,
saved and loaded, adding a question_form entity with its confidence."""

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.question_form import QuestionFormClassifier
from contracts import QUESTION_FORM_ENTITY
from tests.components.helpers import create, load


def forms(component, *texts: str) -> list[tuple[str, float] | None]:
    messages = component.process([Message(data={TEXT: text}) for text in texts])
    found = []
    for message in messages:
        entities = [e for e in message.get(ENTITIES, []) if e["entity"] == QUESTION_FORM_ENTITY]
        found.append((entities[0]["value"], entities[0]["confidence"]) if entities else None)
    return found


def test_trained_saved_and_loaded_it_tells_the_form(tmp_path):
    component = create(QuestionFormClassifier, tmp_path, "forms")
    component.train(TrainingData())
    loaded = load(QuestionFormClassifier, tmp_path, "forms")
    questions = ["may I put the crest on my LinkedIn?", "who do I tell about a post?"]
    assert forms(loaded, *questions) == forms(component, *questions)
    [permission, who] = forms(loaded, *questions)
    assert permission[0] == "permission" and who[0] == "who"
    assert 0 < permission[1] <= 1


def test_an_empty_message_or_an_untrained_component_adds_nothing(tmp_path):
    trained = create(QuestionFormClassifier, tmp_path, "forms")
    trained.train(TrainingData())
    assert forms(trained, "  ") == [None]
    assert forms(create(QuestionFormClassifier, tmp_path, "untrained"), "may I?") == [None]
