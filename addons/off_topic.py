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
probability to every message, valued `clause` and spanning that clause when one clause alone
asks about something else while another reads as a policy question ("can i put a photo of my
colleagues on the team instagram, and also how do i book on the photography course"),
otherwise `whole`; actions/answerability.py decides what it means for the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.clauses import clause_spans
from addons.situations import Example, SituationModel
from addons.whole_message import WholeMessageLabeller
from contracts import OFF_TOPIC_CLAUSE, OFF_TOPIC_ENTITY, OFF_TOPIC_WHOLE, OUT_OF_SCOPE_INTENT

OFF_TOPIC_FILE = Path("data/policy/off_topic.yml")
MODEL_FILE = "off_topic.json"
# a clause scoring below this reads as a policy question, at or above it as the off-topic
# request (a guess between the two gives 0.5)
ON_TOPIC_CLAUSE = 0.5


@dataclass(frozen=True)
class OffTopicPart:
    """The part of a message most likely off-topic: the whole (`OFF_TOPIC_WHOLE`) or one
    clause (`OFF_TOPIC_CLAUSE`, from `start` to `end`), with the highest probability of any."""

    kind: str
    probability: float
    start: int
    end: int


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


def off_topic_part(model: SituationModel, text: str) -> OffTopicPart:
    """The highest off-topic probability of the message and of each of its parts, and which
    part asks about something else: the likeliest clause when it reads off-topic and another
    reads as a policy question; otherwise the whole message. Whether the whole scores a
    hair above or below that clause (both near 1) does not decide it."""
    clauses = clause_spans(text)
    parts = [text, *(text[start:end] for start, end in clauses)]
    whole, *by_clause = (float(p) for p in model.probabilities(parts)[:, 0])
    highest = max([whole, *by_clause])
    if clauses:
        best = max(range(len(clauses)), key=by_clause.__getitem__)
        rest = by_clause[:best] + by_clause[best + 1 :]
        if by_clause[best] >= ON_TOPIC_CLAUSE and min(rest) < ON_TOPIC_CLAUSE:
            start, end = clauses[best]
            return OffTopicPart(OFF_TOPIC_CLAUSE, highest, start, end)
    return OffTopicPart(OFF_TOPIC_WHOLE, highest, 0, len(text))


def off_topic_probability(model: SituationModel, text: str) -> float:
    """The highest off-topic probability of the message and of each of its parts."""
    return off_topic_part(model, text).probability


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
        part = off_topic_part(self.model, text)
        return [(part.kind, part.probability)]

    def spans_of(self, message: Message) -> list[tuple[str, float, int, int]]:
        part = off_topic_part(self.model, message.get(TEXT) or "")
        return [(part.kind, part.probability, part.start, part.end)]
