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


@dataclass(frozen=True)
class Claim:
    """A statement the policy settles: its topic, its verdict, the sentence the answer opens
    with and the paragraphs it rests on (cited first)."""

    id: str
    topic: str
    verdict: str
    opening: str
    paras: tuple[int, ...]


@dataclass(frozen=True)
class ClaimsFile:
    """What data/policy/claims.yml holds for the actions: the confidence a claim is used at,
    the higher one it needs to replace an answer that opens with the policy's condition, and
    every claim, by id."""

    confidence: float
    confidence_over_condition: float
    claims: dict[str, Claim]


@dataclass(frozen=True)
class AskedClaim:
    """The claim a message asks about, how sure the matcher is of it, and whether the message
    `follows_up` the answer of the claim's topic."""

    claim: Claim
    confidence: float
    follows_up: bool = False

    def replaces_condition(self) -> bool:
        """Whether the claim's flat verdict may replace an answer that opens with the policy's
        condition ("Only if ..."): that answer covers every case, the claim only the one its
        examples state, so the matcher must be surer of it, unless the condition was given in
        the answer the message follows up ("is that decision final?" after who approves a
        new account)."""
        return self.follows_up or self.confidence >= claims_file().confidence_over_condition


@cache
def claims_file() -> ClaimsFile:
    raw = yaml.safe_load(CLAIMS_FILE.read_text(encoding="utf-8"))
    return ClaimsFile(
        float(raw["confidence"]),
        float(raw["confidence_over_condition"]),
        {
            claim["id"]: Claim(
                claim["id"],
                claim["topic"],
                claim["verdict"],
                claim["opening"],
                tuple(claim["paras"]),
            )
            for claim in raw["claims"]
        },
    )


def claims() -> dict[str, Claim]:
    """Every claim, by id."""
    return claims_file().claims


def claim_confidence() -> float:
    """How sure the matcher must be for a claim to be used (chosen by python -m scripts.claims)."""
    return claims_file().confidence


def claim_asked(message: dict[str, Any], follow_up: bool = False) -> AskedClaim | None:
    """The claim a message (a `follow_up` of the previous answer or not) asks about, when the
    matcher is sure enough of it."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == CLAIM_ENTITY:
            confidence = float(entity.get("confidence", 0.0))
            claim = claims().get(str(entity.get("value")))
            sure = claim is not None and confidence >= claim_confidence()
            return AskedClaim(claim, confidence, follow_up) if claim and sure else None
    return None
