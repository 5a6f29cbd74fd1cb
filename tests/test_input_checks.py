"""Input that cannot be read as a question is recognised, and questions are not."""

import pytest

from addons.input_checks import ENGLISH_FUNCTION_WORDS, FOREIGN_FUNCTION_WORDS, problem_with
from contracts import EMPTY, MARKUP, MAX_MESSAGE_CHARS, NO_WORDS, NOT_ENGLISH, TOO_LONG


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", EMPTY),
        (None, EMPTY),
        ("   \n\t ", EMPTY),
        ("a" * (MAX_MESSAGE_CHARS + 1), TOO_LONG),
        ("can I post photos? " * 1000, TOO_LONG),
        ("😀😀🎉", NO_WORDS),
        ("?!?! 123 ...", NO_WORDS),
        ("\x00\x01\x02\ufffd", NO_WORDS),
        ("<script>alert(1)</script>", MARKUP),
        ("<img src=x onerror=alert(1)>", MARKUP),
        ("¿Puedo usar el escudo de la ciudad en LinkedIn?", NOT_ENGLISH),
        ("Est-ce que je peux utiliser le logo sur Facebook ?", NOT_ENGLISH),
        ("Darf ich das Wappen auf LinkedIn verwenden?", NOT_ENGLISH),
        ("我可以在领英上使用市徽吗？", NOT_ENGLISH),
        ("Могу ли я использовать герб?", NOT_ENGLISH),
    ],
)
def test_unreadable_input_is_recognised(text, problem):
    assert problem_with(text) == problem


@pytest.mark.parametrize(
    "text",
    [
        "can i use the crest on linkedin?",
        "crest linkedin logo rules",
        "hi",
        "may I friend a pupil on facebook",
        "is it ok to say i'm a teacher at CLSG in my bio",
        "what does para 33 say about vulnerable persons",
        "a" * MAX_MESSAGE_CHARS,
        "can i post a photo from the café opening at the barbican",
        "I'm worried about a pupil: <3 messages from a teacher at night",
    ],
)
def test_questions_are_not_mistaken_for_unreadable_input(text):
    assert problem_with(text) is None


def test_no_word_counts_as_both_english_and_foreign():
    assert ENGLISH_FUNCTION_WORDS & FOREIGN_FUNCTION_WORDS == set()
