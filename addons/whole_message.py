"""What the question form, situation and off-topic classifiers share: a model learnt from the
project's own labelled examples (the off-topic one also from Rasa's training examples), kept
in the model storage as plain JSON, that labels the whole message and adds each label as an
entity with its confidence."""

from __future__ import annotations

import json
from typing import Any, Protocol

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class JsonModel(Protocol):
    def as_dict(self) -> dict: ...


class WholeMessageLabeller(GraphComponent):
    """Subclasses name their entity and model file, learn their model (`fit_model`), rebuild
    it from its JSON (`model_from`) and label a text (`labels`)."""

    entity: str
    model_file: str

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, model: Any | None = None
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.model: Any = model

    @staticmethod
    def fit_model(training_data: TrainingData) -> JsonModel:
        """Learns the model from the component's own labelled examples, or from Rasa's."""
        raise NotImplementedError

    @staticmethod
    def model_from(fields: dict) -> JsonModel:
        raise NotImplementedError

    def labels(self, text: str) -> list[tuple[str, float]]:
        raise NotImplementedError

    def labels_of(self, message: Message) -> list[tuple[str, float]]:
        """The labels of a message in the pipeline: by default from its text alone."""
        return self.labels(message.get(TEXT) or "")

    def spans_of(self, message: Message) -> list[tuple[str, float, int, int]]:
        """The labels of a message with the span each is about: by default the whole text."""
        length = len(message.get(TEXT) or "")
        return [(label, p, 0, length) for label, p in self.labels_of(message)]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WholeMessageLabeller:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self.model = self.fit_model(training_data)
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / self.model_file).write_text(json.dumps(self.model.as_dict()))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> WholeMessageLabeller:
        with model_storage.read_from(resource) as model_dir:
            model = cls.model_from(json.loads((model_dir / cls.model_file).read_text()))
        return cls(model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not self.model or not text.strip():
                continue
            found = [self._entity(*span) for span in self.spans_of(message)]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    def _entity(self, label: str, confidence: float, start: int, end: int) -> dict[str, Any]:
        return {
            ENTITY_ATTRIBUTE_TYPE: self.entity,
            ENTITY_ATTRIBUTE_VALUE: label,
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            ENTITY_ATTRIBUTE_CONFIDENCE: confidence,
            EXTRACTOR: type(self).__name__,
        }
