"""Scenario bodies: the middle of a call that makes it routine or difficult.

Each body appends turns to the call and returns the difficulty traits it realised. Evidence
stretches (the complaint, the swearing, the two amounts) are marked as spans so evaluations can
check that a detector points at the right words. The wording comes from the call's phrasebook
part (`ctx["book"]`), with the Flemish variant of customer lines when the caller is Flemish."""

from __future__ import annotations

import random
from typing import Callable

from .script import Turn
from .values import body_slots, day, price

SCENARIOS = ["routine", "escalation", "polite_then_abusive", "confused_elderly", "price_misunderstanding",
             "hard_to_understand", "unbalanced_conversation"]
DIFFICULT = SCENARIOS[1:]
CATEGORIES = {
    "routine": [], "escalation": ["escalation"], "polite_then_abusive": ["abusive"],
    "confused_elderly": ["confused_caller"], "price_misunderstanding": ["misunderstanding"],
    "hard_to_understand": ["hard_to_understand"], "unbalanced_conversation": ["unbalanced_conversation"],
}

Add = Callable[..., Turn]


def said(ctx: dict, name: str) -> list:
    """A customer list: the Flemish variant for a Flemish caller when the part has one."""
    book = ctx["book"]
    return book.flemish(name) if ctx.get("flemish") else getattr(book, name)


def body_lines(rng: random.Random, ctx: dict, n: int) -> list[tuple[str, str]]:
    """n exchanges about the call's topic (or general ones), without repeats."""
    topical = list(ctx["bodies"])
    pool = topical + list(ctx["book"].routine_body) if rng.random() < 0.3 else topical
    return rng.sample(pool, n)


def routine(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    for agent_line, customer_line in body_lines(rng, ctx, rng.choice([1, 2, 2])):
        A(agent_line, **body_slots(rng, ctx["product"]))
        C(customer_line)
    return []


def escalation(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    book = ctx["book"]
    traits = ["rising_anger"]
    C(rng.choice(book.escalation_open))
    A(rng.choice(book.deescalate))
    kinds = rng.sample(sorted(book.escalations), 3)
    complaints = rng.sample(said(ctx, "complaints"), 3)
    shared = book.shared
    for step, kind in enumerate(kinds):
        t = C(complaints[step], n=rng.choice(shared["ordinals"]))
        t.rate_factor, t.pitch_delta, t.volume = 1.0 + 0.08 * (step + 1), 8 * (step + 1), 100 + 30 * (step + 1)
        t.mark("evidence", kind, rng.choice(book.escalations[kind]))
        traits.append(kind)
        a = A(rng.choice(book.deescalate))
        if step < 2 and rng.random() < 0.6:
            a.overlap_next = True
    if ctx.get("agent_first") and rng.random() < 0.5:
        C(rng.choice(book.address_agent_annoyed), agent=ctx["agent_first"]())
        A(rng.choice(book.deescalate))
    return traits


def polite_then_abusive(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    book = ctx["book"]
    for line, (agent_line, _) in zip(rng.sample(said(ctx, "polite"), 2), body_lines(rng, ctx, 2)):
        A(agent_line, **body_slots(rng, ctx["product"]))
        C(line)
    A(rng.choice(book.refuse))
    severe = rng.random() < 0.6
    t = C(rng.choice(book.surprised))
    t.mark("evidence", "profanity_mild", rng.choice(said(ctx, "mild")))
    t.pitch_delta, t.volume = 15, 140
    traits = ["profanity_mild", "abuse_at_end"]
    A(rng.choice(book.calm_down))
    if severe:
        t = C("")
        t.mark("evidence", "profanity_severe", rng.choice(book.severe))
        t.pitch_delta, t.rate_factor, t.volume = 20, 1.15, 180
        traits.append("profanity_severe")
        A(rng.choice(book.end_warning))
    ctx["skip_polite_close"] = True
    return traits


def confused_elderly(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    book = ctx["book"]
    ctx["customer_rate"] = 0.8
    ctx["gap"] = (0.6, 1.5)
    question = rng.choice(book.confused_question)
    C(question)
    A(body_lines(rng, ctx, 1)[0][0], **body_slots(rng, ctx["product"]))
    C("").mark("evidence", "clarification_request", rng.choice(book.clarify))
    A(rng.choice(book.repeat_slowly))
    C(rng.choice(book.confused))
    A(rng.choice(book.no_need), title=ctx["title"])
    C("").mark("evidence", "clarification_request", rng.choice(book.clarify))
    A(rng.choice(book.i_said))
    C("").mark("evidence", "repeated_question", question)
    A(rng.choice(book.told_you))
    return ["clarification_requests", "repeated_question", "slow_speech"]


def price_misunderstanding(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    book = ctx["book"]
    if rng.random() < 0.65:
        agreed = rng.choice([100, 45, 60, 75, 120, 150])
        heard = agreed + rng.choice([10, 15, 20, 5])
        A(rng.choice(book.amount_new), amount=price(rng, agreed, kind="evidence", label="amount_agent"))
        C(rng.choice(book.amount_heard), amount=price(rng, heard, kind="evidence", label="amount_customer"))
        A(rng.choice(book.amount_confirm))
        C(rng.choice(book.amount_again), amount=price(rng, heard, kind="evidence", label="amount_customer"))
        A(rng.choice(book.amount_yes))
        return ["amount_contradiction"]
    d, m = rng.randint(2, 25), rng.randint(1, 12)
    A(rng.choice(book.date_agent), date=day(rng, d, m, kind="evidence", label="date_agent"))
    C(rng.choice(book.date_heard), date=day(rng, d + 2, m, kind="evidence", label="date_customer"))
    A(rng.choice(book.date_yes))
    return ["date_contradiction"]


def hard_to_understand(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    from .values import count

    book = ctx["book"]
    ctx["customer_rate"] = 1.45
    ctx["noise"] = 0.006
    ctx["low_confidence"] = True
    f = book.hard_fillers
    C(rng.choice(book.hard_open), f1=rng.choice(f), f2=rng.choice(f))
    A("").mark("evidence", "agent_clarification", rng.choice(book.agent_clarification))
    C(rng.choice(book.hard_repeat), f1=rng.choice(f), n=count(rng))
    A(rng.choice(book.hard_understood))
    return ["fast_speech", "low_confidence", "noise"]


def unbalanced_conversation(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    book = ctx["book"]
    lines = rng.sample(book.agent_long, 4)
    for k in range(2):
        t = A(lines[2 * k])
        t.fill(lines[2 * k + 1])
        C(rng.choice(said(ctx, "short")))
    return ["agent_dominates"]


BODIES = {name: globals()[name] for name in SCENARIOS}


def scenario_for(index: int, seed: int) -> str:
    """Half the calls routine, the rest cycling through the difficult scenarios in a seed-shuffled order."""
    if index % 2 == 0:
        return "routine"
    order = list(DIFFICULT)
    random.Random(f"callcorpus-scenarios:{seed}").shuffle(order)
    return order[(index // 2) % len(order)]
