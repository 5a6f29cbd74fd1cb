"""Loads the policy data: paragraphs, the knowledge base of topics and help-menu areas, and
entity vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from contracts import SITUATION_CONFIDENCE, SITUATION_ENTITY

POLICY_DIR = Path(__file__).resolve().parent.parent / "data" / "policy"

# the yes/no forms of a question (addons/question_form.py), each given an opening by every topic
YES_NO_FORMS = ("permission", "obligation", "consequence", "scope", "yes_no")
# an opening that keeps the answer's own verdict, for a form asked like "may I?" ("is it OK to
# ...?"); a topic without a verdict of its own gets its `permission` opening instead
OWN_VERDICT = "verdict"
# a rule that forbids or restricts keeps its topic's openings for these forms (what it requires,
# what breaking it can lead to, what it covers); a rule that grants or leaves the question open
# does not, since the topic's would answer a case the rule takes out
INHERITED_FORMS = ("obligation", "consequence", "scope")
RESTRICTING_VERDICTS = ("no", "conditional")
# a rule that grants answers "could it get me in trouble?" as its verdict does "may I?": the
# case is acceptable
GRANTING_VERDICT = "yes"
GRANTED_CONSEQUENCE = "No."


@dataclass(frozen=True)
class Rule:
    """A case the policy treats apart and its answer: it applies when the question states
    every one of its `situations` ("<kind>.<name>") and names a person it `applies_to` (if
    it has any)."""

    answer: str
    verdict: str | None
    situations: tuple[str, ...] = ()
    applies_to: tuple[str, ...] = ()
    paras: tuple[int, ...] = ()
    # the opening for each question form; None: the policy gives no verdict for that form
    openings: dict[str, str | None] = field(default_factory=dict)

    def matches(self, entities: dict[str, set[str]]) -> bool:
        if self.applies_to and not entities.get("person", set()) & set(self.applies_to):
            return False
        return set(self.situations) <= entities.get(SITUATION_ENTITY, set())


@dataclass(frozen=True)
class Topic:
    id: str
    intent: str
    title: str
    paras: tuple[int, ...]
    answer: str
    why: str
    why_paras: tuple[int, ...]
    question: str
    verdict: str | None = None
    roles: tuple[str, ...] = ()
    safeguarding: bool = False
    rules: tuple[Rule, ...] = ()
    openings: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Area:
    """A help-menu group of topics, most common first."""

    id: str
    title: str
    topic_ids: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    topics: tuple[Topic, ...]
    areas: tuple[Area, ...]
    role_names: dict[str, str]
    safeguarding_topic_id: str
    safeguarding_paras: tuple[int, ...]
    safeguarding_roles: tuple[str, ...]
    safeguarding_cues: frozenset[str]

    def topic_for_intent(self, intent: str | None) -> Topic | None:
        return next((topic for topic in self.topics if topic.intent == intent), None)

    def topic(self, topic_id: str | None) -> Topic | None:
        return next((topic for topic in self.topics if topic.id == topic_id), None)

    def area(self, area_id: str) -> Area | None:
        return next((area for area in self.areas if area.id == area_id), None)

    def known_topic(self, topic_id: str) -> Topic:
        """A topic the knowledge base itself names (an area's, the safeguarding topic)."""
        topic = self.topic(topic_id)
        if topic is None:
            raise KeyError(f"knowledge.yml names a topic it does not define: {topic_id}")
        return topic

    @property
    def safeguarding_topic(self) -> Topic:
        return self.known_topic(self.safeguarding_topic_id)


def contains_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text.lower()) is not None


def _load_yaml(name: str) -> dict:
    return yaml.safe_load((POLICY_DIR / name).read_text(encoding="utf-8"))


@cache
def paragraphs() -> dict[int, str]:
    return {p["number"]: p["text"] for p in _load_yaml("paragraphs.yml")["paragraphs"]}


@cache
def paragraph_sections() -> dict[int, str]:
    return {p["number"]: p["section"] for p in _load_yaml("paragraphs.yml")["paragraphs"]}


# the keys of a rule that name situations, the kinds of data/policy/situations.yml
SITUATION_KINDS = ("account", "content", "circumstances")


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _topic_openings(raw: dict[str, str | None], verdict: str | None) -> dict[str, str | None]:
    """A topic's openings, with `verdict` resolved: a topic's own verdict answers a
    permission question."""
    openings = {"permission": OWN_VERDICT, **raw} if verdict else dict(raw)
    permission = openings.get("permission")
    return {form: permission if text == OWN_VERDICT else text for form, text in openings.items()}


def _rule_openings(
    raw: dict[str, str | None], verdict: str | None, topic_openings: dict[str, str | None]
) -> dict[str, str | None]:
    """A rule's openings: its own, then for a rule that forbids or restricts its topic's
    obligation, consequence and scope openings; for one that grants or leaves the question
    open, its verdict answers "must I?" ("do I still need to credit them?") as it answers
    "may I?", and one that grants answers "could it get me in trouble?" with "No."."""
    if verdict in RESTRICTING_VERDICTS:
        inherited = {
            form: topic_openings[form] for form in INHERITED_FORMS if form in topic_openings
        }
    else:
        inherited = {"obligation": OWN_VERDICT}
    if verdict == GRANTING_VERDICT:
        inherited["consequence"] = GRANTED_CONSEQUENCE
    return {"permission": OWN_VERDICT, "yes_no": OWN_VERDICT, **inherited, **raw}


def _rule(raw: dict, topic_verdict: str | None, topic_openings: dict[str, str | None]) -> Rule:
    named = [f"{kind}.{name}" for kind in SITUATION_KINDS for name in _as_list(raw.get(kind, []))]
    verdict = raw.get("verdict", topic_verdict)
    return Rule(
        answer=raw["wording"],
        verdict=verdict,
        situations=tuple(named),
        applies_to=tuple(raw.get("applies_to", ())),
        paras=tuple(raw.get("paras", ())),
        openings=_rule_openings(raw.get("openings", {}), verdict, topic_openings),
    )


def _topic(raw: dict) -> Topic:
    verdict = raw.get("verdict")
    openings = _topic_openings(raw.get("openings", {}), verdict)
    return Topic(
        id=raw["id"],
        intent=raw["intent"],
        title=raw["title"],
        paras=tuple(raw["paras"]),
        answer=raw["answer"],
        why=raw["why"],
        why_paras=tuple(raw["why_paras"]),
        question=raw["question"],
        verdict=verdict,
        roles=tuple(raw.get("roles", ())),
        safeguarding=raw.get("safeguarding", False),
        rules=tuple(_rule(r, verdict, openings) for r in raw.get("rules", ())),
        openings=openings,
    )


def _area(raw: dict) -> Area:
    return Area(id=raw["id"], title=raw["title"], topic_ids=tuple(raw["topics"]))


@cache
def knowledge_base() -> KnowledgeBase:
    raw = _load_yaml("knowledge.yml")
    safeguarding = raw["safeguarding"]
    return KnowledgeBase(
        topics=tuple(_topic(t) for t in raw["topics"]),
        areas=tuple(_area(a) for a in raw["areas"]),
        role_names={key: role["name"] for key, role in raw["roles"].items()},
        safeguarding_topic_id=safeguarding["topic"],
        safeguarding_paras=tuple(safeguarding["paras"]),
        safeguarding_roles=tuple(safeguarding["roles"]),
        safeguarding_cues=frozenset(safeguarding["cues"]),
    )


@cache
def entity_vocabulary() -> dict[str, dict[str, str]]:
    """For each entity type, a map from every lower-cased surface form to its canonical value."""
    return {
        kind: {word.lower(): canonical for canonical, words in values.items() for word in words}
        for kind, values in _load_yaml("entities.yml").items()
    }


def canonical_value(entity: dict) -> str | None:
    """An entity's canonical value; a situation's only when stated surely enough for a rule
    to apply."""
    kind, value = str(entity.get("entity", "")), str(entity.get("value", ""))
    if kind == SITUATION_ENTITY:
        return value if entity.get("confidence", 1.0) >= SITUATION_CONFIDENCE else None
    return entity_vocabulary().get(kind, {}).get(value.lower())


def canonical_entities(entities: list[dict]) -> dict[str, set[str]]:
    """Canonical values of the entities Rasa extracted, grouped by entity type."""
    found: dict[str, set[str]] = {}
    for entity in entities:
        if canonical := canonical_value(entity):
            found.setdefault(entity["entity"], set()).add(canonical)
    return found


def cite(paras: tuple[int, ...] | list[int]) -> str:
    """'Paragraph 23', 'Paragraphs 22 and 23', 'Paragraphs 26, 27 and 29'."""
    numbers = [str(n) for n in sorted(set(paras))]
    if len(numbers) == 1:
        return f"Paragraph {numbers[0]}"
    return f"Paragraphs {', '.join(numbers[:-1])} and {numbers[-1]}"
