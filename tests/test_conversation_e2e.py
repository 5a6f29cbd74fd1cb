"""A conversation with the real Rasa server and action server, over HTTP."""

import uuid

import pytest

from contracts import MAX_MESSAGE_CHARS

pytestmark = pytest.mark.servers


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex}"


def text_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_a_conversation_from_greeting_to_goodbye(servers):
    sender = new_sender()
    assert "Social Media Policy" in text_of(servers.send(sender, "hello"))

    crest = text_of(servers.send(sender, "can I use the city crest on my facebook profile?"))
    assert crest.startswith("No.") and "Paragraph 23" in crest

    pupil = text_of(servers.send(sender, "may i friend a pupil on instagram"))
    assert pupil.startswith("No.") and "Paragraph 33" in pupil
    assert "Designated Safeguarding Lead (DSL)" in pupil and "(LADO)" in pupil

    leave = text_of(servers.send(sender, "how many days of annual leave do i get?"))
    assert "doesn't cover that" in leave and "Paragraph" not in leave

    assert "Goodbye" in text_of(servers.send(sender, "thanks, bye"))


def buttons_of(replies: list[dict]) -> list[dict]:
    return [button for reply in replies for button in reply.get("buttons", [])]


def test_help_lists_areas_each_leading_to_common_questions(servers):
    sender = new_sender()
    areas = buttons_of(servers.send(sender, "what can you help me with?"))
    assert "Crest and logos" in [area["title"] for area in areas]
    crest = next(area for area in areas if area["title"] == "Crest and logos")
    questions = buttons_of(servers.send(sender, crest["payload"]))
    assert questions and all(q["title"].endswith("?") for q in questions)
    answer = text_of(servers.send(sender, questions[0]["payload"]))
    assert "Paragraph 23" in answer


def test_follow_ups_keep_the_topic_of_the_previous_answer(servers):
    sender = new_sender()
    first = text_of(servers.send(sender, "can I use the crest on LinkedIn?"))
    assert "Paragraph 23" in first
    facebook = text_of(servers.send(sender, "what about Facebook?"))
    assert facebook.startswith("No.") and "Paragraph 23" in facebook
    department = text_of(servers.send(sender, "and on the department account?"))
    assert "style protocols" in department and "Paragraphs 11, 15 and 23" in department
    why = text_of(servers.send(sender, "why?"))
    assert "Source: Paragraph" in why
    where = text_of(servers.send(sender, "which paragraph is that?"))
    assert "paragraphs 11 and 15 (Professional Use) and 23 (Personal Use)" in where
    quote = text_of(servers.send(sender, "quote it"))
    assert "Personal accounts must also not intentionally use the City's crest" in quote


def test_a_question_on_two_topics_is_answered_for_both(servers):
    question = "can i use the crest on my linkedin and can i friend a pupil on facebook?"
    reply = text_of(servers.send(new_sender(), question))
    assert "Paragraph 23" in reply and "Paragraph 33" in reply
    assert 'You also asked about "Online contact with pupils' in reply


def test_reporting_a_disparaging_post_names_both_people_to_tell(servers):
    reply = text_of(servers.send(new_sender(), "I saw a post that disparages the City"))
    assert "Paragraph 36" in reply
    assert "line manager" in reply and "Digital Communications Manager" in reply
    assert "as soon as possible" in reply


def test_a_thumbs_down_comment_is_kept_in_the_tracker_store(servers):
    sender = new_sender()
    answer = servers.send(sender, "can i check a candidate's instagram before the interview")
    thumbs = {b["title"]: b["payload"] for b in buttons_of(answer)}
    asked = text_of(servers.send(sender, thumbs["👎 No"]))
    assert "what was missing" in asked
    comment = "it didn't say what counts as a justifiable reason"
    assert "recorded for HR" in text_of(servers.send(sender, comment))
    slots = [e for e in servers.tracker_events(sender) if e["event"] == "slot"]
    assert {"name": "feedback_comment", "value": comment} in [
        {"name": e["name"], "value": e["value"]} for e in slots
    ]
    follow_on = text_of(servers.send(sender, "can i friend a pupil?"))
    assert "Paragraph 33" in follow_on


def test_a_question_after_a_thumbs_down_is_answered_not_kept_as_a_comment(servers):
    sender = new_sender()
    servers.send(sender, "what happens if i post something stupid")
    assert "what was missing" in text_of(servers.send(sender, "that didn't help"))
    answer = text_of(servers.send(sender, "could I actually be sacked over one post?"))
    assert "dismissal" in answer and "Paragraph" in answer
    assert "recorded for HR" not in answer
    comments = [e for e in servers.tracker_events(sender) if e.get("name") == "feedback_comment"]
    assert all(e["value"] is None for e in comments)
    assert "Paragraph 23" in text_of(servers.send(sender, "can i use the crest on facebook?"))


def test_a_disclosure_is_escalated_once_and_later_turns_answered_with_care(servers):
    sender = new_sender()
    disclosure = servers.send(
        sender, "a pupil told me a volunteer has been messaging her on snapchat at night"
    )
    assert "Designated Safeguarding Lead (DSL)" in text_of(disclosure)
    assert not buttons_of(disclosure) and "Did that answer" not in text_of(disclosure)
    first = servers.send(sender, "who do I go to first?")
    assert "(DSL) first" in text_of(first) and "Paragraph 33" in text_of(first)
    assert not buttons_of(first)
    thanks = servers.send(sender, "thanks, I'll speak to the DSL")
    assert "Paragraph" not in text_of(thanks) and not buttons_of(thanks)


def test_a_short_follow_up_about_the_same_rule_is_answered_from_it(servers):
    sender = new_sender()
    servers.send(sender, "there's a major incident, can our department account keep posting?")
    again = text_of(servers.send(sender, "when can we start again?"))
    assert again.startswith("Not until you are given clearance") and "Paragraph 18" in again


def test_a_second_miss_hands_over_to_hr(servers):
    sender = new_sender()
    first = text_of(servers.send(sender, "/nlu_fallback"))
    assert "put it another way" in first
    second = text_of(servers.send(sender, "/nlu_fallback"))
    assert "Director of Human Resources" in second


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "didn't get a question"),
        ("   \t  ", "didn't get a question"),
        ("x" * 20_000, f"under {MAX_MESSAGE_CHARS} characters"),
        ("can I post this? " * 1200, f"under {MAX_MESSAGE_CHARS} characters"),
        ("😀🎉👍", "written in words"),
        ("<script>alert('hi')</script>", "plain text"),
        ("<img src=x onerror=alert(1)>", "plain text"),
        ("¿Puedo usar el escudo de la ciudad en LinkedIn?", "in English"),
        ("我可以在领英上使用市徽吗？", "in English"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_the_server_keeps_answering(servers, message, expected):
    sender = new_sender()
    reply = text_of(servers.send(sender, message))
    assert expected in reply
    assert "Paragraph" not in reply
    after = text_of(servers.send(sender, "can i set up a twitter account for my team?"))
    assert "Paragraph 12" in after


def test_conversation_is_stored_in_the_sql_tracker_store(servers):
    sender = new_sender()
    servers.send(sender, "who do i ask about how the policy is interpreted")
    events = servers.tracker_events(sender)
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    bot_texts = [e["text"] for e in events if e["event"] == "bot"]
    assert user_texts == ["who do i ask about how the policy is interpreted"]
    assert any("Director of Human Resources" in text for text in bot_texts)
    assert (servers.workdir / "tracker.db").stat().st_size > 0


def test_a_restart_loses_nothing(servers):
    sender = new_sender()
    servers.send(sender, "can i tweet from the main corporate account")
    before = servers.tracker_events(sender)
    servers.restart_rasa()
    assert servers.tracker_events(sender)[: len(before)] == before
    after = text_of(servers.send(sender, "what counts as social media?"))
    assert "Paragraph 39" in after
    user_texts = [e["text"] for e in servers.tracker_events(sender) if e["event"] == "user"]
    assert user_texts == [
        "can i tweet from the main corporate account",
        "what counts as social media?",
    ]
