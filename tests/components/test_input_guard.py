"""addons/input_guard.py: unreadable input becomes nlu_fallback with what is wrong with it."""

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.input_guard import InputGuard
from contracts import EMPTY, INPUT_PROBLEM_ENTITY, MARKUP, NOT_ENGLISH
from tests.components.helpers import create

GUESS = {"name": "ask_crest_logo_personal", "confidence": 0.9}


def guarded(tmp_path, *texts: str) -> list[Message]:
    messages = [Message(data={TEXT: text, INTENT: dict(GUESS)}) for text in texts]
    return create(InputGuard, tmp_path, "guard").process(messages)


def test_unreadable_input_is_not_guessed_at(tmp_path):
    cases = {
        "   ": EMPTY,
        "<b>crest</b>": MARKUP,
        "¿Puedo usar el escudo en LinkedIn?": NOT_ENGLISH,
    }
    for message, problem in zip(guarded(tmp_path, *cases), cases.values(), strict=True):
        assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
        assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [
            (INPUT_PROBLEM_ENTITY, problem)
        ]


def test_a_question_keeps_the_classifiers_intent(tmp_path):
    [message] = guarded(tmp_path, "can I put the crest on my LinkedIn?")
    assert message.get(INTENT) == GUESS
    assert not message.get(ENTITIES)
