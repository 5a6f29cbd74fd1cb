"""LanguageModelFeaturizer with the sentence vector all-MiniLM-L6-v2 was trained to give,
and a compiled model call.

- Rasa's featurizer takes a BERT model's CLS token as the sentence representation, but
  all-MiniLM-L6-v2 (a sentence-transformers model) was trained so that the normalised mean
  of its token embeddings represents the sentence; its CLS token carries much less meaning.
- Rasa calls the TensorFlow model eagerly, op by op, which was nearly all of the time spent
  on a message; one tf.function traced for any batch and sequence length runs it as a graph.
- A message that may ask two things also gets a sentence vector for each of its parts
  (addons/clauses.py), for the intent classifier to find the second question.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SENTENCE_FEATURES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.clauses import clause_spans

# Message property (not part of the parse output) holding one sentence vector per clause.
CLAUSE_VECTORS = "clause_vectors"
CLAUSE_SPANS = "clause_spans"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MeanPooledLanguageModelFeaturizer(LanguageModelFeaturizer):
    def _load_model_instance(self) -> None:
        super()._load_model_instance()
        any_batch = tf.TensorSpec(shape=[None, None], dtype=tf.int32)
        self._hidden_states = tf.function(
            lambda token_ids, mask: self.model(token_ids, attention_mask=mask)[0],
            input_signature=[any_batch, any_batch],
        )

    def _compute_batch_sequence_features(
        self, batch_attention_mask: np.ndarray, padded_token_ids: list[list[int]]
    ) -> np.ndarray:
        token_ids = tf.constant(padded_token_ids, dtype=tf.int32)
        mask = tf.constant(batch_attention_mask, dtype=tf.int32)
        return self._hidden_states(token_ids, mask).numpy()

    def _process_message(self, message: Message) -> Message:
        super()._process_message(message)
        clauses = clause_messages(message)
        if len(clauses) > 1:
            docs = self._get_docs_for_batch(
                [clause for _, clause in clauses], attribute=TEXT, inference_mode=True
            )
            message.set(CLAUSE_VECTORS, np.vstack([doc[SENTENCE_FEATURES] for doc in docs]))
            message.set(CLAUSE_SPANS, [span for span, _ in clauses])
        return message

    def _post_process_sequence_embeddings(
        self, sequence_embeddings: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        _, token_embeddings = super()._post_process_sequence_embeddings(sequence_embeddings)
        sentences = np.array([mean_pooled(tokens) for tokens in sequence_embeddings])
        return sentences, token_embeddings


def mean_pooled(token_embeddings: np.ndarray) -> np.ndarray:
    """The L2-normalised mean over all tokens, [CLS] and [SEP] included, as
    sentence-transformers pools this model."""
    mean = np.mean(token_embeddings, axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def clause_messages(message: Message) -> list[tuple[tuple[int, int], Message]]:
    """A message per clause, with the clause's share of the message's tokens."""
    text, tokens = message.get(TEXT) or "", message.get(TOKENS_NAMES[TEXT]) or []
    clauses = []
    for start, end in clause_spans(text):
        inside = [token for token in tokens if token.start >= start and token.end <= end]
        if inside:
            clause = Message(data={TEXT: text[start:end], TOKENS_NAMES[TEXT]: inside})
            clauses.append(((start, end), clause))
    return clauses
