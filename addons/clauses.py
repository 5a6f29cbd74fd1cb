"""Splits a message that may ask two things ("can I tweet about work and use the Barbican
logo?") into its parts, so that each part can be classified on its own."""

from __future__ import annotations

import re

# Where a second question may start: after a question mark followed by more text, a
# semicolon, or a joining word. Full stops are left alone: a sentence before the question
# usually gives its context ("I teach at a City school. Can I ...").
CLAUSE_BREAK = re.compile(r"\?\s+|;\s*|\s+(?:and also|and|also|plus|as well as)\s+", re.IGNORECASE)
MIN_CLAUSE_WORDS = 3
MAX_CLAUSES = 3


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the parts of `text` long enough to be questions of their own;
    an empty list when there is only one."""
    spans, start = [], 0
    for match in CLAUSE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    parts = [(s, e) for s, e in spans if len(text[s:e].split()) >= MIN_CLAUSE_WORDS]
    return parts[:MAX_CLAUSES] if len(parts) > 1 else []
