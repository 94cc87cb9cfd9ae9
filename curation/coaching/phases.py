"""The phases of a service or sales call, found in its transcript: greeting, identification, needs
analysis, solution or proposal, summary, closing. Each phase has its time span and the words that
placed it (evidence). Pure: works on a `Transcript`, reads no workspace.

How: the greeting is the opening exchange (up to the customer's first turn, and their name when the
agent asks for it); identification is the run of agent turns asking for details (customer number,
date of birth, postcode ...) with the answers and acknowledgements after the last one; the closing
starts at the agent's "anything else?" or goodbye in the last part of the call; between them the
needs analysis runs until the agent's first proposal ("ik kan", "u krijgt", "ik stuur"), a summary is
where the agent sums up ("als ik het goed begrijp"). A phase without cues is absent, not guessed.

Besides the words, the turn structure: a question that names no detail ("mag ik uw ...", "wat was
uw ...") counts as identification when the customer answers with one (digits, spoken numbers, spelled
letters, an e-mail address, a date), and so do words that are also said elsewhere ("bereikbaar",
"nummer"); an answer that runs on into the problem ends the identification; the customer's "hallo"
over the end of the opening is not their opening turn; a thank-you for waiting is not a closing; and
when the first closing turn found is the agent's goodbye after the customer said they need nothing
more, the closing starts at the agent turn before that answer.
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
ASK_NAME = _cues("uw naam", "met wie", "wie heb ik", "naam is", "wie spreek ik", "wie ik spreek", "wie ik aan de lijn",
                 "wie heb ik aan de lijn", "op welke naam", "onder welke naam", "hoe heet u", "hoe was uw naam",
                 "wat is uw naam", "uw volledige naam", "voor- en achternaam", "wie u bent", "spreek ik met")
SPELLING = _cues("spellen", "spelt", "gespeld", "letter voor letter", "spelling")
IDENTIFICATION = _cues("klantnummer", "ordernummer", "contractnummer", "polisnummer", "dossiernummer",
                       "geboortedatum", "geboren", "postcode", "huisnummer", "adres", "e-?mailadres", "mailadres",
                       "telefoonnummer", "mobiele nummer", "iban", "rekeningnummer", "bankrekening",
                       "burgerservicenummer", "bsn", "sofinummer", "kenteken", "nummerbord", "spellen", "spelt",
                       "gespeld", "achternaam", "voornaam", "voorletters", "uw naam", "ter controle",
                       "voor de controle", "verifi[eë]ren", "e-?mail",
                       "woont u", "woonplaats", "straat", "straatnaam", "relatienummer", "lidnummer",
                       "legitimeren", "identificeren",
                       # more ways Dutch agents ask for details
                       "geboortedag", "wanneer bent u geboren", "welke datum bent u geboren", "geboortejaar",
                       "waar woont u", "waar u woont", "woonadres", "huisadres", "postadres", "factuuradres",
                       "afleveradres", "06-?nummer", "terugbelnummer", "contactgegevens",
                       "ter verificatie", "verificatie", "identiteit", "op welke naam", "onder welke naam",
                       "accountnummer", "abonnementsnummer", "factuurnummer", "meternummer", "aansluitnummer",
                       "pasnummer", "zaaknummer", "registratienummer", "bankgegevens",
                       "tenaamstelling", "sofi-?nummer", "burgerservice", "nummerplaat", "nummer van")
# words that also occur outside the identification ("the app is reachable again", "I check your
# details"): identification only when the customer answers with a detail
WEAK_IDENTIFICATION = _cues("nummer", "bereikbaar", "bereiken", "gegevens", "controleren", "referentie", "mobiel",
                            "mobieltje")
# a question for a detail without naming it ("mag ik uw ...", "kunt u mij ... geven"): identification
# only when the customer answers with a detail (digits, number words, spelled letters, an e-mail)
ASK_DETAIL = _cues("mag ik uw", "mag ik even uw", "mag ik van u", "kunt u mij uw", "kunt u uw", "kun je je",
                   "wat is uw", "wat was uw", "wat is het", "wat is de", "wat was de", "welke code", "hoe luidt uw", "noemt u", "geeft u mij", "kunt u mij",
                   "heeft u .{0,12} voor mij", "heb ik .{0,12} van u", "welk nummer", "welke datum", "welk adres",
                   "ter controle", "voor de controle", "ter verificatie", "ter bevestiging", "doorgeven", "opgeven",
                   "noemen", "geven")
NUMBER_WORD = re.compile(r"^(?:nul|één|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|der|veer|"
                         r"twin|tach|tig|honderd|duizend|en|ën)+$", re.IGNORECASE)
MONTH = re.compile(r"\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b",
                   re.IGNORECASE)
NOT_A_DETAIL = _cues("euro", "procent", "keer", "uur", "minuten", "dagen", "weken", "maanden", "jaar geleden")
ACKNOWLEDGE = _cues("dank u", "dank je", "bedankt", "prima", "klopt", "ik zie", "ik heb het", "moment",
                    "momentje", "ogenblik", "ogenblikje", "genoteerd", "noteer", "heel goed", "oké", "ok", "top",
                    "helder", "ik kijk", "ik zoek", "in ons systeem", "ik heb", "uw gegevens", "gevonden",
                    "ik zie u staan", "perfect", "super", "mooi", "akkoord", "in orde", "goed zo", "fijn",
                    "uw dossier", "opgeschreven", "dat is goed", "even kijken", "even zoeken", "dat heb ik",
                    "helemaal goed", "keurig", "duidelijk", "ik heb u", "staat erin", "klopt helemaal",
                    # more acknowledgements and look-ups, and sympathy within the identification
                    "dank", "correct", "juist", "precies", "uitstekend", "komt overeen", "overeen",
                    "bevestigd", "gecontroleerd", "geverifieerd", "gelukt", "hebbes", "ik pak", "erbij", "opzoeken",
                    "zoek het", "kijk het", "even geduld", "een ogenblik", "één moment", "een moment", "sec",
                    "vastgelegd", "aangepast", "bijgewerkt", "staat genoteerd", "ik zie het", "gaat goed",
                    "wat vervelend", "vervelend om te horen", "sterkte", "beterschap", "dat spijt me", "wat naar")
TITLE = re.compile(r"\b(?:mevrouw|meneer|mevr|mijnheer|dhr|mw)\b", re.IGNORECASE)
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
                "dag mevrouw", "dag meneer", "tot de volgende keer", "daarmee bent u geholpen",
                # more ways to ask "anything else?", to say goodbye, and to transfer
                "nog ergens", "ergens anders", "iets anders", "nog wat", "nog meer", "voldoende geholpen",
                "goed geholpen", "bent u .{0,10}geholpen", "heb ik u .{0,20}geholpen", "kan ik nog", "kan ik verder",
                "heeft u alles", "was het dat", "was dat het", "dat was het", "prettige voortzetting", "fijne voortzetting",
                "goede avond", "goedendag nog", "dag en bedankt", "bedankt en", "tot later", "tot straks", "daag", "houdoe", "ik zet u door", "zet u door", "schakel u door", "doorschakelen",
                "doorgeschakeld", "geef u door", "verbinden met", "verbind u", "verbinden door", "overdragen")
# the agent asking whether there is anything else
ASK_MORE = _cues("verder nog", "nog iets", "nog vragen", "nog een vraag", "anders nog", "nog andere", "andere vragen",
                 "was dat alles", "is dat alles", "nog ergens", "ergens anders", "iets anders", "nog wat", "nog meer",
                 "voldoende geholpen", "goed geholpen", "bent u .{0,10}geholpen", "heb ik u .{0,20}geholpen",
                 "kan ik nog", "kan ik verder", "heeft u alles", "was het dat", "was dat het")
# a return from hold or a thank-you for patience is not a closing
HOLD_RETURN = _cues("wachten", "gewacht", "geduld", "in de wacht", "aan de lijn blijft", "ik ben er weer", "terug")
# the agent's goodbye (after the customer said they need nothing more), as against "anything else?"
FAREWELL = _cues("fijne dag", "prettige dag", "fijne avond", "fijne middag", "prettige avond", "prettige middag",
                 "goede dag", "fijn weekend", "tot ziens", "tot horens", "graag gedaan", "bedankt voor het bellen",
                 "dank u wel voor het bellen", "dank voor het bellen", "bedankt voor uw telefoontje", "dag hoor",
                 "doei", "daag", "tot later", "succes verder", "prettige voortzetting", "fijne voortzetting",
                 "wens ik u", "nog een fijne", "houdoe")
CUSTOMER_DONE = _cues("nee", "neen", "dat was het", "dat was alles", "dat is alles", "verder niet", "verder niks",
                      "verder niets", "niks meer", "niets meer", "bedankt", "dank u", "dank je", "merci", "dag",
                      "fijne dag", "prettige dag", "tot ziens", "geholpen")
CLOSING_FROM = 0.45  # the closing is looked for in the last part of the call only (share of its duration)
ID_CHAIN = 40.0  # seconds: identification questions further apart are a new topic, not identification
SHORT_TURN = 12  # words: the turns of a closing without closing words are short
FRAGMENT = 2  # words: a turn this short cut off by the other speaker is a fragment
LONG_ANSWER = 16  # words: a customer's answer to a detail question this long goes on about the problem
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


def _is_detail(text: str) -> bool:
    """A customer's answer that carries a personal detail: digits, spoken numbers, spelled letters,
    an e-mail address or a date (not an amount, a duration or a count)."""
    if NOT_A_DETAIL.search(text):
        return False
    words = [w.strip(".,;:!?\"'()").lower() for w in text.split()]
    digits = sum(c.isdigit() for c in text)
    numbers = sum(1 for w in words if len(w) >= 3 and w not in ("een", "één", "der") and NUMBER_WORD.match(w))
    letters = sum(1 for w in words if len(w) == 1 and w.isalpha())
    mail = "@" in text or re.search(r"\bapenstaartje\b|\bpunt\W+(?:nl|com|be|net|org)\b", text, re.IGNORECASE)
    return bool(digits >= 2 or numbers >= 2 or letters >= 3 or mail or (MONTH.search(text) and (digits or numbers)))


def _closing_cue(text: str) -> bool:
    """A closing word that is not a thank-you for waiting ("bedankt voor uw geduld")."""
    return any(not HOLD_RETURN.search(text[m.start():m.end() + 25]) for m in CLOSING.finditer(text))


def _asks_name(text: str) -> bool:
    return bool(ASK_NAME.search(text)) and not SPELLING.search(text)


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
    # a customer's "hallo" over the end of the agent's opening: their opening turn is the one after it
    if first_customer is not None and greet_end + 1 < n and len(text[first_customer].split()) <= FRAGMENT \
            and role[greet_end] == "agent" and len(text[greet_end].split()) <= FRAGMENT \
            and role[greet_end + 1] == "customer":
        greet_end += 2
    if greet_end + 1 < n and role[greet_end] == "agent" and _asks_name(text[greet_end]) \
            and len(text[greet_end].split()) <= 10 and role[greet_end + 1] == "customer" \
            and not _is_detail(text[greet_end + 1]):
        greet_end += 2

    # closing: the first agent closing cue in the last part of the call
    cues = [i for i in range(greet_end, n) if role[i] == "agent" and turns[i].start >= CLOSING_FROM * duration
            and _closing_cue(text[i])]
    close_at = next((i for i in cues if turns[i].start >= turns[cues[-1]].start - CLOSING_RUN), None) if cues else None
    if close_at is not None:
        close_at = _before_farewell(turns, role, text, close_at, greet_end, duration)
    if close_at is None:  # no closing words: the run of short turns that ends the call, from its first agent turn
        k = n
        while k - 1 > greet_end and len(text[k - 1].split()) <= SHORT_TURN:
            k -= 1
        first_agent = next((i for i in range(k, n) if role[i] == "agent"), None)
        if first_agent is not None and n - first_agent >= 2 and turns[first_agent].start >= CLOSING_FROM * duration:
            close_at = first_agent
    body_end = close_at if close_at is not None else n

    # identification: a chain of agent turns asking for details, with the answers and acknowledgements
    id_turns = [i for i in range(greet_end, body_end) if role[i] == "agent" and (
        IDENTIFICATION.search(text[i]) or ((ASK_DETAIL.search(text[i]) or WEAK_IDENTIFICATION.search(text[i]))
                                           and i + 1 < body_end and role[i + 1] == "customer"
                                           and _is_detail(text[i + 1])))]
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
                if i - 1 == id_last + 1 and len(words) > LONG_ANSWER and _is_detail(text[i - 1]):
                    return i  # the answer runs on into the problem: the agent's next turn replies to that
                continue
            return i  # the customer goes on about something else: the body
        if len(words) <= 3:
            i += 1
            continue
        if (ACKNOWLEDGE.search(text[i]) or (TITLE.search(text[i]) and len(words) <= 8)) and not SOLUTION.search(text[i]):
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


def _before_farewell(turns: list[Turn], role: list[str], text: list[str], at: int, first: int, duration: float) -> int:
    """When the first closing turn found is the agent's goodbye, the closing began one exchange
    earlier: at the agent turn the customer answered with "no, that was all, thanks"."""
    if not FAREWELL.search(text[at]) or ASK_MORE.search(text[at]):
        return at
    k, done = at - 1, False
    while k > first and role[k] == "customer" and len(text[k].split()) <= 15 and at - k <= 2:
        done = done or bool(CUSTOMER_DONE.search(text[k]))
        k -= 1
    if done and k > first and k < at - 1 and role[k] == "agent" and len(text[k].split()) <= 20 \
            and turns[k].start >= CLOSING_FROM * duration:
        return k
    return at


def phase_at(phases: list[Phase], time: float) -> str | None:
    for p in phases:
        if p.start <= time < p.end:
            return p.name
    return None
