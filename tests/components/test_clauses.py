"""addons/clauses.py: where a message asking two things splits."""

import pytest

from addons.clauses import clause_spans


def parts(text: str) -> list[str]:
    return [text[start:end] for start, end in clause_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "can I use the crest on LinkedIn and can I friend a pupil?",
            ["can I use the crest on LinkedIn", "can I friend a pupil?"],
        ),
        (
            "who checks my posts? what if a parent messages me",
            ["who checks my posts", "what if a parent messages me"],
        ),
        (
            "can I tweet at work; can I use the logo",
            ["can I tweet at work", "can I use the logo"],
        ),
    ],
)
def test_two_questions_split_into_their_parts(text, expected):
    assert parts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "can I post photos of pupils and staff?",  # "and staff" is too short to be a question
        "I teach at a City school. Can I follow a pupil?",  # a full stop gives context
        "can I use the crest?",
    ],
)
def test_one_question_is_not_split(text):
    assert clause_spans(text) == []


def test_at_most_three_parts():
    text = "can I tweet at work and can I use the crest and can I friend a pupil and who checks"
    assert len(clause_spans(text)) == 3
