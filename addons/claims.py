"""The claim a yes/no question asks about: one particular fact the policy settles ("is there a
specific law for social media?", "is the pupils' own permission enough?"), whose verdict can
differ from the topic's main one (data/policy/claims.yml).

One regression per claim (addons/situations.py's SituationModel: word and character n-grams
with negations marked, and the MiniLM sentence vector the featurizer already computed), learnt
from each claim's example questions against every other claim's and against the NLU training
examples that are no claim's (ordinary questions on a topic, follow-ups, chit-chat), so that a
question that asks no particular fact matches no claim surely; an ordinary question that
restates a claim in other words (RESTATES) is no negative for that claim. It adds a `claim` entity
with the best claim and its probability to every message; the actions use it only at the
confidence chosen by cross-validation (python -m scripts.claims) and only for a yes/no
question on the claim's own topic (actions/claims.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.sentence_vectors import sentence_vectors
from addons.situations import Example, SituationModel
from addons.whole_message import WholeMessageLabeller
from contracts import CLAIM_ENTITY

CLAIMS_FILE = Path("data/policy/claims.yml")
KNOWLEDGE_FILE = Path("data/policy/knowledge.yml")
MODEL_FILE = "claims.json"
# The label of a message that asks about no claim (a negative example) starts with this,
# followed by the topic its intent asks about ("~monitoring"), or nothing for chit-chat and
# follow-ups. A claim is used only on its own topic (actions/claims.py), so each claim learns
# against its topic's ordinary questions and every other claim's examples, not the rest: a
# regression then fits on some 700 messages rather than 3,700, ten times faster to train.
NO_CLAIM = "~"
# A topic's ordinary question whose sentence vector is this close (cosine) to one of a claim's
# examples restates that claim ("is there any law that regulates social media"): it is no
# negative for that claim, which would otherwise learn to doubt its own wordings.
RESTATES = 0.75


@cache
def claim_entries(path: Path = CLAIMS_FILE) -> tuple[dict, ...]:
    """Every claim of the file as written: the one reading of it the others share."""
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8"))["claims"])


def claim_examples(path: Path = CLAIMS_FILE) -> tuple[list[str], list[str]]:
    """(the example questions of every claim, the claim id of each)."""
    pairs = [(text, claim["id"]) for claim in claim_entries(path) for text in claim["examples"]]
    return [text for text, _ in pairs], [claim for _, claim in pairs]


def claim_topics(path: Path = CLAIMS_FILE) -> dict[str, str]:
    """The topic of each claim, by id."""
    return {claim["id"]: claim["topic"] for claim in claim_entries(path)}


def claim_verdicts(path: Path = CLAIMS_FILE) -> dict[str, str]:
    """The verdict of each claim, by id."""
    return {claim["id"]: claim["verdict"] for claim in claim_entries(path)}


def intent_topics(path: Path = KNOWLEDGE_FILE) -> dict[str, str]:
    """The topic each policy intent asks about."""
    topics = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]
    return {topic["intent"]: topic["id"] for topic in topics}


def squashed(text: str) -> str:
    return " ".join(text.lower().split())


def negative_messages(training_data: TrainingData, claimed: list[str]) -> list[Message]:
    """The NLU training examples that are not a claim's example: questions that ask no
    particular fact, or another one in other words."""
    taken = {squashed(text) for text in claimed}
    return [
        message
        for message in training_data.intent_examples
        if (message.get(TEXT) or "").strip() and squashed(message.get(TEXT)) not in taken
    ]


def negative_label(message: Message, topics: dict[str, str]) -> str:
    """NO_CLAIM and the topic of the message's intent, if it is a policy topic."""
    return NO_CLAIM + topics.get(message.get(INTENT) or "", "")


def sentence_vector(message: Message) -> np.ndarray | None:
    """The sentence vector the pipeline's featurizer gave a message, if any."""
    _, sentence = message.get_dense_features(TEXT)
    return None if sentence is None else np.asarray(sentence.features[0])


def given_vectors(messages: list[Message]) -> np.ndarray:
    """The sentence vectors the featurizer gave `messages` (rows as `messages`), computed
    here where it gave none."""
    given = [sentence_vector(message) for message in messages]
    if any(vector is None for vector in given):
        return sentence_vectors([message.get(TEXT) for message in messages])
    return np.vstack([vector for vector in given if vector is not None])


def labelled_example(
    text: str, label: str, topics: dict[str, str], restated: frozenset[str] = frozenset()
) -> Example | None:
    """A claim's example states it; a negative teaches only its own topic's claims (none
    for a message on no topic) but those it `restated`, and nothing when it restates them all."""
    if not label.startswith(NO_CLAIM):
        return Example(text, frozenset({label}), frozenset())
    topic = label[len(NO_CLAIM) :]
    own = frozenset(claim for claim, of in topics.items() if of == topic)
    if not own:
        return Example(text, frozenset(), frozenset({NO_CLAIM}))
    return Example(text, frozenset(), own - restated) if own - restated else None


def restated_claims(
    labels: list[str], vectors: np.ndarray, threshold: float
) -> list[frozenset[str]]:
    """For each message, the claims one of whose examples its sentence vector is at
    `threshold` or closer to (cosine); none for a claim's own example."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    claimed = [i for i, label in enumerate(labels) if not label.startswith(NO_CLAIM)]
    close = (unit @ unit[claimed].T) >= threshold
    return [
        frozenset(labels[claimed[j]] for j in np.flatnonzero(row))
        if label.startswith(NO_CLAIM)
        else frozenset()
        for label, row in zip(labels, close, strict=True)
    ]


class ClaimRegressions(SituationModel):
    """The situations' regressions fitted by liblinear: a hundred claims, each fitted in a
    fraction of the time lbfgs takes."""

    solver = "liblinear"


@dataclass
class ClaimModel:
    """One regression per claim over the same features as the situations: all a
    prediction needs."""

    regressions: SituationModel

    @classmethod
    def fit(
        cls,
        texts: list[str],
        labels: list[str],
        topics: dict[str, str],
        vectors: np.ndarray | None = None,
        restates: float = RESTATES,
    ) -> ClaimModel:
        """Learns every claim of `labels` (NO_CLAIM...: a negative) of the claims'
        `topics` from `texts`, with their sentence `vectors` (rows as `texts`), computed
        here when not given."""
        claims = sorted({label for label in labels if not label.startswith(NO_CLAIM)})
        if vectors is None:
            vectors = sentence_vectors(texts)
        restated = restated_claims(labels, vectors, restates)
        examples = [
            labelled_example(text, label, topics, claims_restated)
            for text, label, claims_restated in zip(texts, labels, restated, strict=True)
        ]
        kept = [i for i, example in enumerate(examples) if example is not None]
        taught = [example for example in examples if example is not None]
        return cls(ClaimRegressions.fit(taught, claims, vectors[kept]))

    def predict(
        self, texts: list[str], vectors: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The likeliest claim of each text, with its probability."""
        probabilities = self.regressions.probabilities(texts, vectors)
        best = probabilities.argmax(axis=1)
        claims = self.regressions.situations
        return [(claims[i], float(row[i])) for i, row in zip(best, probabilities, strict=True)]

    def as_dict(self) -> dict:
        return self.regressions.as_dict()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class ClaimMatcher(WholeMessageLabeller):
    entity = CLAIM_ENTITY
    model_file = MODEL_FILE

    @staticmethod
    def fit_model(training_data: TrainingData) -> ClaimModel:
        """Learns the claims' examples against the training examples that are none, with
        the sentence vectors the featurizer gave those (the claims' are computed here)."""
        texts, labels = claim_examples()
        negatives = negative_messages(training_data, texts)
        vectors = np.vstack([sentence_vectors(texts), given_vectors(negatives)])
        topics = intent_topics()
        labels += [negative_label(message, topics) for message in negatives]
        texts += [message.get(TEXT) for message in negatives]
        return ClaimModel.fit(texts, labels, claim_topics(), vectors)

    @staticmethod
    def model_from(fields: dict) -> ClaimModel:
        return ClaimModel(ClaimRegressions(**fields))

    def labels(self, text: str) -> list[tuple[str, float]]:
        return self.model.predict([text])

    def labels_of(self, message: Message) -> list[tuple[str, float]]:
        """The message's best claim, with the sentence vector the featurizer gave it."""
        vector = sentence_vector(message)
        return self.model.predict(
            [message.get(TEXT) or ""], None if vector is None else vector[np.newaxis, :]
        )
