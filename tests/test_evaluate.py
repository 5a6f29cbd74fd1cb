"""The evaluation's scoring, on replies written in code."""

from scripts.evaluate import print_report, score


def test_a_polarity_error_shows_in_the_verdict_table(capsys):
    items = [
        {"q": "could X get me disciplined?", "kind": "in_scope", "paras": [29], "verdict": "yes"},
        {"q": "may I use the crest?", "kind": "in_scope", "paras": [23], "verdict": "no"},
    ]
    replies = [
        [{"text": "No. Do not ...\nSource: Paragraph 29 of the Social Media Policy."}],
        [{"text": "No. Personal accounts ...\nSource: Paragraph 23 of the Social Media Policy."}],
    ]
    scores = score(items, replies)
    assert (scores["verdict_right"].hits, scores["verdict_right"].total) == (1, 2)
    assert scores["verdict_right"].confusion == {("yes", "no"): 1, ("no", "no"): 1}
    print_report(scores)
    table = capsys.readouterr().out
    assert "expected / given" in table and "miss [verdict_right] could X get me" in table


def test_a_partly_covered_question_needs_the_part_cited_and_the_rest_handed_to_hr():
    item = {"q": "can I use ChatGPT for the official account?", "kind": "in_scope", "paras": [14]}
    items = [{**item, "partly": True}] * 4
    rest = "The policy covers only part of your question: for the rest, contact Human Resources."
    replies = [
        [{"text": f"It says ...\nSource: Paragraph 14.\n{rest}"}],
        [{"text": "Only if you are an authorised officer.\nSource: Paragraph 14."}],
        [{"text": "Yes. Source: Paragraph 14. For the rest, contact Human Resources."}],
        [{"text": f"Yes. ...\nSource: Paragraph 11.\n{rest}"}],
    ]
    scores = score(items, replies)
    assert (scores["answered_in_part"].hits, scores["answered_in_part"].total) == (1, 4)


def test_the_verdict_of_a_partly_covered_question_is_scored_apart():
    """The covered clause of a two-part question may be a yes/no question: its verdict
    counts as any other, and does not stop the question counting as answered in part."""
    item = {"q": "can I tag colleagues, and how do I book a course?", "paras": [17]}
    items = [{**item, "kind": "in_scope", "partly": True, "verdict": "conditional"}]
    text = "Only with permission. ...\nSource: Paragraph 17.\nIt covers only part: Human Resources."
    scores = score(items, [[{"text": text}]])
    assert scores["answered_in_part"].hits == 1 and scores["verdict_right"].hits == 1
