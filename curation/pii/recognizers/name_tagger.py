"""PERSON and LOCATION from the statistical name tagger (`curation.pii.name_tagger`): names and places
without capitals or cue words ("volgens nathalie brys", "Utrecht is mooi", "Dat is Verhoeven").

The rule-based recognizers keep what rules do best (titles, introductions, spelled names, addresses);
this one adds what needs weighing: how name-like a word is against how common it is as a word, and
its neighbours. Organisations and other proper names the tagger recognises are not reported.
"""

from __future__ import annotations

import curation.pii.presidio  # noqa: F401  (offline set-up before Presidio is imported)

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from curation.pii.gazetteer import gazetteer
from curation.pii.normalise import normalise

ENTITY_OF_LABEL = {"PER": "PERSON", "LOC": "LOCATION"}
# the tagger's probability maps onto scores below the validated and pattern recognizers' (0.85-0.95),
# so a postcode, phone number or address found by a rule keeps its characters
SCORE_LOW, SCORE_HIGH = 0.45, 0.8


def score_of(probability: float) -> float:
    return round(SCORE_LOW + (SCORE_HIGH - SCORE_LOW) * probability, 3)


class NameTaggerRecognizer(EntityRecognizer):
    """Presidio recognizer over the CRF name tagger of one language (no model: finds nothing, logged)."""

    def __init__(self, supported_language: str = "nl", name: str | None = None):
        super().__init__(supported_entities=list(ENTITY_OF_LABEL.values()), supported_language=supported_language,
                         name=name or f"NameTaggerRecognizer_{supported_language}", context=[])

    def load(self) -> None:  # the model loads on first use, once per process
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None):
        from curation.pii.name_tagger import name_tagger

        wanted = {e for e in ENTITY_OF_LABEL.values() if not entities or e in entities}
        models = name_tagger(self.supported_language) if wanted else None
        if models is None:
            return []
        norm = normalise(text, self.supported_language)
        codes = [(r.start, r.end) for r in norm.runs if r.has_digit]
        results = []
        gaz = gazetteer()
        tokens = norm.tokens
        for span in models.tag_text(text):
            entity = ENTITY_OF_LABEL.get(span.label)
            if entity not in wanted or any(a < span.end and span.start < b for a, b in codes):
                continue  # a letter pair inside "2511 CV" belongs to the postcode, not to a name
            first, last = span.first_token, span.last_token
            while first < last and _ordinary(tokens[first].key, gaz):
                first += 1
            while last > first and _ordinary(tokens[last - 1].key, gaz):
                last -= 1
            if first == last or not any(_name_like(t.key, gaz) for t in tokens[first:last]):
                continue  # "naar welk e-mailadres": ordinary words only, whatever their context
            start, end = _outside_brackets(text, tokens[first].start, tokens[last - 1].end)
            if end <= start:
                continue
            score = score_of(span.probability)
            why = f"name tagger: {span.label} with probability {span.probability:.2f}"
            results.append(RecognizerResult(
                entity, start, end, score,
                analysis_explanation=AnalysisExplanation(self.name, score, textual_explanation=why),
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results


# hesitations and back-channels an ASR transcript writes out ("eh", "uhm", "hm"): never part of a name
FILLERS = frozenset({"eh", "ehm", "euh", "eeh", "ehh", "uh", "uhm", "um", "uhh", "hm", "hmm", "mm", "mmm", "mhm",
                     "ah", "oh", "ooh", "nou", "tja", "ja", "nee", "oké", "ok", "okay", "hè", "he", "huh", "jaja"})


def _ordinary(key: str, gaz) -> bool:
    """A filler, function word, verb or adjective that no name or place list knows: never part of a name."""
    return key in FILLERS or (gaz.word_class_of(key) in ("function", "verb", "adj") and not _listed(key, gaz))


def _listed(key: str, gaz) -> bool:
    """On a Dutch name list or a place list (the international name lists hold too many ordinary
    English and Dutch words, "welk", "hallo", to count here)."""
    return (key in gaz.first_names or key in gaz.surnames or key in gaz.nl_places or key in gaz.world_places
            or key in gaz.place_first)


def _name_like(key: str, gaz) -> bool:
    """On a name or place list, or a word Dutch does not otherwise know."""
    if key in FILLERS:
        return False
    return _listed(key, gaz) or key in gaz.intl_first_names or (
        gaz.word_class_of(key) is None and key.isalpha() and key not in gaz.common_nl)


def _outside_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without any part of a placeholder glued to it ("[NAAM]-de Vries" -> "de Vries")."""
    piece = text[start:end]
    if "]" in piece:
        start += piece.rindex("]") + 1
    piece = text[start:end]
    if "[" in piece:
        end = start + piece.index("[")
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end

