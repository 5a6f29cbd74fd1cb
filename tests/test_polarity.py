"""What a yes/no question asks, read from its words (actions/polarity.py)."""

import pytest

from actions.polarity import asks_against_the_rules, asks_to_comply, form_asked


@pytest.mark.parametrize(
    ("question", "complying"),
    [
        ("must i take the crest off my banner?", True),
        ("do we have to get the artist's permission first?", True),
        ("is it required that everyone in the photo agreed?", True),
        ("should i accept her friend request?", False),
        ("should i just friend him so i can keep an eye on him?", False),
        ("should i let the scheduled post go out?", False),
        ("should i follow the pupil back on instagram?", False),
        ("do contractors have to follow this policy?", True),
        ("is the crest allowed on my banner?", None),
    ],
)
def test_an_obligation_is_about_complying_or_about_the_act(question, complying):
    assert asks_to_comply(question) is complying


@pytest.mark.parametrize(
    ("form", "question", "asked"),
    [
        ("obligation", "should I post the committee papers?", "permission"),
        ("permission", "must we avoid letting religion matter in shortlisting?", "obligation"),
        ("permission", "can I post it or should I get their consent first?", "permission"),
        ("permission", "must I avoid posts that could make parents doubt me?", "obligation"),
        ("yes_no", "is 'Sam CityCorp' ok as my facebook name", "permission"),
        ("yes_no", "is a sarcastic reply classed as arguing with a customer?", "scope"),
        ("yes_no", "is the chief officer's decision final?", "yes_no"),
        ("wh", "what should I do about a nasty post?", "wh"),
    ],
)
def test_the_question_s_words_correct_its_classified_form(form, question, asked):
    assert form_asked(form, question) == asked


def test_a_question_whether_something_is_against_the_rules_is_recognised():
    assert asks_against_the_rules("Is it a problem that LinkedIn added the logo?")
    assert asks_against_the_rules("would that be against the rules?")
    assert asks_against_the_rules("he keeps posting nasty comments, is that against the policy?")
    assert asks_against_the_rules("would it break the social media policy?")
    assert not asks_against_the_rules("what does the policy say against bullying?")
    assert not asks_against_the_rules("I have a problem with a colleague, can I post about it?")
