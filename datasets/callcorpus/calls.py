"""Assemble one call's script: notice, greeting, identification with PII, the scenario body,
holds and transfers, closing. Everything is drawn from a per-call random generator seeded
by (corpus seed, call index), so a call does not depend on how many others are generated."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from . import pii
from . import values as V
from .consent import ConsentPlan, plan_consent
from .identify import exchange, introduce, third_party
from .names import FOREIGN_LOCALES, new_person
from .phrasebook import Book, book_for
from .scenarios import BODIES, CATEGORIES, scenario_for
from .script import Tok, Turn
from .speech import Voice

OPTIONAL_TYPES = ["LOCATION", "NL_POSTCODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "NL_BSN",
                  "DATE_OF_BIRTH", "NL_LICENSE_PLATE", "ACCOUNT_ID"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"]
STYLES = ("mixed", "human", "asr")
ASR_SHARE = 0.5  # share of ASR-style transcripts with style="mixed"
# caller origin by position in a seed-rotated cycle of six: one Flemish caller, one with a
# foreign-origin name, four with Dutch names (so any six consecutive calls have each)
ORIGIN_CYCLE = ("nl", "be", "nl", "foreign", "nl", "nl")


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
    phrasing: str = "tuning"
    caller_origin: str = "nl"
    names: str = "faker"
    # the first turn of each phase after the greeting (phase ground truth; drawing it takes no randomness)
    phase_turns: dict[str, int] = field(default_factory=dict)

    @property
    def templates(self) -> list[str]:
        return sorted({k for t in self.turns for k in t.templates} | set(self.consent.purpose_templates))


def call_id(index: int, seed: int) -> str:
    return f"c{index + 1:04d}-s{seed}"


def caller_origin(index: int, seed: int) -> str:
    """nl, be or a foreign locale; rotated per seed so a small corpus still has each."""
    rng = random.Random(f"callcorpus-origin:{seed}")
    kind = ORIGIN_CYCLE[(index + rng.randrange(len(ORIGIN_CYCLE))) % len(ORIGIN_CYCLE)]
    if kind == "foreign":
        return FOREIGN_LOCALES[random.Random(f"callcorpus-origin:{seed}:{index}").randrange(len(FOREIGN_LOCALES))]
    return kind


def transcript_style(index: int, seed: int, style: str) -> str:
    if style == "mixed":
        return "asr" if random.Random(f"callcorpus-style:{seed}:{index}").random() < ASR_SHARE else "human"
    return style


def plan_call(index: int, seed: int, names: str = "faker", style: str = "mixed") -> CallPlan:
    rng = random.Random(f"callcorpus:{seed}:{index}")
    book: Book = book_for(seed)
    scenario = scenario_for(index, seed)
    topic = rng.choice(sorted(book.topics))
    info = book.topics[topic]
    company_name, product_name = rng.choice(info["companies"]), rng.choice(info["products"])
    company, product = V.name("company", company_name), V.name("product", product_name)
    consent = plan_consent(rng, book.consent)
    origin = caller_origin(index, seed) if names == "faker" else "nl"
    customer = new_person(rng, origin, names)
    agent = new_person(rng, "nl" if rng.random() < 0.85 or names != "faker" else rng.choice(FOREIGN_LOCALES), names)
    flemish = origin == "be"
    turns: list[Turn] = []
    title = "mevrouw" if customer.female else "meneer"
    ctx: dict = {"product": product, "bodies": info["bodies"], "book": book, "flemish": flemish, "title": title,
                 "names": names, "agent_first": lambda: pii.person_name(agent, rng, "first")}

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
        t.mark("notice", "notice", rng.choice(book.consent["notice_ivr"]), company=company, purposes=consent.purpose_text)
        turns.append(t)
        t.gap = 0.0
    greet = rng.choice(book.shared["greet_time"])
    agent_name = pii.person_name(agent, rng, "full" if rng.random() < 0.3 else "first")
    A(rng.choice(book.agent_open), greet=greet, agent=agent_name, company=company)
    if consent.notice_played and consent.notice_by_agent:
        turns[-1].mark("notice", "notice", rng.choice(book.consent["notice_agent"]), purposes=consent.purpose_text)
    issue = rng.choice(info["issues"])
    customer_greet = rng.choice(book.shared["flemish_greet_time"]) if flemish else greet
    introduce(rng, A, C, customer, ctx, customer_greet, issue)
    chatty = scenario != "unbalanced_conversation"  # that customer hardly gets a word in
    if rng.random() < 0.2 and chatty:
        third_party(rng, C, ctx, new_person(rng, origin, names))
    if consent.customer_objects:
        C("").mark("objection", "objection", rng.choice(book.consent["objections"]))
        A(rng.choice(book.consent["objection_reply"]))

    phase_turns = {"identification": len(turns)}
    # identification and contact details: types rotate over calls so a few calls cover all
    offset = random.Random(f"callcorpus-types:{seed}").randrange(len(OPTIONAL_TYPES))
    chosen = [(OPTIONAL_TYPES[(offset + j) % len(OPTIONAL_TYPES)], ("written", "spoken")[j % 2])
              for j in _type_slots(index)]
    order = {t: i for i, t in enumerate(["ACCOUNT_ID", "DATE_OF_BIRTH", "NL_POSTCODE", "LOCATION", "NL_BSN",
                                          "NL_LICENSE_PLATE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE"])}
    chosen.sort(key=lambda tf: order[tf[0]])
    verbose = scenario == "unbalanced_conversation"
    foreign = origin in FOREIGN_LOCALES
    spell = (index % 3 == 0 or rng.random() < (0.5 if foreign else 0.3)) and not verbose
    if spell:
        A(rng.choice(book.ask_spell))
        word = customer.surname if not customer.second_surname else customer.second_surname
        alphabet = len(word) <= 7 and rng.random() < 0.8  # long names: plain letters, or the call drags
        C(rng.choice(book.give_spell), spelled=pii.spelled(word, rng, alphabet, customer.source_list("surname")))
    for n, (etype, form) in enumerate(chosen):
        exchange(etype, form, rng, A, C, customer, topic, ctx, check=n != 1 and not verbose)
        if verbose:
            A(rng.choice(book.verbose_check))
        if n == 1:
            A(rng.choice(book.thank_name), title=title, surname=pii.person_name(customer, rng, "surname"))
            if consent.lookalike:
                C("").mark("lookalike", "lookalike", rng.choice(book.consent["lookalikes"]))
            if consent.special_category:
                C("").mark("special", "special_category", rng.choice(book.consent["health"]))
                A(rng.choice(book.after_health))
            if consent.minor:
                C("").mark("minor", "minor", rng.choice(book.consent["minor"]))
                A(rng.choice(book.after_minor))
    if rng.random() < 0.35 and chatty:
        C(rng.choice(book.name_like))

    phase_turns["handling"] = len(turns)
    traits = BODIES[scenario](rng, A, C, ctx)
    if rng.random() < 0.22 and scenario not in ("confused_elderly", "unbalanced_conversation"):
        hold = A(rng.choice(book.hold))
        hold.hold_after = rng.uniform(5.0, 10.0)
        traits.append("hold")
        A(rng.choice(book.after_hold))
    phase_turns["closing"] = len(turns)
    if rng.random() < 0.15 or (scenario == "escalation" and "asks_manager" in traits):
        A(rng.choice(book.transfer), department=rng.choice(info["department"]))
        traits.append("transfer")
    elif not ctx.get("skip_polite_close"):
        A(rng.choice(book.close_agent))
        if scenario == "routine" and rng.random() < 0.25:
            C(rng.choice(book.address_agent_friendly), agent=ctx["agent_first"]())
        C(rng.choice(book.flemish("close_customer") if flemish else book.close_customer))
        A(rng.choice(book.bye_agent))

    _hesitate(random.Random(f"callcorpus-fillers:{seed}:{index}"), turns, book, flemish)
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
        style=transcript_style(index, seed, style), turns=turns, voices=voices, traits=traits, consent=consent,
        agent_id=f"agent-{rng.randrange(1, 40):03d}", customer_ref=f"K{rng.randrange(10**6, 10**7)}",
        recorded_at=recorded, noise={"customer": ctx["noise"]} if ctx.get("noise") else {},
        low_confidence=bool(ctx.get("low_confidence")), gap=ctx.get("gap", (0.25, 0.8)),
        phrasing=book.part, caller_origin=origin, names=names, phase_turns=phase_turns,
    )


def _hesitate(rng: random.Random, turns: list[Turn], book: Book, flemish: bool) -> None:
    """Spoken fillers ('eh', 'uhm', 'nou'; 'allez' for Flemish callers): at the start of a turn or
    just before a personal detail is given, with a per-call density."""
    density = rng.choice([0.05, 0.12, 0.2, 0.3])
    for t in turns:
        if not t.toks or t.voice == "ivr":
            continue
        share = density * (1.0 if t.speaker == "customer" else 0.4)
        words = book.shared["flemish_fillers" if flemish and t.speaker == "customer" else "fillers"]
        # hesitating before giving a detail ("mijn postcode is eh ..."), not inside a name construction
        before_pii = [s.start for s in t.spans if s.kind == "pii" and s.start > 0 and t.speaker == "customer"
                      and t.toks[s.start - 1].text.lower().strip(",.") not in ("meneer", "mevrouw", "van", "met")
                      and not any(o.start < s.start <= o.end for o in t.spans)]
        if before_pii and rng.random() < share * 1.5:
            t.insert(rng.choice(before_pii), Tok(rng.choice(["eh", "ehm", "uhm"]), ""))
        if rng.random() < share and not any(s.start == 0 for s in t.spans):
            word = rng.choice(words)
            first = t.toks[0]
            if first.text[:1].isupper() and not first.text[:2].isupper():  # the sentence now starts with the filler
                first.text, first.say = first.text[0].lower() + first.text[1:], first.say[0].lower() + first.say[1:]
            t.insert(0, Tok(word[0].upper() + word[1:] + ",", ""))
    for t in turns:
        for tok in t.toks:
            if tok.say == "":
                tok.say = tok.text.lower()


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
