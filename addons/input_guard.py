"""An NLU component that stops the assistant guessing at input it cannot read.

Rasa's classifiers give some intent to any text, even an empty message, a pasted page
of HTML or a question in Spanish, sometimes with high confidence. InputGuard runs last:
for such input it sets the intent to nlu_fallback and adds an `input_problem` entity,
so the fallback action can say what is wrong instead of answering a guess.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from addons.input_checks import problem_with
from contracts import INPUT_PROBLEM_ENTITY


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            problem = problem_with(message.get(TEXT))
            if problem:
                mark_unreadable(message, problem)
        return messages


def mark_unreadable(message: Message, problem: str) -> None:
    message.set(
        INTENT,
        {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0},
        add_to_output=True,
    )
    entity = {
        ENTITY_ATTRIBUTE_TYPE: INPUT_PROBLEM_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: problem,
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: 0,
        EXTRACTOR: InputGuard.__name__,
    }
    message.set(ENTITIES, [entity], add_to_output=True)
