"""Scenario bodies: the middle of a call that makes it routine or difficult.

Each body appends turns to the call and returns the difficulty traits it realised.
Evidence stretches (the complaint, the swearing, the two amounts) are marked as spans
so evaluations can check that a detector points at the right words."""

from __future__ import annotations

import random
from typing import Callable

from . import phrases as P
from .script import Turn
from .values import clock, count, day, price

SCENARIOS = ["routine", "escalation", "polite_then_abusive", "confused_elderly", "price_misunderstanding",
             "hard_to_understand", "unbalanced_conversation"]
DIFFICULT = SCENARIOS[1:]
CATEGORIES = {
    "routine": [], "escalation": ["escalation"], "polite_then_abusive": ["abusive"],
    "confused_elderly": ["confused_caller"], "price_misunderstanding": ["misunderstanding"],
    "hard_to_understand": ["hard_to_understand"], "unbalanced_conversation": ["unbalanced_conversation"],
}

COMPLAINTS = ["Ik bel nu al voor de {n} keer hierover.", "Dit is echt onacceptabel.", "Ik word hier zo moe van.",
              "Niemand belt me ooit terug.", "Elke keer krijg ik een ander verhaal te horen."]
ESCALATIONS = {
    "complaint": ["Ik wil een officiële klacht indienen.", "Ik dien hier een klacht over in.", "Dit wordt een formele klacht."],
    "cancellation_threat": ["Als dit zo doorgaat zeg ik mijn contract op.", "Dan ga ik opzeggen, klaar.",
                            "Ik wil mijn abonnement opzeggen."],
    "ombudsman": ["Ik stap naar de ombudsman.", "Ik ga dit melden bij de ombudsman."],
    "lawyer": ["Mijn advocaat gaat hier ook naar kijken.", "Dan schakel ik een advocaat in."],
    "asks_manager": ["Ik wil uw leidinggevende spreken.", "Geef me uw leidinggevende maar.", "Mag ik uw manager spreken?"],
}
DEESCALATE = ["Ik begrijp dat dit heel vervelend is.", "Ik snap uw frustratie, echt.", "Dat had inderdaad anders gemoeten.",
              "Ik ga ervoor zorgen dat dit vandaag wordt opgepakt."]
POLITE = ["Dank u wel, heel vriendelijk.", "Geen probleem hoor, ik wacht wel even.", "Wat fijn dat u zo meedenkt.",
          "Oké, dat begrijp ik.", "Prima, dank u."]
MILD = ["Verdorie, dit is toch belachelijk.", "Wat een onzin, zeg.", "Dit is gewoon belachelijk, potverdorie.",
        "Jeetje, wat een gedoe allemaal."]
SEVERE = ["Stelletje oplichters zijn jullie.", "Wat een kutbedrijf, godverdomme.", "Jij bent echt een klootzak.",
          "Rot toch op met je regels, idioot."]
CLARIFY = ["Wat zegt u?", "Kunt u dat herhalen?", "Sorry, ik versta u niet zo goed.", "Wat bedoelt u daarmee?",
           "Hoe zegt u?", "Nog een keer alstublieft, langzaam."]
CONFUSED = ["Bent u van de televisie?", "Moet ik nu iets op de computer doen? Ik heb geen computer.",
            "Mijn man deed dit altijd, weet u.", "Welke dag is het vandaag eigenlijk?",
            "Ik heb hier een brief, maar ik kan mijn bril niet vinden."]
FILLERS = ["ja nee", "zeg maar", "weet je wel", "eh", "nou ja", "gewoon"]
AGENT_LONG = [
    "Dan leg ik het even uitgebreid uit, want het zit een beetje ingewikkeld in elkaar.",
    "Uw contract is namelijk vorig jaar omgezet naar het nieuwe tarief, en daarbij is ook de korting vervallen.",
    "Dat betekent dat u vanaf deze maand een ander bedrag betaalt, maar dat wordt bij de jaarafrekening weer verrekend.",
    "Ik zie ook dat er nog een oude regeling op uw account staat, die zet ik meteen voor u stop.",
    "Verder raad ik u aan om de app te downloaden, daar kunt u alles zelf terugvinden.",
    "Mocht u later nog vragen hebben, dan kunt u ons gewoon weer bellen of een bericht sturen via de website.",
    "Ik stuur u ook een overzicht per post, zodat u het rustig kunt nalezen.",
    "Het is een bekend probleem en onze technische collega's zijn er al mee bezig.",
]
SHORT = ["Ja.", "Hm hm.", "Oké.", "Ja ja.", "Goed.", "Aha."]

Add = Callable[..., Turn]


def body_lines(rng: random.Random, ctx: dict, n: int) -> list[tuple[str, str]]:
    """n exchanges about the call's topic (or general ones), without repeats."""
    pool = ctx["bodies"] + P.ROUTINE_BODY[:2] if rng.random() < 0.2 else ctx["bodies"]
    return rng.sample(pool, n)


def routine(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    for agent_line, customer_line in body_lines(rng, ctx, rng.choice([1, 2])):
        A(agent_line, price=price(rng), date=day(rng), time=clock(rng, 9), time2=clock(rng, 13),
          count=count(rng), product=ctx["product"])
        C(customer_line)
    return []


def escalation(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    traits = ["rising_anger"]
    C("Ja, en ik ben het eerlijk gezegd behoorlijk zat.")
    A(rng.choice(DEESCALATE))
    kinds = rng.sample(list(ESCALATIONS), 3)
    complaints = rng.sample(COMPLAINTS, 3)
    for step, kind in enumerate(kinds):
        t = C(complaints[step].replace("{n}", rng.choice(["derde", "vierde", "vijfde", "zoveelste"])))
        t.rate_factor, t.pitch_delta, t.volume = 1.0 + 0.08 * (step + 1), 8 * (step + 1), 100 + 30 * (step + 1)
        t.mark("evidence", kind, rng.choice(ESCALATIONS[kind]))
        traits.append(kind)
        a = A(rng.choice(DEESCALATE))
        if step < 2 and rng.random() < 0.6:
            a.overlap_next = True
    return traits


def polite_then_abusive(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    for line, (agent_line, _) in zip(rng.sample(POLITE, 2), body_lines(rng, ctx, 2)):
        A(agent_line, price=price(rng), date=day(rng), time=clock(rng, 9), time2=clock(rng, 13),
          count=count(rng), product=ctx["product"])
        C(line)
    A("Helaas kan ik dat bedrag niet terugstorten, dat valt buiten de voorwaarden.")
    severe = rng.random() < 0.6
    t = C("Wat?")
    t.mark("evidence", "profanity_mild", rng.choice(MILD))
    t.pitch_delta, t.volume = 15, 140
    traits = ["profanity_mild", "abuse_at_end"]
    A("Ik begrijp dat u boos bent, maar ik wil u vragen rustig te blijven.")
    if severe:
        t = C("")
        t.mark("evidence", "profanity_severe", rng.choice(SEVERE))
        t.pitch_delta, t.rate_factor, t.volume = 20, 1.15, 180
        traits.append("profanity_severe")
        A("Als u zo tegen mij blijft praten, ga ik het gesprek beëindigen.")
    ctx["skip_polite_close"] = True
    return traits


def confused_elderly(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    ctx["customer_rate"] = 0.8
    ctx["gap"] = (0.6, 1.5)
    question = rng.choice(["Wanneer komt die monteur nou?", "Hoeveel moet ik nu betalen?", "Moet ik zelf iets opsturen?"])
    C(question)
    A(body_lines(rng, ctx, 1)[0][0], price=price(rng), date=day(rng), time=clock(rng, 9), time2=clock(rng, 13),
      count=count(rng), product=ctx["product"])
    C("").mark("evidence", "clarification_request", rng.choice(CLARIFY))
    A("Ik zeg het nog een keer, rustig aan.")
    C(rng.choice(CONFUSED))
    A(f"Nee {ctx['title']}, dat hoeft niet. U hoeft helemaal niets te doen.")
    C("").mark("evidence", "clarification_request", rng.choice(CLARIFY))
    A("Ik zei: u hoeft niets te doen.")
    C("").mark("evidence", "repeated_question", question)
    A("Dat heb ik u net verteld, maar ik herhaal het graag.")
    return ["clarification_requests", "repeated_question", "slow_speech"]


def price_misunderstanding(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    if rng.random() < 0.65:
        said = rng.choice([100, 45, 60, 75, 120, 150])
        heard = said + rng.choice([10, 15, 20, 5])
        A("Het nieuwe bedrag wordt dan {amount} per maand.", amount=price(rng, said, kind="evidence", label="amount_agent"))
        C("Oké, dus {amount}, dat is prima.", amount=price(rng, heard, kind="evidence", label="amount_customer"))
        A("Dan zet ik het zo voor u klaar.")
        C("En die {amount} gaat dan elke maand automatisch eraf?", amount=price(rng, heard, kind="evidence", label="amount_customer"))
        A("Ja, dat klopt, automatisch.")
        return ["amount_contradiction"]
    d, m = rng.randint(2, 25), rng.randint(1, 12)
    A("De monteur komt op {date}.", date=day(rng, d, m, kind="evidence", label="date_agent"))
    C("Dus op {date}, prima, dan neem ik vrij.", date=day(rng, d + 2, m, kind="evidence", label="date_customer"))
    A("Ja, dan staat het ingepland.")
    return ["date_contradiction"]


def hard_to_understand(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    ctx["customer_rate"] = 1.45
    ctx["noise"] = 0.006
    ctx["low_confidence"] = True
    C(f"Ja {rng.choice(FILLERS)} het ding doet het gewoon niet meer {rng.choice(FILLERS)} en ik heb alles al geprobeerd.")
    A("").mark("evidence", "agent_clarification", rng.choice(["Sorry, ik verstond u niet goed.", "Kunt u dat nog een keer zeggen?",
                                                              "De verbinding is wat slecht, wat zei u?"]))
    C(f"Het ding {rng.choice(FILLERS)} het werkt niet, ik heb hem al {{n}} keer opnieuw opgestart.", n=count(rng))
    A("Dank u, nu begrijp ik het. Ik ga het voor u controleren.")
    return ["fast_speech", "low_confidence", "noise"]


def unbalanced_conversation(rng: random.Random, A: Add, C: Add, ctx: dict) -> list[str]:
    lines = rng.sample(AGENT_LONG, 4)
    for k in range(2):
        A(" ".join(lines[2 * k:2 * k + 2]))
        C(rng.choice(SHORT))
    return ["agent_dominates"]


BODIES = {name: globals()[name] for name in SCENARIOS}


def scenario_for(index: int, seed: int) -> str:
    """Half the calls routine, the rest cycling through the difficult scenarios in a seed-shuffled order."""
    if index % 2 == 0:
        return "routine"
    order = list(DIFFICULT)
    random.Random(f"callcorpus-scenarios:{seed}").shuffle(order)
    return order[(index // 2) % len(order)]

