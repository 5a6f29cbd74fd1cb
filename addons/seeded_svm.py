"""Rasa's SklearnIntentClassifier with a fixed seed.

It fits an SVM on the sentence vectors; the SVM's probability estimates come from an
internal cross-validation that shuffles at random, so without a seed the confidences
(and so which questions reach the fallback) change from one training to the next.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.sklearn_intent_classifier import SklearnIntentClassifier


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SeededSklearnIntentClassifier(SklearnIntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**SklearnIntentClassifier.get_default_config(), "random_seed": 0}

    def _create_classifier(self, num_threads: int, y):
        search = super()._create_classifier(num_threads, y)
        search.estimator.set_params(random_state=self.component_config["random_seed"])
        return search
