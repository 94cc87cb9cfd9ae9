"""The phases of a service or sales call, found in its transcript: greeting, identification, needs
analysis, solution or proposal, summary, closing. Each phase has its time span and the words that
placed it (evidence). Pure: works on a `Transcript`, reads no workspace.

How: the greeting is the opening exchange (up to the customer's first turn, and their name when the
agent asks for it); identification is the run of agent turns asking for details (customer number,
date of birth, postcode ...) with the answers and acknowledgements after the last one; the closing
starts at the agent's "anything else?" or goodbye in the last part of the call; between them the
needs analysis runs until the agent's first proposal ("ik kan", "u krijgt", "ik stuur"), a summary is
where the agent sums up ("als ik het goed begrijp"). A phase without cues is absent, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from curation.difficulty.signal import Evidence
from curation.model import Transcript, Turn

PHASES = ("greeting", "identification", "needs", "solution", "summary", "closing")
LABELS = {"greeting": ("begroeting", "greeting"), "identification": ("identificatie", "identification"),
          "needs": ("behoefteanalyse", "needs analysis"), "solution": ("oplossing / voorstel", "solution / proposal"),
          "summary": ("samenvatting", "summary"), "closing": ("afsluiting", "closing")}


def _cues(*phrases: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(p.replace(" ", r"\W+") for p in phrases) + r")\b", re.IGNORECASE)


GREETING = _cues("goedemorgen", "goedemiddag", "goedenavond", "goedendag", "goeiedag", "u spreekt met",
                 "je spreekt met", "waarmee kan ik", "wat kan ik voor u", "waar kan ik u mee", "welkom bij", "hallo")
ASK_NAME = _cues("uw naam", "met wie", "wie heb ik", "naam is")
IDENTIFICATION = _cues("klantnummer", "ordernummer", "contractnummer", "polisnummer", "dossiernummer",
                       "geboortedatum", "geboren", "postcode", "huisnummer", "adres", "e-?mailadres", "mailadres",
                       "telefoonnummer", "mobiele nummer", "nummer", "iban", "rekeningnummer", "bankrekening",
                       "burgerservicenummer", "bsn", "sofinummer", "kenteken", "nummerbord", "spellen", "spelt",
                       "gespeld", "achternaam", "voornaam", "voorletters", "uw naam", "ter controle",
                       "voor de controle", "controleren", "verifi[eë]ren", "gegevens", "e-?mail",
                       "woont u", "woonplaats", "straat", "straatnaam", "bereikbaar", "relatienummer", "lidnummer",
                       "referentie", "legitimeren", "identificeren")
ACKNOWLEDGE = _cues("dank u", "dank je", "bedankt", "prima", "klopt", "ik zie", "ik heb het", "moment",
                    "momentje", "ogenblik", "ogenblikje", "genoteerd", "noteer", "heel goed", "oké", "ok", "top",
                    "helder", "ik kijk", "ik zoek", "in ons systeem", "ik heb", "uw gegevens", "gevonden",
                    "ik zie u staan", "perfect", "super", "mooi", "akkoord", "in orde", "goed zo", "fijn",
                    "uw dossier", "opgeschreven", "dat is goed", "even kijken", "even zoeken", "dat heb ik",
                    "helemaal goed", "keurig", "duidelijk", "ik heb u", "staat erin", "klopt helemaal")
SOLUTION = _cues("ik kan", "ik ga", "ik zal", "ik zet", "ik stuur", "ik regel", "ik pas", "ik zorg", "ik maak",
                 "wat ik kan doen", "ik stel voor", "mijn voorstel", "wij sturen", "we sturen", "u krijgt",
                 "u ontvangt", "staat binnen", "storten", "wordt aangepast", "is aangepast", "heb ik aangepast",
                 "kunnen we", "kan ik u", "wij kunnen", "we kunnen", "de oplossing", "wat we doen", "ik boek",
                 "de monteur", "ik zie dat", "uw .{0,20} gaat", "dat is", "dat betekent", "dat komt", "dat klopt")
SUMMARY = _cues("als ik het goed begrijp", "als ik u goed begrijp", "begrijp ik goed", "samengevat",
                "even samenvatten", "samenvattend", "dus u bedoelt", "u bedoelt dus", "heb ik dat goed",
                "dus als ik", "kort samengevat", "even op een rij")
CLOSING = _cues("verder nog", "nog iets", "nog vragen", "nog een vraag", "anders nog", "nog andere", "andere vragen",
                "was dat alles", "is dat alles", "fijne dag", "prettige dag", "fijne avond", "fijne middag",
                "prettige avond", "prettige middag", "goede dag", "fijn weekend", "tot ziens", "tot horens",
                "wens ik u", "bedankt voor het bellen", "dank u wel voor het bellen", "bedankt voor uw",
                "dank voor uw", "telefoontje", "doorverbinden", "verbind u door", "verbind ik u door", "ik verbind",
                "doorverbonden", "doorzetten", "overzetten", "nog een fijne", "dag hoor", "doei", "succes verder",
                "dag mevrouw", "dag meneer", "tot de volgende keer", "daarmee bent u geholpen")
CLOSING_FROM = 0.45  # the closing is looked for in the last part of the call only (share of its duration)
ID_CHAIN = 40.0  # seconds: identification questions further apart are a new topic, not identification
SHORT_TURN = 12  # words: the turns of a closing without closing words are short
CLOSING_RUN = 20.0  # seconds: closing cues this close before the last one belong to the same closing


@dataclass(frozen=True)
class Phase:
    name: str
    start: float
    end: float
    evidence: tuple[Evidence, ...] = ()

    def label(self, language: str = "nl") -> str:
        return LABELS[self.name][0 if language == "nl" else 1]


def _text(t: Transcript, turn: Turn) -> str:
    return t.turn_text(turn)


def _evidence(t: Transcript, turn: Turn, limit: int = 14) -> Evidence:
    words = t.words[turn.first:turn.last]
    quote = " ".join(w.text for w in words[:limit]) + (" …" if len(words) > limit else "")
    return Evidence(quote, t.role_of(turn.speaker), round(turn.start, 2), round(turn.end, 2))


def detect_phases(transcript: Transcript) -> list[Phase]:
    """The phases found, in call order (absent phases left out); spans do not overlap."""
    t = transcript
    turns = list(t.turns)
    if not turns:
        return []
    role = [t.role_of(x.speaker) for x in turns]
    text = [_text(t, x) for x in turns]
    duration = t.duration
    n = len(turns)

    # greeting: the opening exchange, to the end of the customer's first turn (and their name when asked)
    first_customer = next((i for i in range(n) if role[i] == "customer"), None)
    greet_end = (first_customer + 1) if first_customer is not None else 1
    if greet_end + 1 < n and role[greet_end] == "agent" and ASK_NAME.search(text[greet_end]) \
            and len(text[greet_end].split()) <= 10 and role[greet_end + 1] == "customer":
        greet_end += 2

    # closing: the first agent closing cue in the last part of the call
    cues = [i for i in range(greet_end, n) if role[i] == "agent" and turns[i].start >= CLOSING_FROM * duration
            and CLOSING.search(text[i])]
    close_at = next((i for i in cues if turns[i].start >= turns[cues[-1]].start - CLOSING_RUN), None) if cues else None
    if close_at is None:  # no closing words: the run of short turns that ends the call, from its first agent turn
        k = n
        while k - 1 > greet_end and len(text[k - 1].split()) <= SHORT_TURN:
            k -= 1
        first_agent = next((i for i in range(k, n) if role[i] == "agent"), None)
        if first_agent is not None and n - first_agent >= 2 and turns[first_agent].start >= CLOSING_FROM * duration:
            close_at = first_agent
    body_end = close_at if close_at is not None else n

    # identification: a chain of agent turns asking for details, with the answers and acknowledgements
    id_turns = [i for i in range(greet_end, body_end) if role[i] == "agent" and IDENTIFICATION.search(text[i])]
    id_first = id_last = None
    if id_turns and turns[id_turns[0]].start - turns[greet_end].start <= ID_CHAIN:
        id_first = id_last = id_turns[0]
        for i in id_turns[1:]:
            if turns[i].start - turns[id_last].start > ID_CHAIN:
                break
            id_last = i
    body_start, body_time = greet_end, None
    if id_last is not None:
        found_start = _after_identification(t, turns, role, text, id_last, body_end)
        body_start, body_time = found_start if isinstance(found_start, tuple) else (found_start, None)

    def span(a: int, b: int, name: str, ev: list[int]) -> Phase | None:
        if a >= b:
            return None
        end = turns[b].start if b < n else max(turns[b - 1].end, duration)
        return Phase(name, round(turns[a].start, 2), round(end, 2), tuple(_evidence(t, turns[i]) for i in ev[:3]))

    phases: list[Phase | None] = []
    greet_ev = [i for i in range(greet_end) if GREETING.search(text[i])] or [0]
    phases.append(span(0, greet_end, "greeting", greet_ev))
    if id_first is not None:
        phases.append(span(greet_end, body_start, "identification", [i for i in id_turns if i <= id_last]))
    # the body: needs analysis until the first proposal, a summary where the agent sums up, then the solution
    agent_body = [i for i in range(body_start, body_end) if role[i] == "agent"]
    summary = [i for i in agent_body if SUMMARY.search(text[i])]
    solution = next((i for i in agent_body if SOLUTION.search(text[i]) and i not in summary), None)
    needs_end = min([i for i in (solution, summary[0] if summary else None) if i is not None], default=body_end)
    phases.append(span(body_start, needs_end, "needs", [i for i in range(body_start, needs_end) if role[i] == "agent"]))
    if summary:
        s_end = next((i for i in range(summary[-1] + 1, body_end) if role[i] == "agent"), body_end)
        if summary[0] >= needs_end:
            phases.append(span(summary[0], s_end, "summary", summary))
        if solution is not None and solution >= s_end:
            phases.append(span(s_end, body_end, "solution", [solution]))
        elif solution is not None and solution < summary[0]:
            phases.append(span(solution, summary[0], "solution", [solution]))
    elif solution is not None:
        phases.append(span(solution, body_end, "solution", [solution]))
    if close_at is not None:
        phases.append(span(close_at, n, "closing", [close_at]))
    found = sorted((p for p in phases if p is not None), key=lambda p: p.start)
    if body_time is not None:  # the acknowledgement and the body share one turn: the body starts inside it
        found = [replace(p, end=body_time) if p.name == "identification" else
                 replace(p, start=body_time) if p.name != "greeting" and p.start == round(turns[body_start].start, 2)
                 else p for p in found]
    return found


def _after_identification(t: Transcript, turns: list[Turn], role: list[str], text: list[str], id_last: int,
                          body_end: int):
    """The first turn of the body after the last identification question: past the customer's
    answer (and its fragments) and the agent's acknowledgements. When the agent acknowledges and
    goes on in one turn, (turn, time the body starts inside it)."""
    i = id_last + 1
    while i < body_end:
        words = text[i].split()
        if role[i] != "agent":
            if i == id_last + 1 or len(words) <= 3 or (role[i - 1] == "agent" and len(text[i - 1].split()) <= 3):
                i += 1  # the answer, or a fragment of it around the agent's back-channel
                continue
            return i  # the customer goes on about something else: the body
        if len(words) <= 3:
            i += 1
            continue
        if ACKNOWLEDGE.search(text[i]) and not SOLUTION.search(text[i]):
            if len(words) <= 12:
                i += 1
                continue
            head = " ".join(words[:8])
            ends = [m.end() for m in ACKNOWLEDGE.finditer(head)]
            if ends:
                k = len(head[:ends[-1]].split())
                if k < len(words):
                    return i, round(t.words[turns[i].first + k].start, 2)
        return i
    return i


def phase_at(phases: list[Phase], time: float) -> str | None:
    for p in phases:
        if p.start <= time < p.end:
            return p.name
    return None
