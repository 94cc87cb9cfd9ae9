"""Assemble one call's script: notice, greeting, identification with PII, the scenario body,
holds and transfers, closing. Everything is drawn from a per-call random generator seeded
by (corpus seed, call index), so a call does not depend on how many others are generated."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from . import consent as K
from . import phrases as P
from . import pii
from . import values as V
from .consent import ConsentPlan, plan_consent
from .scenarios import BODIES, CATEGORIES, scenario_for
from .script import Mention, Tok, Turn
from .speech import Voice

OPTIONAL_TYPES = ["LOCATION", "NL_POSTCODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "NL_BSN",
                  "DATE_OF_BIRTH", "NL_LICENSE_PLATE", "ACCOUNT_ID"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"]


@dataclass
class CallPlan:
    call_id: str
    seed: int
    index: int
    scenario: str
    topic: str
    company: str
    style: str  # human | asr
    turns: list[Turn]
    voices: dict[str, Voice]
    traits: list[str]
    consent: ConsentPlan
    agent_id: str
    customer_ref: str
    recorded_at: datetime
    noise: dict[str, float] = field(default_factory=dict)
    low_confidence: bool = False
    gap: tuple[float, float] = (0.25, 0.8)


def call_id(index: int, seed: int) -> str:
    return f"c{index + 1:04d}-s{seed}"


def plan_call(index: int, seed: int) -> CallPlan:
    rng = random.Random(f"callcorpus:{seed}:{index}")
    scenario = scenario_for(index, seed)
    topic = rng.choice(sorted(P.TOPICS))
    info = P.TOPICS[topic]
    company_name, product_name = rng.choice(info["companies"]), rng.choice(info["products"])
    company, product = V.name("company", company_name), V.name("product", product_name)
    consent = plan_consent(rng)
    customer, agent = pii.new_person(rng), pii.new_person(rng)
    turns: list[Turn] = []
    ctx: dict = {"product": product, "bodies": info["bodies"]}

    def add(speaker: str, template: str, **slots) -> Turn:
        turn = Turn(speaker).fill(template, **slots)
        turns.append(turn)
        return turn

    def A(template: str, **slots) -> Turn:
        return add("agent", template, **slots)

    def C(template: str, **slots) -> Turn:
        return add("customer", template, **slots)

    # recording notice
    if consent.notice_played and not consent.notice_by_agent:
        t = Turn("agent", voice="ivr")
        t.mark("notice", "notice", rng.choice(K.NOTICE_IVR), company=company, purposes=consent.purpose_text)
        turns.append(t)
        t.gap = 0.0
    greet = rng.choice(P.GREET_TIME)
    agent_name = pii.person_name(agent, rng, "full") if rng.random() < 0.3 else \
        Mention("pii", "PERSON", [Tok(agent.first, agent.first)], "written")
    A(rng.choice(P.AGENT_OPEN), greet=greet, agent=agent_name, company=company)
    if consent.notice_played and consent.notice_by_agent:
        turns[-1].mark("notice", "notice", rng.choice(K.NOTICE_AGENT), purposes=consent.purpose_text)
    style_name = rng.choice(["full", "full", "full", "initials"])
    title = ("mevrouw" if customer.female else "meneer")
    ctx["title"] = title
    issue = rng.choice(info["issues"])
    C(rng.choice(P.CUSTOMER_OPEN), greet=greet, name=pii.person_name(customer, rng, style_name), issue=issue)
    if consent.customer_objects:
        C("").mark("objection", "objection", rng.choice(K.OBJECTIONS))
        A(rng.choice(K.OBJECTION_REPLY))

    # identification and contact details: types rotate over calls so a few calls cover all
    offset = random.Random(f"callcorpus-types:{seed}").randrange(len(OPTIONAL_TYPES))
    chosen = [(OPTIONAL_TYPES[(offset + j) % len(OPTIONAL_TYPES)], ("written", "spoken")[j % 2])
              for j in _type_slots(index)]
    order = {t: i for i, t in enumerate(["ACCOUNT_ID", "DATE_OF_BIRTH", "NL_POSTCODE", "LOCATION", "NL_BSN",
                                          "NL_LICENSE_PLATE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE"])}
    chosen.sort(key=lambda tf: order[tf[0]])
    verbose = scenario == "unbalanced_conversation"
    spell = (index % 3 == 0 or rng.random() < 0.3) and not verbose
    if spell:
        A(rng.choice(P.ASK_SPELL))
        word = customer.surname if not customer.second_surname else customer.second_surname
        alphabet = len(word) <= 7 and rng.random() < 0.8  # long names: plain letters, or the call drags
        C(rng.choice(P.GIVE_SPELL), spelled=pii.spelled(word, rng, alphabet=alphabet))
    for n, (etype, form) in enumerate(chosen):
        _exchange(etype, form, rng, A, C, customer, topic, check=n != 1 and not verbose)
        if verbose:
            A(rng.choice(P.VERBOSE_CHECK))
        if n == 1:
            A(rng.choice(P.THANK_NAME), title=title, surname=pii.person_name(customer, rng, "surname"))
            if consent.lookalike:
                C("").mark("lookalike", "lookalike", rng.choice(K.LOOKALIKES))
            if consent.special_category:
                C("").mark("special", "special_category", rng.choice(K.HEALTH))
                A("Wat vervelend om te horen, sterkte.")
            if consent.minor:
                C("").mark("minor", "minor", rng.choice(K.MINOR))
                A("Dan moet ik eigenlijk even een ouder of verzorger spreken.")

    traits = BODIES[scenario](rng, A, C, ctx)
    if rng.random() < 0.22 and scenario not in ("confused_elderly", "unbalanced_conversation"):
        hold = A(rng.choice(P.HOLD))
        hold.hold_after = rng.uniform(5.0, 10.0)
        traits.append("hold")
        A(rng.choice(P.AFTER_HOLD))
    if rng.random() < 0.15 or (scenario == "escalation" and "asks_manager" in traits):
        A(rng.choice(P.TRANSFER), department=info["department"])
        traits.append("transfer")
    elif not ctx.get("skip_polite_close"):
        A(rng.choice(P.CLOSE_AGENT))
        C(rng.choice(P.CLOSE_CUSTOMER))
        A(rng.choice(P.BYE_AGENT))

    voices = _voices(rng, ctx)
    for i, t in enumerate(turns[:-1]):  # interruptions: the customer cuts in on the agent now and then
        nxt = turns[i + 1]
        if t.overlap_next or (t.speaker == "agent" and nxt.speaker == "customer" and rng.random() < 0.08):
            nxt.overlap = rng.uniform(0.3, 1.0)
    if ctx.get("customer_rate"):
        for t in turns:
            if t.speaker == "customer":
                t.rate_factor *= ctx["customer_rate"]
    recorded = datetime(2026, 1, 5, tzinfo=timezone.utc) + timedelta(days=rng.randrange(300),
                                                                     seconds=rng.randrange(8 * 3600, 18 * 3600))
    return CallPlan(
        call_id=call_id(index, seed), seed=seed, index=index, scenario=scenario, topic=topic, company=company_name,
        style=rng.choice(["human", "asr"]), turns=turns, voices=voices, traits=traits, consent=consent,
        agent_id=f"agent-{rng.randrange(1, 40):03d}", customer_ref=f"K{rng.randrange(10**6, 10**7)}",
        recorded_at=recorded, noise={"customer": ctx["noise"]} if ctx.get("noise") else {},
        low_confidence=bool(ctx.get("low_confidence")), gap=ctx.get("gap", (0.25, 0.8)),
    )


def _type_slots(index: int) -> range:
    """Global PII slots of call `index`: routine calls take five, difficult ones three (they need
    the time for their scenario). Slot j has type j mod 9 and form j mod 2, so any six
    consecutive calls carry every entity type in both forms."""
    start = (index // 2) * 8 + (5 if index % 2 else 0)
    return range(start, start + (5 if index % 2 == 0 else 3))


def categories(plan: CallPlan) -> list[str]:
    return list(CATEGORIES[plan.scenario])


def _voices(rng: random.Random, ctx: dict) -> dict[str, Voice]:
    a, c = rng.sample(VARIANTS, 2)
    return {
        "agent": Voice(f"nl+{a}", rng.randint(165, 195), rng.randint(35, 65), rng.randint(40, 70)),
        "customer": Voice(f"nl+{c}", rng.randint(160, 195), rng.randint(30, 75), rng.randint(40, 80)),
        "ivr": Voice("nl+f2", 155, 55, 40),
    }


ACCOUNT_KINDS = {"webwinkel": ["ordernummer", "klantnummer"], "energie": ["klantnummer", "contractnummer"],
                 "telecom": ["klantnummer", "contractnummer"], "bank": ["klantnummer"],
                 "verzekering": ["klantnummer", "contractnummer"], "zorgverzekering": ["klantnummer"]}


def _exchange(etype: str, form: str, rng: random.Random, A, C, person: pii.Person, topic: str,
              check: bool = True) -> None:
    """One question by the agent and the customer's answer carrying a PII value."""
    if etype == "ACCOUNT_ID":
        kind = rng.choice(ACCOUNT_KINDS[topic])
        A(rng.choice(P.ASK_ACCOUNT), kind=kind)
        C(rng.choice(P.GIVE_ACCOUNT), kind=kind, value=pii.account_id(rng, form))
    elif etype == "DATE_OF_BIRTH":
        A(rng.choice(P.ASK_BIRTH))
        C(rng.choice(P.GIVE_BIRTH), value=pii.birth_date(rng, form))
    elif etype == "NL_POSTCODE":
        A(rng.choice(P.ASK_POSTCODE))
        C(rng.choice(P.GIVE_POSTCODE), value=pii.postcode(rng, form))
    elif etype == "LOCATION":
        A(rng.choice(P.ASK_ADDRESS))
        if rng.random() < 0.2:
            C(rng.choice(P.GIVE_POSTBUS), value=pii.postbus(rng, form), city=pii.city(rng))
        else:
            C(rng.choice(P.GIVE_ADDRESS), street=pii.street_address(rng, form), city=pii.city(rng))
    elif etype == "NL_BSN":
        A(rng.choice(P.ASK_BSN))
        C(rng.choice(P.GIVE_BSN), value=pii.bsn(rng, form))
    elif etype == "NL_LICENSE_PLATE":
        A(rng.choice(P.ASK_PLATE))
        C(rng.choice(P.GIVE_PLATE), value=pii.license_plate(rng, form))
    elif etype == "PHONE_NUMBER":
        A(rng.choice(P.ASK_PHONE))
        C(rng.choice(P.GIVE_PHONE), value=pii.phone(rng, form))
    elif etype == "EMAIL_ADDRESS":
        A(rng.choice(P.ASK_EMAIL))
        C(rng.choice(P.GIVE_EMAIL), value=pii.email(person, rng, form))
    elif etype == "IBAN_CODE":
        A(rng.choice(P.ASK_IBAN))
        C(rng.choice(P.GIVE_IBAN), value=pii.iban(rng, form))
    if check and rng.random() < 0.4:
        A(rng.choice(P.CHECK))
