"""Rasa's SklearnIntentClassifier, seeded and safe with empty text.

It fits an SVM on the sentence vectors. Two changes:
- a fixed seed: the SVM's probability estimates come from an internal cross-validation that
  shuffles at random, so without one the confidences (and so which questions reach the
  fallback) change from one training to the next;
- for text without features (an empty message) Rasa's classifier sets the intent to None,
  which makes FallbackClassifier raise and the message vanish without a reply; here it gets
  an intent with confidence 0, so the fallback (and the input guard) can answer it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.sklearn_intent_classifier import SklearnIntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SvmIntentClassifier(SklearnIntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**SklearnIntentClassifier.get_default_config(), "random_seed": 0}

    def _create_classifier(self, num_threads: int, y):
        search = super()._create_classifier(num_threads, y)
        search.estimator.set_params(random_state=self.component_config["random_seed"])
        return search

    def process(self, messages: list[Message]) -> list[Message]:
        for message in super().process(messages):
            if message.get(INTENT) is None:
                no_intent = {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
                message.set(INTENT, no_intent, add_to_output=True)
        return messages
