"""The consent situation of a synthetic call: a recording notice (or none) with paraphrased
purposes, customer objections in varied phrasing, look-alike sentences that are not
objections, and the flags that exclude a call (secret recording, health data, minor).
The wording (notices, purposes, objections...) is in the phrasebook's `consent` table."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

PURPOSES = ("quality", "training", "evidence", "complaint_handling")


@dataclass
class ConsentPlan:
    notice_played: bool
    notice_by_agent: bool
    purposes: list[str]
    purpose_text: str
    customer_objects: bool
    lookalike: bool
    employee_informed: bool
    secret_recording: bool
    special_category: bool
    minor: bool
    legal_basis: str
    retention_days: int
    purpose_templates: list[str] = field(default_factory=list)  # phrasebook keys of the purpose phrases
    extra: dict = field(default_factory=dict)


def plan_consent(rng: random.Random, consent_book: dict) -> ConsentPlan:
    """Draw a call's consent situation; the rare flags are rare on purpose."""
    secret = rng.random() < 0.04
    played = (not secret) and rng.random() < 0.75
    purposes: list[str] = []
    if played:
        purposes = sorted(rng.sample(list(PURPOSES), rng.choice([1, 1, 2, 2, 3])), key=PURPOSES.index)
    phrases = [rng.choice(consent_book["purposes"][p]) for p in purposes]
    text = phrases[0] if len(phrases) == 1 else (", ".join(phrases[:-1]) + " en " + phrases[-1] if phrases else "")
    return ConsentPlan(
        notice_played=played, notice_by_agent=played and rng.random() < 0.2, purposes=purposes, purpose_text=text,
        customer_objects=rng.random() < (0.25 if played else 0.06), lookalike=rng.random() < 0.3,
        employee_informed=(not secret) and rng.random() < 0.93, secret_recording=secret,
        special_category=rng.random() < 0.08, minor=rng.random() < 0.04,
        legal_basis=rng.choice(["legitimate_interest", "legitimate_interest", "contract", "consent"]),
        retention_days=rng.choice([90, 180, 365, 730]),
        purpose_templates=[p.key for p in phrases if hasattr(p, "key")],
    )
