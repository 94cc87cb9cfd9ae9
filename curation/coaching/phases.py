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

Boundaries also fall inside a turn, at a sentence start (sentence punctuation, or in a transcript
without punctuation a pause between the words): when the agent acknowledges the last detail and goes
on with the body in one turn ("Prima, dat noteer ik, ... | Ik zie dat ..."), and when the closing words
come after the last of the body in one turn. An offer of later contact or of a transfer under a
condition ("mocht u later nog vragen hebben, ...", "als het morgen niet werkt, kan ik u doorverbinden")
is not the closing when an "anything else?" or a transfer follows.
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
# said only to open an acknowledgement ("Goed, dan heb ik alles", "Begrepen, ..."): elsewhere too common
ACK_OPENER = _cues(r"goed(?!\W+nieuws)", "begrepen", "netjes", "ideaal", "prachtig", "kijk eens aan", "dankjewel", "dankuwel",
                   "daar heb ik u", "daar staat u", "daar bent u", "oké dan", "okido")
TITLE = re.compile(r"\b(?:mevrouw|meneer|mevr|mijnheer|dhr|mw)\b", re.IGNORECASE)
SOLUTION = _cues("ik kan", "ik ga", "ik zal", "ik zet", "ik stuur", "ik regel", "ik pas", "ik zorg", "ik maak",
                 "wat ik kan doen", "ik stel voor", "mijn voorstel", "wij sturen", "we sturen", "u krijgt",
                 "u ontvangt", "staat binnen", "storten", "wordt aangepast", "is aangepast", "heb ik aangepast",
                 "kunnen we", "kan ik u", "wij kunnen", "we kunnen", "de oplossing", "wat we doen", "ik boek",
                 "de monteur", "ik zie dat", "uw .{0,20} gaat", "dat is", "dat betekent", "dat komt", "dat klopt")
SUMMARY = _cues("als ik het goed begrijp", "als ik u goed begrijp", "begrijp ik goed", "samengevat",
                "even samenvatten", "samenvattend", "dus u bedoelt", "u bedoelt dus", "heb ik dat goed",
                "dus als ik", "kort samengevat", "even op een rij")
# the agent asking whether there is anything else
ASK_MORE_PHRASES = ("verder nog", "nog iets", "nog vragen", "nog een vraag", "anders nog", "nog andere",
                    "andere vragen", "was dat alles", "is dat alles", "nog ergens", "ergens anders", "iets anders",
                    "nog wat", "nog meer", "voldoende geholpen", "goed geholpen", "bent u .{0,10}geholpen",
                    "heb ik u .{0,20}geholpen", "kan ik nog", "kan ik verder", "heeft u alles", "was het dat",
                    "was dat het")
# the agent's goodbye (after the customer said they need nothing more), as against "anything else?"
FAREWELL_PHRASES = ("fijne dag", "prettige dag", "fijne avond", "fijne middag", "prettige avond", "prettige middag",
                    "goede dag", "fijn weekend", "tot ziens", "tot horens", "graag gedaan", "bedankt voor het bellen",
                    "dank u wel voor het bellen", "dank voor het bellen", "bedankt voor uw telefoontje", "dag hoor",
                    "doei", "daag", "tot later", "succes verder", "prettige voortzetting", "fijne voortzetting",
                    "wens ik u", "nog een fijne", "houdoe",
                    # more goodbyes and thanks for calling, also Flemish
                    "voor het bellen", "dat u belde", "dat u gebeld heeft", "schone dag", "tot weerziens", "dag dag",
                    "nog een goede")
# handing the caller on to another department or colleague (also inverted: "daarvoor verbind ik u door")
TRANSFER_PHRASES = ("doorverbinden", "verbind u door", "verbind ik u door", "ik verbind", "doorverbonden",
                    "doorzetten", "overzetten", "ik zet u door", "zet u door", "schakel u door", "doorschakelen",
                    "doorgeschakeld", "geef u door", "verbinden met", "verbind u", "verbinden door", "overdragen",
                    # inverted or with words between ("daarvoor verbind ik u even door"), and ASR slips around them
                    r"(?:verbind|schakel)\w{0,2}(?:\W+\w+){0,2}?\W+(?:u|hu|je|jou)(?:\W+\w+){0,2}?\W+door",
                    r"door\W+(?:te\W+)?(?:verbinden|schakelen)", r"doorverbind\w*",
                    "zet u over", "stuur u door", "breng u in contact", "neemt het van mij over")
CLOSING = _cues(*ASK_MORE_PHRASES, *(p for p in FAREWELL_PHRASES if p != "graag gedaan"), *TRANSFER_PHRASES,
                "bedankt voor uw", "dank voor uw", "telefoontje", "dag mevrouw", "dag meneer", "tot de volgende keer",
                "daarmee bent u geholpen", "goede avond", "goedendag nog", "dag en bedankt", "bedankt en",
                "tot straks", "dat was het")
ASK_MORE = _cues(*ASK_MORE_PHRASES)
FAREWELL = _cues(*FAREWELL_PHRASES)
TRANSFER = _cues(*TRANSFER_PHRASES)
# a closing word inside a condition offers later contact ("mocht u later nog vragen hebben, belt u gerust",
# "als het morgen niet werkt, kan ik u doorverbinden"): said in the body too, so a closing only when no
# "anything else?" or transfer follows
CONDITION = re.compile(r"\b(?:mocht|mochten|als|indien|wanneer|zodra)\b(?:\W+\w+){0,8}\W*$", re.IGNORECASE)
# a return from hold or a thank-you for patience is not a closing
HOLD_RETURN = _cues("wachten", "gewacht", "geduld", "in de wacht", "aan de lijn blijft", "ik ben er weer", "terug")
CUSTOMER_DONE = _cues("nee", "neen", "dat was het", "dat was alles", "dat is alles", "verder niet", "verder niks",
                      "verder niets", "niks meer", "niets meer", "bedankt", "dank u", "dank je", "merci", "dag",
                      "fijne dag", "prettige dag", "tot ziens", "geholpen")
CLOSING_FROM = 0.45  # the closing is looked for in the last part of the call only (share of its duration)
ID_CHAIN = 40.0  # seconds: identification questions further apart are a new topic, not identification
SHORT_TURN = 12  # words: the turns of a closing without closing words are short
FRAGMENT = 2  # words: a turn this short cut off by the other speaker is a fragment
LONG_ACK = 12  # words: an acknowledgement on its own ("Dank u, dat heb ik genoteerd.") is no longer
LONG_ANSWER = 16  # words: a customer's answer to a detail question this long goes on about the problem
CLOSING_RUN = 20.0  # seconds: closing cues this close before the last one belong to the same closing
# a proposal in the agent's first sentence: it is the body, not an acknowledgement of the last detail
PROPOSAL = _cues("ik zie dat", "u krijgt", "u ontvangt", "ik stuur", "ik zet", "ik regel", "ik pas", "ik boek",
                 "wij sturen", "we sturen", "ik stel voor", "mijn voorstel", "wat ik kan doen", "de oplossing")
FILLER = re.compile(r"^(?:eh+m?|uhm?|ehm|hm+|nou|ja|hoor|zo|en|dus|allez),?$", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.?!…][\"'”’)]*$")
PAUSE = 0.25  # seconds: in a transcript without punctuation, a pause this long between words ends a sentence
LONG_PAUSE = 0.5  # seconds: a pause this long ends a sentence in any transcript
ACK_WINDOW = 35  # words: an acknowledgement sentence is not longer
MIN_SENTENCE = 3  # words: a shorter sentence ("Mooi.", "eh goed") is said with the next one


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


def _closing_matches(text: str) -> list[re.Match]:
    """The closing words that are not a thank-you for waiting ("bedankt voor uw geduld")."""
    return [m for m in CLOSING.finditer(text) if not HOLD_RETURN.search(text[m.start():m.end() + 25])]


def _closing_cue(text: str) -> bool:
    return bool(_closing_matches(text))


def _offers_later_contact(text: str) -> bool:
    """All the turn's closing words are inside a condition: "mocht u later nog vragen hebben, ..."."""
    found = _closing_matches(text)
    return bool(found) and all(CONDITION.search(text[max(0, m.start() - 60):m.start()]) for m in found)


def _sentences(t: Transcript, turn: Turn, punctuated: bool) -> list[int]:
    """Indexes of the words that start the turn's sentences (the first is `turn.first`): after
    sentence punctuation, or, in a transcript without punctuation (ASR), after a pause; and after a
    long pause in any transcript. A sentence shorter than MIN_SENTENCE words goes with the next."""
    words = t.words[turn.first:turn.last]
    cuts = [0]
    for j in range(1, len(words)):
        gap = words[j].start - words[j - 1].end
        ends = SENTENCE_END.search(words[j - 1].text) if punctuated else gap >= PAUSE
        if (ends or gap >= LONG_PAUSE) and j - cuts[-1] >= MIN_SENTENCE:
            cuts.append(j)
    if len(cuts) > 1 and len(words) - cuts[-1] < MIN_SENTENCE:
        cuts.pop()
    return [turn.first + c for c in cuts]


def _words_text(t: Transcript, a: int, b: int) -> str:
    return " ".join(w.text for w in t.words[a:b])


def _opens_with_acknowledgement(sentence: str, short: bool = False) -> bool:
    """"Prima, dat noteer ik, en ...", "Dank u, mevrouw Jansen": an acknowledgement opens the sentence,
    not a look-up that may be the answer ("ik heb de storing gevonden"). `short`: the sentence is
    no more than that (a few words, or thanks by name)."""
    words = sentence.split()
    while words[1:] and FILLER.match(words[0]):
        words = words[1:]
    first = ACKNOWLEDGE.match(" ".join(words[:4])) or ACK_OPENER.match(" ".join(words[:4]))
    thanks = first is not None and not first.group().lower().startswith("ik")
    by_name = TITLE.search(sentence) and len(words) <= 8
    if short and len(words) > (8 if by_name else 6):
        return False
    return bool(thanks or by_name) and not PROPOSAL.search(sentence)


def _acknowledged(t: Transcript, turn: Turn, punctuated: bool) -> list[int] | None:
    """When the agent's turn opens with an acknowledgement sentence: the starts of that sentence and
    of what follows it (also short acknowledgements: "Prima, mevrouw Jansen, dat klopt."), else None.
    Without punctuation the acknowledgement ends at the longest pause in its first ACK_WINDOW words
    (a dropped word leaves a pause inside a sentence too)."""
    starts = _sentences(t, turn, punctuated)
    if not punctuated and len(starts) > 2:
        window = [k for k in starts[1:] if k - turn.first < ACK_WINDOW]
        if window:
            end = max(window, key=lambda k: t.words[k].start - t.words[k - 1].end)
            starts = [starts[0]] + [k for k in starts[1:] if k >= end]
    bounds = starts + [turn.last]
    if not _opens_with_acknowledgement(_words_text(t, bounds[0], bounds[1])):
        return None
    k = 1
    while k < len(starts) and _opens_with_acknowledgement(_words_text(t, bounds[k], bounds[k + 1]), short=True):
        k += 1
    return [starts[0]] + starts[k:]


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
    # "mocht u nog vragen hebben, ..." said before an "anything else?" or a transfer is still the body
    strong = [i for i in cues if not _offers_later_contact(text[i])
              and (ASK_MORE.search(text[i]) or TRANSFER.search(text[i]))]
    cues = [i for i in cues if not (_offers_later_contact(text[i]) and any(j > i for j in strong))]
    close_at = next((i for i in cues if turns[i].start >= turns[cues[-1]].start - CLOSING_RUN), None) if cues else None
    # a transcript with punctuation (typed, or an ASR that adds it) marks sentences; one stray "." does not
    punctuated = sum(1 for w in t.words if SENTENCE_END.search(w.text)) >= max(2, len(t.words) // 100)
    close_time = None
    if close_at is not None:
        cue_turn = close_at
        close_at = _before_farewell(turns, role, text, close_at, greet_end, duration)
        if close_at == cue_turn:  # the closing starts with the sentence of its first closing word
            said_before = text[close_at][:_closing_matches(text[close_at])[0].start()]
            first_word = turns[close_at].first + len(said_before.split())
            inside = [k for k in _sentences(t, turns[close_at], punctuated)[1:] if k <= first_word]
            if inside:
                close_time = round(t.words[inside[-1]].start, 2)
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
        found_start = _after_identification(t, turns, role, text, id_last, body_end, punctuated)
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
    if close_time is not None and close_at is not None and found and found[-1].name == "closing" \
            and close_time > found[-1].start and (len(found) < 2 or close_time > found[-2].start):
        # the end of the body and the start of the closing share one turn: the closing starts inside it
        found = found[:-2] + ([replace(found[-2], end=close_time)] if len(found) >= 2 else []) \
            + [replace(found[-1], start=close_time)]
    return found


def _after_identification(t: Transcript, turns: list[Turn], role: list[str], text: list[str], id_last: int,
                          body_end: int, punctuated: bool = True):
    """The first turn of the body after the last identification question: past the customer's
    answer (and its fragments) and the agent's acknowledgements. When the agent acknowledges and
    goes on in one turn, (turn, time the body starts inside it): at the sentence after the
    acknowledgement ("Prima, dat noteer ik, dan controleer ik meteen de rest. | Ik zie dat ...")."""
    i, ran_on = id_last + 1, False
    while i < body_end:
        words = text[i].split()
        if role[i] != "agent":
            if i == id_last + 1 or len(words) <= 3 or (role[i - 1] == "agent" and len(text[i - 1].split()) <= 3):
                i += 1  # the answer, or a fragment of it around the agent's back-channel
                # the answer may run on into the problem: then the agent's next turn replies to that
                ran_on = ran_on or (i - 1 == id_last + 1 and len(words) > LONG_ANSWER and _is_detail(text[i - 1]))
                continue
            return i  # the customer goes on about something else: the body
        if len(words) <= 3 and not ran_on:
            i += 1
            continue
        starts = _acknowledged(t, turns[i], punctuated)
        if starts is not None and len(starts) > 1:  # an acknowledgement, then the body in the same turn
            return i, round(t.words[starts[1]].start, 2)
        if ran_on:
            return i
        if starts is not None and len(words) <= LONG_ACK:  # the whole turn acknowledges
            i += 1
            continue
        if (ACKNOWLEDGE.search(text[i]) or (TITLE.search(text[i]) and len(words) <= 8)) and not SOLUTION.search(text[i]):
            if len(words) <= 12:
                i += 1
                continue
            head = " ".join(words[:8])
            ends = [m.end() for m in ACKNOWLEDGE.finditer(head)]
            if ends and _opens_with_acknowledgement(head):  # "dank u het voorschot is ...", not "voor Top geldt"
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
