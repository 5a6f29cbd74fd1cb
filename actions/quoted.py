"""A question that quotes the policy's own words ("what is the 'trust and confidence' bit
about?") is about the paragraph they come from, whatever else the classifier made of it."""

from __future__ import annotations

import re

from actions.knowledge import Topic, knowledge_base, paragraphs

# A phrase in quotes: the opening quote starts a word, so "what's" opens nothing.
QUOTED = re.compile(r"""(?:^|(?<=[\s(]))["'‘“]([^"'‘’“”]+?)["'’”](?!\w)""")
# one quoted word ("can I 'like' a post?") is too common to place a question
MIN_WORDS = 2


def holds(body: str, phrase: str) -> bool:
    """Whether a paragraph's text, its Markdown emphasis left out, holds `phrase` in the
    singular or the plural."""
    pattern = rf"(?<!\w){re.escape(phrase.strip().lower())}(s|es)?(?!\w)"
    return re.search(pattern, body.replace("*", "").lower()) is not None


def quoted_paragraph(text: str) -> int | None:
    """The one paragraph whose text holds a phrase the message quotes, if any."""
    for phrase in QUOTED.findall(text):
        if len(phrase.split()) < MIN_WORDS:
            continue
        found = [number for number, body in paragraphs().items() if holds(body, phrase)]
        if len(found) == 1:
            return found[0]
    return None


def topic_quoted(text: str, classified: Topic) -> Topic:
    """`classified`, unless the message quotes a paragraph it does not cite: then the topic
    that cites that paragraph earliest among its own."""
    number = quoted_paragraph(text)
    if number is None or number in classified.paras:
        return classified
    citing = [t for t in knowledge_base().topics if number in t.paras and not t.safeguarding]
    return min(citing, key=lambda topic: topic.paras.index(number), default=classified)
