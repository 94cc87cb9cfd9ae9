"""PERSON and LOCATION from Frog's Dutch NER (`curation.pii.frog`; opt-in with CURATION_PII_FROG=1).

Frog knows capitalised names and places from the SoNaR corpus (news, books, web text) - politicians,
foreign names, towns without "in" or "uit" - which our own tagger misses in written text. It reports
organisations and other names too; only persons and places are kept, and our precision rules (common
words, function words, fillers) still apply after it (`curation.pii.detection`).
"""

from __future__ import annotations

import curation.pii.presidio  # noqa: F401  (offline set-up before Presidio is imported)

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

ENTITY_OF_LABEL = {"PER": "PERSON", "LOC": "LOCATION"}
SCORE = {"PERSON": 0.8, "LOCATION": 0.75}  # below the validated and pattern recognizers' 0.85-0.95


class FrogNerRecognizer(EntityRecognizer):
    """Presidio recognizer over a Frog server (Dutch only)."""

    def __init__(self, supported_language: str = "nl", name: str | None = None):
        super().__init__(supported_entities=list(ENTITY_OF_LABEL.values()), supported_language=supported_language,
                         name=name or f"FrogNerRecognizer_{supported_language}", context=[])

    def load(self) -> None:  # the server starts on first use
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None):
        from curation.pii.frog import frog_server

        wanted = {e for e in ENTITY_OF_LABEL.values() if not entities or e in entities}
        if not wanted or not any(c.isupper() for c in text):  # Frog finds nothing without capitals
            return []
        results = []
        for start, end, label in frog_server().tag(text):
            entity = ENTITY_OF_LABEL.get(label)
            if entity in wanted:
                explanation = AnalysisExplanation(self.name, SCORE[entity], textual_explanation=f"Frog NER {label}")
                results.append(RecognizerResult(entity, start, end, SCORE[entity], analysis_explanation=explanation,
                                                 recognition_metadata={"recognizer_name": self.name,
                                                                       "recognizer_identifier": self.id}))
        return results
