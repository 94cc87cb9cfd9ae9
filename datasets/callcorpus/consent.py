"""The consent situation of a synthetic call: a recording notice (or none) with paraphrased
purposes, customer objections in varied phrasing, look-alike sentences that are not
objections, and the flags that exclude a call (secret recording, health data, minor)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

PURPOSE_PHRASES = {
    "quality": ["kwaliteitsdoeleinden", "het verbeteren van onze dienstverlening", "kwaliteitscontrole",
                "de kwaliteit van onze service"],
    "training": ["trainingsdoeleinden", "de opleiding van onze medewerkers", "coaching van onze medewerkers",
                 "opleidings- en trainingsdoeleinden"],
    "evidence": ["het vastleggen van de overeenkomst", "bewijs van gemaakte afspraken", "de vastlegging van uw opdracht"],
    "complaint_handling": ["de afhandeling van klachten", "klachtafhandeling", "het behandelen van eventuele klachten"],
}
NOTICE_IVR = [
    "Welkom bij {company}. Dit gesprek kan worden opgenomen voor {purposes}.",
    "Welkom bij {company}. Voor {purposes} worden gesprekken opgenomen.",
    "U bent verbonden met {company}. Wij nemen dit gesprek op ten behoeve van {purposes}.",
    "Welkom bij {company}. Let op: dit gesprek wordt mogelijk opgenomen voor {purposes}.",
    "Fijn dat u belt met {company}. Gesprekken worden opgenomen voor {purposes}.",
]
NOTICE_AGENT = [
    "Ik wil u erop wijzen dat dit gesprek wordt opgenomen voor {purposes}.",
    "Even voor de duidelijkheid: dit gesprek wordt opgenomen voor {purposes}.",
]
OBJECTIONS = [
    "Ik wil niet dat dit gesprek voor trainingen gebruikt wordt.",
    "Mag dit gesprek niet opgenomen worden?",
    "Ik heb bezwaar tegen het opnemen van dit gesprek.",
    "Ik geef geen toestemming om dit gesprek te gebruiken voor opleidingen.",
    "Wilt u de opname stoppen? Ik wil niet opgenomen worden.",
    "Ik wil liever niet dat dit gesprek bewaard wordt.",
    "Gebruik dit gesprek alstublieft niet voor uw cursussen.",
    "Ik maak bezwaar tegen het gebruik van deze opname voor training.",
    "Die opname, daar wil ik niet aan meewerken, dus niet gebruiken voor jullie trainingen graag.",
]
OBJECTION_REPLY = ["Dat noteer ik, het gesprek wordt niet voor trainingen gebruikt.",
                   "Begrepen, dat leg ik vast.", "Natuurlijk, ik zet het in uw dossier."]
LOOKALIKES = [
    "Ik vind het prima dat dit gesprek wordt opgenomen.",
    "Neemt u het gesprek maar op, geen probleem.",
    "Ik heb geen bezwaar tegen de opname.",
    "Ik wil niet dat mijn contract zomaar stopt.",
    "Ik wil niet dat dit nog een keer gebeurt.",
    "Mijn zoon volgt zelf een opleiding tot monteur.",
    "Ik heb het gesprek van vorige week niet opgenomen, maar ik weet zeker wat u zei.",
]
HEALTH = [
    "Ik lig sinds vorige week in het ziekenhuis met hartklachten.",
    "Ik heb diabetes en kan daarom niet zo lang wachten.",
    "Ik ben onder behandeling bij een psycholoog, dus het is allemaal wat veel.",
    "Ik ben net geopereerd aan mijn heup.",
]
MINOR = ["Ik ben pas vijftien, mijn moeder weet niet dat ik bel.", "Ik ben veertien en het abonnement staat op mijn naam.",
         "Ik ben nog maar zestien, mag ik dit zelf regelen?"]


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
    extra: dict = field(default_factory=dict)


def plan_consent(rng: random.Random) -> ConsentPlan:
    """Draw a call's consent situation; the rare flags are rare on purpose."""
    secret = rng.random() < 0.04
    played = (not secret) and rng.random() < 0.75
    purposes: list[str] = []
    if played:
        purposes = sorted(rng.sample(list(PURPOSE_PHRASES), rng.choice([1, 1, 2, 2, 3])),
                          key=list(PURPOSE_PHRASES).index)
    phrases = [rng.choice(PURPOSE_PHRASES[p]) for p in purposes]
    text = phrases[0] if len(phrases) == 1 else (", ".join(phrases[:-1]) + " en " + phrases[-1] if phrases else "")
    return ConsentPlan(
        notice_played=played, notice_by_agent=played and rng.random() < 0.2, purposes=purposes, purpose_text=text,
        customer_objects=rng.random() < (0.25 if played else 0.06), lookalike=rng.random() < 0.3,
        employee_informed=(not secret) and rng.random() < 0.93, secret_recording=secret,
        special_category=rng.random() < 0.08, minor=rng.random() < 0.04,
        legal_basis=rng.choice(["legitimate_interest", "legitimate_interest", "contract", "consent"]),
        retention_days=rng.choice([90, 180, 365, 730]),
    )
