"""Open, closed or not a question: the form of a Dutch sentence, from its words.

Open questions start with a question word followed by the finite verb ("Wat is uw klantnummer?",
"Waarmee kan ik u helpen?", "Met wie spreek ik?") or ask to tell ("Kunt u vertellen wat er
gebeurde?"). Closed questions invert subject and verb ("Heeft u de brief ontvangen?", "Is er
nog iets?"), offer a choice, or end in a check ("…, klopt dat?", "…, toch?"). A question word
followed by a subject is an embedded clause ("ik weet niet wat u bedoelt"): not a question.
Works with and without punctuation (recognisers often write none); a question mark tips a
sentence with no other cue towards closed ("U heeft de brief?"). Pure: no storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSED, NONE = "open", "closed", "none"
KINDS = (OPEN, CLOSED, NONE)

QUESTION_WORDS = frozenset("""wat wie wiens waar wanneer waarom hoe hoezo hoeveel hoelang hoever hoevaak welk welke
waarmee waarover waarvoor waardoor waarop waaraan waarin waarbij waarvan waarheen waaruit waartoe waarna vanwaar
waarnaar""".split())
SUBJECTS = frozenset("u je jij ik we wij ze zij hij het er jullie men dat dit die iemand iets ge gij".split())
# finite verbs that start a yes/no question (verb first); a verb list, since a sentence may lack its "?"
FINITE = frozenset("""is zijn was waren ben bent heeft hebt heb hebben had hadden kan kunt kun kunnen kon konden
wil wilt willen wou wilde zou zoudt zouden mag mogen mocht moet moeten moest doet doe doen deed gaat ga gaan ging
weet weten wist klopt kloppen komt kom komen kwam ziet zie zien zag vindt vind vinden vond wordt word worden werd zal
zult zullen staat sta staan stond ligt lig liggen houdt hou hebt herkent herken begrijpt begrijp snapt snap gebruikt
gebruik ontvangt ontving krijgt krijg kreeg kent ken woont woon werkt werk betaalt betaal speelt speel spreekt
spreek bedoelt bedoel belt bel heet heten hoort hoor merkt merk denkt denk verwacht wenst wens zoekt zoek blijft
blijf lukt lukte past gaan lees leest leek lijkt schrijf schrijft neem neemt stuur stuurt maak maakt geef geeft
bestaat bestaan verwijder verwijdert installeer installeert toon toont sla slaat open opent sluit sluit zet zetten
zet wis wist vervang vervangt negeer negeert annuleer annuleert ga start stop stopt hervat herstart overschrijf
overschrijft gebruiken zit zat""".split())
# verbs after which a question word starts a main-clause question ("wat is", "hoe gaat")
TELL = ("vertellen", "uitleggen", "beschrijven", "vertel", "leg", "beschrijf", "omschrijven", "toelichten", "zeggen",
        "aangeven", "noemen")
PERSONAL = frozenset("u je jij ik we wij ze zij hij jullie ge gij".split())
CHECK_TAILS = (("klopt", "dat"), ("toch",), ("of", "niet"), ("hè",), ("he",), ("niet", "waar"), ("ja",),
               ("klopt", "het"), ("oké",), ("of", "nee"), ("vind", "je", "niet"), ("vond", "je", "niet"),
               ("vindt", "u", "niet"), ("of", "wel"))
UNMARKED_TAILS = (("klopt", "dat"), ("toch",), ("vind", "je", "niet"), ("vond", "je", "niet"), ("vindt", "u", "niet"),
                  ("niet", "waar"), ("of", "niet"), ("hè",))
LEAD_INS = frozenset("en maar dus oké ok ja nee goed prima nou eh ehm uhm hm allez o oh zo want of".split())
PREPOSITIONS = frozenset("met op in voor van naar aan over bij door uit tot om onder tegen vanaf".split())
_TOKEN = re.compile(r"[\w'’-]+|[?!.,;:…]", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.?!…])\s+")


@dataclass(frozen=True)
class QuestionForm:
    kind: str  # open | closed | none
    cue: str   # the words that decided it ("wat is", "heeft u", "klopt dat", "?")


def tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


def sentences(text: str) -> list[str]:
    """A turn's sentences (split after . ? ! …); an unpunctuated turn is one sentence."""
    return [s for s in (p.strip() for p in _SENTENCE.split(text)) if s]


def _words(toks: list[str]) -> list[str]:
    return [t for t in toks if t[0].isalnum()]


def _strip_lead(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) - 1 and words[i] in LEAD_INS:
        i += 1
    return words[i:]


DETERMINERS = frozenset("de het een deze die dit dat mijn jouw je uw zijn haar ons onze hun jullie zo'n zulke "
                        "geen alle elk elke ieder iedere veel weinig".split())
# finite verbs that a statement does not start with: a sentence opening with one asks (imperatives
# like "zet", "ga" are left out: "Zet de kraan dicht" is no question)
ASKING_VERBS = frozenset("""is zijn was waren ben bent heeft hebt hebben had hadden kan kunt kunnen kon konden wil
wilt willen zou zoudt zouden mag mogen mocht moet moeten moest zal zult zullen wordt worden werd klopt kloppen weet
weten wist bestaat bestaan duurt gaat komt doet staat ligt zit maakt hoort past lukt geldt betekent werkt kost
blijft vindt ziet krijgt heet heten meent snapt begrijpt herkent ontvangt gebruikt verwacht wenst zoekt""".split())
NOT_VERBS = frozenset("niet net echt best eerst laatst toch dan nou nu zo al ook wel nog er even misschien zodat omdat "
                      "totdat nadat voordat opdat want dat wat met tot".split())
ELLIPTIC = frozenset("niet dan nou toch eigenlijk precies zo als".split())  # "Waarom niet?", "Hoe dan?", "Wat als ..."


def _finite(words: list[str], k: int) -> bool:
    """words[k] is (probably) a finite verb: a known one, or (right after a question word) a -t or
    -en form that is no pronoun, determiner or adverb ("wat betekent", "hoe spelt u")."""
    w = words[k]
    if w in FINITE:
        return True
    if w in SUBJECTS or w in DETERMINERS or w in QUESTION_WORDS or w in LEAD_INS or w in NOT_VERBS or len(w) <= 3:
        return False
    return w.endswith(("t", "en")) or (k + 1 < len(words) and words[k + 1] in PERSONAL)


def _open_at(words: list[str], i: int) -> str | None:
    """The cue when words[i] (or a preposition and words[i+1]) starts a main-clause question-word question."""
    j = i + 1 if words[i] in PREPOSITIONS and i + 1 < len(words) and words[i + 1] in QUESTION_WORDS else i
    if words[j] not in QUESTION_WORDS:
        return None
    k = j + 1
    if words[j] in ("welk", "welke", "hoeveel", "wat", "wie") and k < len(words) and not _finite(words, k) \
            and words[k] not in SUBJECTS:
        k += 1  # "welke datum is", "hoeveel kost": skip the noun or the adverb
    if words[j] in ("hoe", "hoeveel") and k < len(words) and words[k] in ("lang", "vaak", "laat", "ver", "veel", "oud"):
        k += 1
    if j + 1 >= len(words):
        return words[j]  # "Wat?", "Waarom?" alone
    if words[j + 1] in ELLIPTIC or (words[j] in ("waarom", "hoezo") and words[j + 1] not in SUBJECTS):
        return " ".join(words[i:j + 2])  # "Waarom niet?", "Hoe dan?", "Wat als ...", "Waarom zoveel zwaarden?"
    if words[j] in ("welk", "welke", "wat", "hoeveel") and words[j + 1] == "van":
        return " ".join(words[i:j + 2])  # "Welke van deze sleutels ..."
    if k < len(words) and _finite(words, k):
        return " ".join(words[i:k + 1])
    return None


def classify(text: str) -> QuestionForm:
    """The form of one sentence."""
    toks = tokens(text)
    mark = "?" in toks
    words = _strip_lead(_words(toks))
    if not words or toks[-1] in (".", "!"):  # punctuated as a statement or an exclamation by whoever wrote it
        return QuestionForm(NONE, "")
    cue = _open_at(words, 0)
    if cue:
        return QuestionForm(OPEN, cue)
    first = words[0]
    # "Kunt u (mij) vertellen wat …" asks to tell: open, unless it asks whether ("… vertellen of …")
    asks = len(words) > 1 and ((first in FINITE and words[1] in PERSONAL) or (first in ASKING_VERBS) or (
        first not in NOT_VERBS and first.endswith("t") and len(first) > 3 and first not in DETERMINERS
        and words[1] in PERSONAL))
    if asks:
        tell = next((k for k, w in enumerate(words[:7]) if w in TELL), None)
        if tell is not None and not (tell + 1 < len(words) and words[tell + 1] == "of"):
            return QuestionForm(OPEN, " ".join(words[:tell + 1]))
        return QuestionForm(CLOSED, " ".join(words[:2]))
    if first in ("vertel", "beschrijf", "leg") and len(words) > 1:
        return QuestionForm(OPEN, first)
    for tail in CHECK_TAILS:
        n = len(tail)
        if tuple(words[-n:]) == tail and len(words) > n and (mark or tail in UNMARKED_TAILS):
            return QuestionForm(CLOSED, " ".join(tail))
    # a question word and a finite verb later in the sentence: "goedemorgen, ..., waarmee kan ik u helpen"
    for i in range(1, len(words) - 1):
        if (words[i] in QUESTION_WORDS and words[i] != "wat") or (words[i] == "wat" and words[i + 1] in FINITE) or (
                words[i] in PREPOSITIONS and words[i + 1] in QUESTION_WORDS):
            cue = _open_at(words, i)
            if cue:
                return QuestionForm(OPEN, cue)
    if mark and toks[-1] == "?":
        if first in QUESTION_WORDS:
            return QuestionForm(OPEN, first)
        if " of " in f" {' '.join(words)} ":
            return QuestionForm(CLOSED, "of")  # a choice: "Contant of met de pin?"
        return QuestionForm(CLOSED, "?")
    return QuestionForm(NONE, "")


def is_question(text: str) -> bool:
    return classify(text).kind != NONE
