"""The word features kept in the model give the same weights after loading as after fitting."""

import json

from addons.lexicon import Lexicon

EXAMPLES = ["can i use the crest on facebook", "who is the lado", "can i friend a pupil"]


def test_a_saved_lexicon_gives_the_weights_it_was_fitted_with():
    fitted = Lexicon.fit(EXAMPLES)
    loaded = Lexicon(**json.loads(json.dumps(fitted.as_dict())))
    question = ["Can I use the crest on LinkedIn?"]
    assert (fitted.transform(question) != loaded.transform(question)).nnz == 0
    assert loaded.transform(question).nnz > 0


def test_words_and_word_pairs_it_never_saw_weigh_nothing():
    lexicon = Lexicon.fit(EXAMPLES)
    assert lexicon.transform(["mumsnet strava goodreads"]).nnz == 0
    assert "the crest" in lexicon.vocabulary
