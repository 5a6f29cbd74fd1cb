"""Rasa's SklearnIntentClassifier (a linear SVM), seeded, safe with empty text, and given
word features beside the MiniLM sentence vector.

- A fixed seed: the SVM's probability estimates come from an internal cross-validation that
  shuffles at random, so without one the confidences (and so which questions reach the
  fallback) change from one training to the next.
- For text without features (an empty message) Rasa's classifier sets the intent to None,
  which makes FallbackClassifier raise and the message vanish without a reply; here it gets
  an intent with confidence 0, so the fallback (and the input guard) can answer it.
- Each message is the MiniLM sentence vector followed by TF-IDF weights of its words and
  word pairs (addons/lexicon.py), fitted on the training examples and kept in the model.
- It also classifies each part of a message that may ask two things (the clause vectors of
  addons/minilm_featurizer.py) and adds a `clause_topic` entity for each part it is sure of,
  so that the answer can cover both questions.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.sklearn_intent_classifier import SklearnIntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import LabelEncoder

from addons.lexicon import Lexicon
from addons.minilm_featurizer import CLAUSE_SPANS, CLAUSE_VECTORS
from contracts import CLAUSE_REPORTED_CONFIDENCE, CLAUSE_TOPIC_ENTITY

LEXICON_FILE = "lexicon.json"
TRUSTED_TYPES = {"scipy.sparse._csr.csr_matrix"}
logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SvmIntentClassifier(SklearnIntentClassifier):
    def __init__(self, *args: Any, lexicon: Lexicon | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lexicon = lexicon

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **SklearnIntentClassifier.get_default_config(),
            "random_seed": 0,
            # how much the word features count beside the (unit length) sentence vector
            "lexical_weight": 1.0,
            # a part's intent is reported only this sure, and among the whole message's best few
            "clause_confidence": CLAUSE_REPORTED_CONFIDENCE,
            "clause_in_top": 5,
        }

    def _create_classifier(self, num_threads: int, y):
        search = super()._create_classifier(num_threads, y)
        search.estimator.set_params(random_state=self.component_config["random_seed"])
        return search

    def train(self, training_data: TrainingData) -> Resource:
        featurizers = self.component_config.get("featurizers")
        examples = [
            example
            for example in training_data.intent_examples
            if example.features_present(attribute=TEXT, featurizers=featurizers)
        ]
        if len({example.get(INTENT) for example in examples}) < 2:
            return super().train(training_data)
        self.lexicon = Lexicon.fit([example.get(TEXT) for example in examples])
        y = self.transform_labels_str2num([example.get(INTENT) for example in examples])
        X = vstack([self._get_sentence_features(example) for example in examples]).tocsr()
        self.clf = self._create_classifier(self.component_config["num_threads"], y)
        with warnings.catch_warnings():
            # sklearn's "F-score is ill-defined" warnings for folds without some intents
            warnings.simplefilter("ignore")
            self.clf.fit(X, y)
        self.persist()
        return self._resource

    def _get_sentence_features(self, message: Message) -> csr_matrix:
        sentence = SklearnIntentClassifier._get_sentence_features(message)
        return self._combined(sentence[np.newaxis, :], [message.get(TEXT)])

    def _combined(self, sentence_vectors: np.ndarray, texts: list[str]) -> csr_matrix:
        assert self.lexicon is not None, "trained or loaded before it classifies"
        words = self.lexicon.transform(texts) * self.component_config["lexical_weight"]
        return hstack([csr_matrix(sentence_vectors), words]).tocsr()

    def persist(self) -> None:
        super().persist()
        if self.lexicon:
            with self._model_storage.write_to(self._resource) as model_dir:
                (model_dir / LEXICON_FILE).write_text(json.dumps(self.lexicon.as_dict()))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SvmIntentClassifier:
        """Rasa's loading, but trusting the sparse matrix type an SVM trained on sparse
        features holds (Rasa's own load refuses any type skops does not trust by default)."""
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as model_dir:
                classifier_file = model_dir / f"{cls.__name__}_classifier.skops"
                untrusted = sio.get_untrusted_types(file=classifier_file)
                if set(untrusted) - TRUSTED_TYPES:
                    raise ValueError(f"untrusted types in {classifier_file}: {untrusted}")
                classifier = sio.load(classifier_file, trusted=untrusted)
                classes = json.loads((model_dir / f"{cls.__name__}_encoder.json").read_text())
                lexicon = Lexicon(**json.loads((model_dir / LEXICON_FILE).read_text()))
        except (ValueError, FileNotFoundError) as error:
            logger.debug(f"No trained {cls.__name__} loaded: {error}")
            return cls(config, model_storage, resource)
        component = cls(
            config, model_storage, resource, classifier, LabelEncoder(), lexicon=lexicon
        )
        component.transform_labels_str2num(classes)
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        for message in super().process(messages):
            if message.get(INTENT) is None:
                no_intent = {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
                message.set(INTENT, no_intent, add_to_output=True)
            elif message.get(CLAUSE_VECTORS) is not None:
                entities = message.get(ENTITIES, []) + self._clause_topics(message)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def _clause_topics(self, message: Message) -> list[dict[str, Any]]:
        """A `clause_topic` entity for each part of the message classified with confidence."""
        spans, text = message.get(CLAUSE_SPANS), message.get(TEXT)
        features = self._combined(message.get(CLAUSE_VECTORS), [text[s:e] for s, e in spans])
        probabilities = self.predict_prob(features)
        best = probabilities.argmax(axis=1)
        names = self.transform_labels_num2str(best)
        top = self.component_config["clause_in_top"]
        likely = {entry[INTENT_NAME_KEY] for entry in message.get(INTENT_RANKING_KEY)[:top]}
        found = []
        for (start, end), name, row, column in zip(spans, names, probabilities, best, strict=True):
            confidence = float(row[column])
            if confidence >= self.component_config["clause_confidence"] and name in likely:
                found.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: CLAUSE_TOPIC_ENTITY,
                        ENTITY_ATTRIBUTE_VALUE: str(name),
                        ENTITY_ATTRIBUTE_START: start,
                        ENTITY_ATTRIBUTE_END: end,
                        ENTITY_ATTRIBUTE_CONFIDENCE: confidence,
                        EXTRACTOR: type(self).__name__,
                    }
                )
        return found
