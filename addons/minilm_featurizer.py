"""LanguageModelFeaturizer with the sentence vector all-MiniLM-L6-v2 was trained to give.

Rasa's featurizer takes a BERT model's CLS token as the sentence representation, but
all-MiniLM-L6-v2 (a sentence-transformers model) was trained so that the normalised mean
of its token embeddings represents the sentence; its CLS token carries much less meaning.
"""

from __future__ import annotations

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MeanPooledLanguageModelFeaturizer(LanguageModelFeaturizer):
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
