"""addons/minilm_featurizer.py: MiniLM's mean-pooled sentence vector, computed by a compiled
model call, and a vector per part of a message asking two things."""

import numpy as np
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer
from rasa.shared.nlu.constants import TEXT

from addons.minilm_featurizer import CLAUSE_SPANS, CLAUSE_VECTORS
from addons.sentence_vectors import sentence_vectors
from tests.components.helpers import tokenized


def sentence_vector(message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT)
    return sentence.features[0]


def featurized(featurizer, tmp_path, *texts: str):
    return featurizer.process(tokenized(list(texts), tmp_path))


def test_the_sentence_vector_is_unit_length_and_carries_meaning(featurizer, tmp_path):
    crest, logo, pupil = map(
        sentence_vector,
        featurized(
            featurizer,
            tmp_path,
            "can I use the city crest on my linkedin",
            "may I put the corporation logo on my profile",
            "a pupil sent me a friend request",
        ),
    )
    assert np.isclose(np.linalg.norm(crest), 1.0)
    assert crest @ logo > crest @ pupil + 0.1


def test_the_compiled_model_call_gives_rasas_eager_result(featurizer):
    token_ids = [[101, 2064, 1045, 2224, 1996, 10669, 102], [101, 7592, 102, 0, 0, 0, 0]]
    mask = np.array([[1] * 7, [1, 1, 1, 0, 0, 0, 0]])
    compiled = featurizer._compute_batch_sequence_features(mask, token_ids)
    eager = LanguageModelFeaturizer._compute_batch_sequence_features(featurizer, mask, token_ids)
    assert compiled.shape == eager.shape
    assert np.allclose(compiled, eager, atol=1e-4)


def test_each_part_of_a_two_part_question_gets_its_vector(featurizer, tmp_path):
    text = "can I use the crest on linkedin and can I friend a pupil on facebook"
    [two, one] = featurized(featurizer, tmp_path, text, "can I use the crest on linkedin")
    assert [text[s:e] for s, e in two.get(CLAUSE_SPANS)] == [
        "can I use the crest on linkedin",
        "can I friend a pupil on facebook",
    ]
    first, second = two.get(CLAUSE_VECTORS)
    assert np.allclose(first, sentence_vector(one), atol=1e-4)
    assert first @ second < 0.9
    assert one.get(CLAUSE_VECTORS) is None


def test_vectors_computed_outside_the_pipeline_match_the_featurizers(featurizer, tmp_path):
    """The situation classifier learns from vectors addons/sentence_vectors.py computes and
    reads the featurizer's at run time: they must be the same vectors."""
    texts = ["can't I post it on my own insta?", "the cabinet report was published yesterday"]
    pipeline = np.vstack([sentence_vector(m) for m in featurized(featurizer, tmp_path, *texts)])
    assert np.all(np.sum(pipeline * sentence_vectors(texts), axis=1) > 0.98)
