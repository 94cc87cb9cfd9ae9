"""Shared shape of our recognizers: a Presidio `EntityRecognizer` for one entity type and one
language that reads the cached spoken-form normalisation of the text."""

from __future__ import annotations

import curation.pii.presidio  # noqa: F401  (offline set-up before Presidio is imported)

import re
from typing import Iterable

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from curation.pii.normalise import Normalised, normalise


class NormalisedRecognizer(EntityRecognizer):
    """Subclasses implement `find(norm)` yielding (start, end, score, why) on the original text; one
    that reports several types lists them in ENTITIES and yields (start, end, score, why, type)."""

    ENTITY = ""
    ENTITIES: tuple[str, ...] = ()  # several types from one pass over the text; default: (ENTITY,)
    DEFAULT_SCORE = 0.85

    def __init__(self, supported_language: str = "nl", name: str | None = None):
        super().__init__(supported_entities=list(self.ENTITIES or (self.ENTITY,)),
                         supported_language=supported_language,
                         name=name or f"{type(self).__name__}_{supported_language}", context=[])

    def load(self) -> None:  # lookups load lazily through cached module functions
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        if entities and not set(self.supported_entities) & set(entities):
            return []
        norm = normalise(text, self.supported_language)
        results = []
        for start, end, score, why, *kind in self.find(norm):
            entity = kind[0] if kind else self.ENTITY
            if end > start and (not entities or entity in entities):
                results.append(RecognizerResult(
                    entity, start, end, round(min(1.0, score), 3),
                    analysis_explanation=AnalysisExplanation(self.name, score, textual_explanation=why),
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
                ))
        return results

    def find(self, norm: Normalised) -> Iterable[tuple[int, int, float, str]]:
        raise NotImplementedError


def context_near(norm: Normalised, token_index: int, pattern: re.Pattern, before: int = 10, after: int = 0,
                 stop: re.Pattern | None = None) -> bool:
    """True when a token key within `before` tokens before (or `after` after) `token_index` matches
    `pattern`; scanning backwards stops at a token matching `stop` (another entity's context)."""
    tokens = norm.tokens
    for k in range(token_index - 1, max(-1, token_index - before - 1), -1):
        key = tokens[k].key
        if pattern.search(key):
            return True
        if stop is not None and stop.search(key):
            break
    for k in range(token_index + 1, min(len(tokens), token_index + after + 1)):
        if pattern.search(tokens[k].key):
            return True
    return False


# hesitations and back-channels an ASR transcript writes out ("eh", "uhm", "hm"): never part of a name
# two-letter Dutch words that look like the letters of a code ("1234 en", "is 12 ab"): never a postcode's
# or a plate's letters
TWO_LETTER_WORDS = frozenset({"in", "op", "en", "de", "is", "te", "of", "om", "al", "nu", "zo", "ja", "na", "er", "ik",
                              "je", "we", "ze", "uw"})
FILLERS = frozenset({"eh", "ehm", "euh", "eeh", "ehh", "uh", "uhm", "um", "uhh", "hm", "hmm", "mm", "mmm", "mhm",
                     "ah", "oh", "ooh", "nou", "tja", "ja", "nee", "oké", "ok", "okay", "hè", "he", "huh", "jaja",
                     "awel", "allez", "amai", "nie", "ge", "gij", "da's", "enfin", "bon", "voilà", "goh", "joh",
                     "tsja", "ach", "och", "jee", "jeetje", "hé", "ahh", "pff", "oeps"})
