"""The situations a question states (its account, its content, its circumstances: "on my
personal account", "it's already been published", "on my lunch break"), which decide which of
a topic's rules answers it (actions/knowledge.py).

One logistic regression per situation (one-vs-rest, several may hold at once) on word
n-grams, which carry negations ("not been published", "without permission"), character
n-grams within words, which carry typos ("pubished", "permision"), and the message's MiniLM
sentence vector, which carries wordings no example used ("the whole role is our socials");
learnt from the example messages of data/policy/situations.yml and kept in the model as plain
JSON. A message gets the vector the pipeline's featurizer already computed for it, so the
sentence features cost nothing at run time. It adds a
`situation` entity, valued "<kind>.<name>" with its probability, for every situation at or
above the confidence the rules require.
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
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from addons.sentence_vectors import sentence_vectors
from addons.whole_message import WholeMessageLabeller
from contracts import SITUATION_CONFIDENCE, SITUATION_ENTITY

SITUATIONS_FILE = Path("data/policy/situations.yml")
MODEL_FILE = "situations.json"
REGULARISATION = 10.0
# enough for the probabilities, and a quarter of the model's size
COEFFICIENT_DECIMALS = 4
WORD = re.compile(r"[a-z0-9@]+|[,.;:!?]")
# "hasn't", "hasnt" and "has not" are one negation
NOT = re.compile(r"n[’']t\b")
NOT_WITHOUT_APOSTROPHE = re.compile(
    r"\b(is|are|was|were|has|have|had|do|does|did|ca|wo|could|should|would)nt\b"
)
NEGATIONS = {"not", "no", "never", "without", "nor"}
# how many words after a negation it reaches, unless punctuation ends it first
NEGATION_SCOPE = 3
CHARACTER_NGRAMS = (3, 4, 5)
# how much the (unit length) sentence vector counts beside the (unit length) n-grams. On the
# cross-validation (1,588 messages): n-grams alone 79.8% precision, 81.0% recall; 0.5, 82.9% /
# 85.1%; 1.0, 83.5% / 87.3%, but then "it hasn't been published yet" reads as published: the
# n-grams carry the negations and keep the larger say.
SENTENCE_WEIGHT = 0.5


def negations_spelt_out(text: str) -> str:
    return NOT_WITHOUT_APOSTROPHE.sub(r"\1 not", NOT.sub(" not", text.lower()))


def negation_marked(text: str) -> list[str]:
    """The words of `text`, those a negation reaches marked with "~": in "it hasn't been
    published yet", "published" is not evidence that it has been."""
    words, reach = [], 0
    for token in WORD.findall(negations_spelt_out(text)):
        if not token[0].isalnum() and token[0] != "@":
            reach = 0
            continue
        words.append(f"~{token}" if reach else token)
        reach = NEGATION_SCOPE if token in NEGATIONS else max(reach - 1, 0)
    return words


def situation_features(text: str) -> list[str]:
    """Word n-grams up to three, and character n-grams of each word padded with spaces, the
    words a negation reaches marked."""
    words = negation_marked(text)
    features = [" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)]
    for word in words:
        marker, padded = ("~", f" {word[1:]} ") if word.startswith("~") else ("", f" {word} ")
        features += [
            f"{marker}#{padded[i : i + n]}"
            for n in CHARACTER_NGRAMS
            for i in range(len(padded) - n + 1)
        ]
    return features


VECTORIZER_SETTINGS = {"analyzer": situation_features, "binary": True}


def combined(words: csr_matrix, vectors: np.ndarray | None, weight: float) -> csr_matrix:
    """The (unit length) word and character n-grams followed by the sentence vectors, scaled
    to `weight`; the n-grams alone without vectors or weight."""
    if vectors is None or not weight:
        return words
    return hstack([words, csr_matrix(weight * vectors)]).tocsr()


@dataclass(frozen=True)
class Example:
    """An example message, the situations it states and those it is written not to state."""

    text: str
    states: frozenset[str]
    denies: frozenset[str]

    def teaches(self, situation: str) -> bool:
        """Whether the example says if it states `situation`: it states some situation or
        none at all, or it is written not to state this one. A near miss for another
        situation ("not published yet") may still state this one."""
        return bool(self.states) or not self.denies or situation in self.denies


def labelled_messages(path: Path = SITUATIONS_FILE) -> list[Example]:
    """Every example message of the file: listed under a situation's `states` or `not`, or
    under `none`."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    states: dict[str, set[str]] = {text: set() for text in raw.get("none", [])}
    denies: dict[str, set[str]] = {}
    for name, examples in raw["situations"].items():
        for text in examples["states"]:
            states.setdefault(text, set()).add(name)
        for text in examples.get("not", []):
            denies.setdefault(text, set()).add(name)
    return [
        Example(text, frozenset(states.get(text, ())), frozenset(denies.get(text, ())))
        for text in {**states, **denies}
    ]


def situation_names(path: Path = SITUATIONS_FILE) -> list[str]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["situations"])


@dataclass
class SituationModel:
    """Vocabulary and each situation's regression coefficients (over the n-grams, then the
    sentence vector, unless its weight is 0): all a prediction needs."""

    vocabulary: dict[str, int]
    situations: list[str]
    coef: list[list[float]]
    intercept: list[float]
    sentence_weight: float = SENTENCE_WEIGHT

    # lbfgs; liblinear fits one binary regression several times faster, for a model of many
    # labels over thousands of messages (the claims, addons/claims.py)
    solver: ClassVar[str] = "lbfgs"

    @classmethod
    def fit(
        cls,
        examples: list[Example],
        situations: list[str],
        vectors: np.ndarray | None = None,
        sentence_weight: float = SENTENCE_WEIGHT,
    ) -> SituationModel:
        """One regression per situation, on the examples that teach it, with positives
        weighted up: each situation has a few dozen among hundreds. `vectors`: the examples'
        sentence vectors (rows as `examples`), computed here when not given and weighted."""
        if vectors is None and sentence_weight:
            vectors = sentence_vectors([example.text for example in examples])
        vectorizer = CountVectorizer(**VECTORIZER_SETTINGS).fit([e.text for e in examples])
        coef, intercept = [], []
        for situation in situations:
            taught = [i for i, example in enumerate(examples) if example.teaches(situation)]
            features = combined(
                normalize(vectorizer.transform([examples[i].text for i in taught])),
                None if vectors is None else vectors[taught],
                sentence_weight,
            )
            stated = [situation in examples[i].states for i in taught]
            regression = LogisticRegression(
                C=REGULARISATION, class_weight="balanced", max_iter=2000, solver=cls.solver
            )
            regression.fit(features, stated)
            coef.append([round(float(c), COEFFICIENT_DECIMALS) for c in regression.coef_[0]])
            intercept.append(float(regression.intercept_[0]))
        return cls(
            vocabulary={term: int(index) for term, index in vectorizer.vocabulary_.items()},
            situations=situations,
            coef=coef,
            intercept=intercept,
            sentence_weight=sentence_weight,
        )

    @cached_property
    def _vectorizer(self) -> CountVectorizer:
        return CountVectorizer(**VECTORIZER_SETTINGS, vocabulary=self.vocabulary)

    @cached_property
    def _weights(self) -> np.ndarray:
        return np.array(self.coef).T

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Per text, with its sentence vector (computed when not given and weighted), the
        probability of each situation (columns as `situations`)."""
        if vectors is None and self.sentence_weight:
            vectors = sentence_vectors(texts)
        words = normalize(self._vectorizer.transform(texts))
        features = combined(words, vectors, self.sentence_weight)
        return 1 / (1 + np.exp(-(features @ self._weights + np.array(self.intercept))))

    def stated(self, text: str, vector: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The situations `text` states surely enough for a rule to apply, surest first;
        its sentence `vector` is computed when not given."""
        [row] = self.probabilities([text], None if vector is None else vector[np.newaxis, :])
        found = [(name, float(p)) for name, p in zip(self.situations, row, strict=True)]
        return sorted(
            (item for item in found if item[1] >= SITUATION_CONFIDENCE), key=lambda x: -x[1]
        )

    def as_dict(self) -> dict:
        return {
            "vocabulary": self.vocabulary,
            "situations": self.situations,
            "coef": self.coef,
            "intercept": self.intercept,
            "sentence_weight": self.sentence_weight,
        }


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class SituationClassifier(WholeMessageLabeller):
    entity = SITUATION_ENTITY
    model_file = MODEL_FILE

    @staticmethod
    def fit_model(training_data: TrainingData) -> SituationModel:
        return SituationModel.fit(labelled_messages(), situation_names())

    @staticmethod
    def model_from(fields: dict) -> SituationModel:
        return SituationModel(**fields)

    def labels(self, text: str) -> list[tuple[str, float]]:
        return self.model.stated(text)

    def labels_of(self, message: Message) -> list[tuple[str, float]]:
        """The message's situations, with the sentence vector the featurizer gave it."""
        _, sentence = message.get_dense_features(TEXT)
        vector = sentence.features[0] if sentence is not None else None
        return self.model.stated(message.get(TEXT) or "", vector)
