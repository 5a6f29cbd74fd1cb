"""No answer ships whose cited policy text changed since it was reviewed."""

from actions.knowledge import knowledge_base, paragraphs
from scripts.check_reviews import approve, load_reviews, relied_on, stale_topics


def test_every_answer_was_reviewed_against_the_current_policy_text():
    stale = stale_topics(knowledge_base().topics, paragraphs(), load_reviews())
    assert [topic.id for topic in stale] == []


def test_a_changed_paragraph_makes_the_answers_citing_it_stale():
    texts = dict(paragraphs())
    texts[23] = texts[23].replace("must also not", "may")
    stale = stale_topics(knowledge_base().topics, texts, load_reviews())
    assert {topic.id for topic in stale} == {
        topic.id for topic in knowledge_base().topics if 23 in relied_on(topic)
    }
    assert stale


def test_a_changed_paragraph_only_a_why_cites_makes_that_topic_stale():
    texts = dict(paragraphs())
    texts[9] = texts[9].replace("protect employees", "reward employees")
    stale = {topic.id for topic in stale_topics(knowledge_base().topics, texts, load_reviews())}
    why_only = {t.id for t in knowledge_base().topics if 9 in t.why_paras and 9 not in t.paras}
    assert why_only and why_only <= stale


def test_approving_a_topic_records_its_review(tmp_path):
    path = tmp_path / "reviews.yml"
    approve({"crisis"}, "2026-12-01", path)
    reviews = load_reviews(path)
    assert list(reviews) == ["crisis"] and reviews["crisis"]["reviewed"] == "2026-12-01"
    topics = knowledge_base().topics
    stale_ids = {topic.id for topic in stale_topics(topics, paragraphs(), reviews)}
    assert stale_ids == {topic.id for topic in topics} - {"crisis"}
