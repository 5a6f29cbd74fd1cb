"""The form of a question (permission, obligation, consequence, scope, other yes/no, who,
other wh-question, statement), which decides how its answer opens: a verdict word for a
yes/no question, the answer or the role first for a wh-question.

A logistic regression on word n-grams and the words each segment starts with (the form is in
function words: "could ... get me", "do I have to", "does it cover"), learnt from the
labelled questions of data/policy/question_forms.yml and kept in the model as plain JSON.
It adds a `question_form` entity with its confidence to every message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import ClassVar

import numpy as np
import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from addons.whole_message import WholeMessageLabeller
from contracts import QUESTION_FORM_ENTITY

FORMS_FILE = Path("data/policy/question_forms.yml")
MODEL_FILE = "question_form.json"
REGULARISATION = 10.0
WORD = re.compile(r"[a-z0-9@']+")
# a question often follows who is asking: "im a volunteer at the heath, can i ..."
SEGMENT_BREAK = re.compile(r"[,.;:!?()\-]+|\b(?:so|but|and|if|because)\b")


def form_features(text: str) -> list[str]:
    """Word n-grams up to three, and the first one to three words of each segment of the
    text: the form is in short function-word sequences ("do i have to", "could ... get me"),
    mostly where a segment starts."""
    words = WORD.findall(text.lower())
    features = [" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)]
    for segment in SEGMENT_BREAK.split(text.lower()):
        start = WORD.findall(segment or "")[:3]
        features += [f"^{' '.join(start[:n])}" for n in range(1, len(start) + 1)]
    if "?" in text:
        features.append("<?>")
    return features


def labelled_questions(path: Path = FORMS_FILE) -> tuple[list[str], list[str]]:
    forms = yaml.safe_load(path.read_text(encoding="utf-8"))["forms"]
    pairs = [(text, form) for form, texts in forms.items() for text in texts]
    return [text for text, _ in pairs], [form for _, form in pairs]


@dataclass
class FormModel:
    """Vocabulary and the regression's coefficients: all a prediction needs. Subclasses
    label other things with other `features` of a text."""

    vocabulary: dict[str, int]
    forms: list[str]
    coef: list[list[float]]
    intercept: list[float]

    class_weight: ClassVar[str | None] = None

    @staticmethod
    def features(text: str) -> list[str]:
        return form_features(text)

    @classmethod
    def fit(cls, texts: list[str], labels: list[str]) -> FormModel:
        vectorizer = CountVectorizer(analyzer=cls.features, binary=True).fit(texts)
        regression = LogisticRegression(
            C=REGULARISATION, class_weight=cls.class_weight, max_iter=2000
        )
        regression.fit(normalize(vectorizer.transform(texts)), labels)
        return cls(
            vocabulary={term: int(index) for term, index in vectorizer.vocabulary_.items()},
            forms=[str(form) for form in regression.classes_],
            coef=regression.coef_.tolist(),
            intercept=regression.intercept_.tolist(),
        )

    @cached_property
    def _vectorizer(self) -> CountVectorizer:
        return CountVectorizer(analyzer=self.features, binary=True, vocabulary=self.vocabulary)

    @cached_property
    def _weights(self) -> np.ndarray:
        return np.array(self.coef).T

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        """The likeliest form of each text, with its probability."""
        features = normalize(self._vectorizer.transform(texts))
        scores = features @ self._weights + np.array(self.intercept)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        probabilities = scores / scores.sum(axis=1, keepdims=True)
        best = probabilities.argmax(axis=1)
        return [(self.forms[i], float(row[i])) for i, row in zip(best, probabilities, strict=True)]

    def as_dict(self) -> dict:
        return {
            "vocabulary": self.vocabulary,
            "forms": self.forms,
            "coef": self.coef,
            "intercept": self.intercept,
        }


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class QuestionFormClassifier(WholeMessageLabeller):
    entity = QUESTION_FORM_ENTITY
    model_file = MODEL_FILE

    @staticmethod
    def fit_model(training_data: TrainingData) -> FormModel:
        return FormModel.fit(*labelled_questions())

    @staticmethod
    def model_from(fields: dict) -> FormModel:
        return FormModel(**fields)

    def labels(self, text: str) -> list[tuple[str, float]]:
        return self.model.predict([text])
