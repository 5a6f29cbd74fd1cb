"""The claims of data/policy/claims.yml: particular facts of a topic that the policy settles,
each with its own verdict ("is there a specific law for social media?": "No, there is no
specific regulation of social media ..."), and the one a message asks about, from the `claim`
entity addons/claims.py adds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from actions.knowledge import POLICY_DIR
from contracts import CLAIM_ENTITY

CLAIMS_FILE = POLICY_DIR / "claims.yml"
# A follow-up is short and leans on the conversation, so the matcher is less sure of its
# claim; that its claim is on the topic already answered is the evidence it lacks.
FOLLOW_UP_CLAIM_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Claim:
    """A statement the policy settles: its topic, its verdict, the sentence the answer opens
    with and the paragraphs it rests on (cited first)."""

    id: str
    topic: str
    verdict: str
    opening: str
    paras: tuple[int, ...]


def _raw() -> dict:
    return yaml.safe_load(CLAIMS_FILE.read_text(encoding="utf-8"))


@cache
def claims() -> dict[str, Claim]:
    """Every claim, by id."""
    return {
        raw["id"]: Claim(
            raw["id"], raw["topic"], raw["verdict"], raw["opening"], tuple(raw["paras"])
        )
        for raw in _raw()["claims"]
    }


@cache
def claim_confidence() -> float:
    """How sure the matcher must be for a claim to be used (chosen by python -m scripts.claims)."""
    return float(_raw()["confidence"])


def claim_asked(message: dict[str, Any], follow_up: bool = False) -> Claim | None:
    """The claim a message asks about, when the matcher is sure enough of it: less sure for
    a `follow_up` of the previous answer, whose topic the claim must still be on ("is that
    decision final?" after who approves a new account)."""
    needed = min(FOLLOW_UP_CLAIM_CONFIDENCE, claim_confidence()) if follow_up else None
    for entity in message.get("entities") or []:
        if entity.get("entity") == CLAIM_ENTITY:
            sure = entity.get("confidence", 0.0) >= (needed or claim_confidence())
            return claims().get(str(entity.get("value"))) if sure else None
    return None
