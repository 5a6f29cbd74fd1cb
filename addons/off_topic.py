"""How likely a message is to ask, in whole or in part, about something the Social Media
Policy does not cover: an AI tool, a device, software, an FOI deadline, a filming permit, a
training course, expenses, an election ("can I use ChatGPT to write posts for our official
account?"). The intent classifier cannot say so: the policy topic's words outweigh the
off-topic request, and out_of_scope competes with every topic for one probability.

One logistic regression on word and character n-grams (addons/situations.py's model), learnt
from the out_of_scope training examples and the partly covered messages of
data/policy/off_topic.yml against every other training example. The message and each of its
parts (addons/clauses.py) are scored and the highest probability kept, since the off-topic
request is often one clause of a policy question. It adds an `off_topic` entity with that
probability to every message; actions/answerability.py decides what it means for the answer.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.clauses import clause_spans
from addons.situations import Example, SituationModel
from addons.whole_message import WholeMessageLabeller
from contracts import OFF_TOPIC_ENTITY, OUT_OF_SCOPE_INTENT

OFF_TOPIC_FILE = Path("data/policy/off_topic.yml")
MODEL_FILE = "off_topic.json"


def partly_covered(path: Path = OFF_TOPIC_FILE) -> list[dict[str, str]]:
    """The messages of `path` that ask about something the policy covers and something it
    does not, each with the topic (`text`, `topic`)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["partly"]


def off_topic_examples(texts: list[str], intents: list[str], partly: list[str]) -> list[Example]:
    """Training examples labelled off-topic when out_of_scope or partly covered."""
    off = frozenset({OFF_TOPIC_ENTITY})
    examples = [
        Example(text, off if intent == OUT_OF_SCOPE_INTENT else frozenset(), frozenset())
        for text, intent in zip(texts, intents, strict=True)
    ]
    return examples + [Example(text, off, frozenset()) for text in partly]


def fit_off_topic(texts: list[str], intents: list[str], partly: list[str]) -> SituationModel:
    """N-grams only: the detector scores every part of a message, and a sentence vector for
    each part would cost a MiniLM pass (about 30 ms) apiece."""
    return SituationModel.fit(
        off_topic_examples(texts, intents, partly), [OFF_TOPIC_ENTITY], sentence_weight=0
    )


def off_topic_probability(model: SituationModel, text: str) -> float:
    """The highest off-topic probability of the message and of each of its parts."""
    parts = [text] + [text[start:end] for start, end in clause_spans(text)]
    return float(model.probabilities(parts)[:, 0].max())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class OffTopicDetector(WholeMessageLabeller):
    entity = OFF_TOPIC_ENTITY
    model_file = MODEL_FILE

    @staticmethod
    def fit_model(training_data: TrainingData) -> SituationModel:
        examples = training_data.intent_examples
        return fit_off_topic(
            [example.get(TEXT) for example in examples],
            [example.get(INTENT) for example in examples],
            [item["text"] for item in partly_covered()],
        )

    @staticmethod
    def model_from(fields: dict) -> SituationModel:
        return SituationModel(**fields)

    def labels(self, text: str) -> list[tuple[str, float]]:
        return [(OFF_TOPIC_ENTITY, off_topic_probability(self.model, text))]
