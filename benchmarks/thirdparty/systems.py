"""The detectors compared: ours (`curation.pii.detect`) and deduce 3.0.6 (Dutch only), both as
`predict(doc) -> [(start, end, type)]` in our entity types."""

from __future__ import annotations

import re

from benchmarks.thirdparty.sources import CACHE

# deduce tag -> our type; tags we have no type for are kept as "deduce:<tag>" (they still count as
# redactions: a hospital or an age redacted where nothing personal is, is a false alarm like any other).
# deduce annotates every date ("datum"): counted as DATE_OF_BIRTH, our only date type.
DEDUCE_TAGS = {"persoon": "PERSON", "patient": "PERSON", "locatie": "LOCATION", "telefoonnummer": "PHONE_NUMBER",
               "emailadres": "EMAIL_ADDRESS", "bsn": "NL_BSN", "id": "ACCOUNT_ID", "datum": "DATE_OF_BIRTH"}
_POSTCODE = re.compile(r"\d{4} ?[A-Za-z]{2}\Z")
DEDUCE_CACHE = CACHE.parent / "deduce"  # its ~80 MB lookup cache, outside site-packages


class Ours:
    """`curation.pii.detect` with the document's language."""

    name = "ours"
    languages = ("nl", "en")

    def __init__(self):
        from curation.pii import detect

        self._detect = detect
        detect("Goedemiddag, met Jan de Vries.")  # build the engine before timing starts

    def predict(self, doc) -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.entity_type) for s in self._detect(doc.text, language=doc.language)]


class DeduceSystem:
    """deduce's `Deduce().deidentify`, its cache under ~/.cache/curation (first load builds it, ~80 s)."""

    name = "deduce"
    languages = ("nl",)

    def __init__(self):
        import logging

        root = logging.getLogger()
        level, handlers = root.level, list(root.handlers)
        from deduce import Deduce  # configures the root logger on import and load: undone below

        DEDUCE_CACHE.mkdir(parents=True, exist_ok=True)
        self._model = Deduce(cache_path=DEDUCE_CACHE)
        root.setLevel(level)
        for h in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(h)

    def predict(self, doc) -> list[tuple[int, int, str]]:
        out = []
        for a in self._model.deidentify(doc.text).annotations:
            kind = DEDUCE_TAGS.get(a.tag, f"deduce:{a.tag}")
            if kind == "LOCATION" and _POSTCODE.match(a.text):
                kind = "NL_POSTCODE"
            out.append((a.start_char, a.end_char, kind))
        return out


class OursWithFrog(Ours):
    """`curation.pii.detect` with the optional Frog recognizer (CURATION_PII_FROG=1; Debian's frog + frogdata)."""

    name = "ours+frog"
    languages = ("nl",)

    def __init__(self):
        import os

        from curation.pii import detect
        from curation.pii.engine import build_analyzer
        from curation.pii.frog import FROG_ENV

        before = os.environ.get(FROG_ENV)
        os.environ[FROG_ENV] = "1"
        try:
            self._analyzer = build_analyzer()
        finally:
            if before is None:
                os.environ.pop(FROG_ENV)
            else:
                os.environ[FROG_ENV] = before
        self._detect = lambda text, language: detect(text, language=language, analyzer=self._analyzer)
        self._detect("Goedemiddag, met Jan de Vries.", "nl")  # start Frog before timing starts


class FrogAlone:
    """Frog's PER and LOC as they come, for comparison (no rules of ours before or after)."""

    name = "frog"
    languages = ("nl",)

    def __init__(self):
        from curation.pii.frog import frog_server

        self._server = frog_server()

    def predict(self, doc) -> list[tuple[int, int, str]]:
        kinds = {"PER": "PERSON", "LOC": "LOCATION"}
        return [(a, b, kinds[label]) for a, b, label in self._server.tag(doc.text) if label in kinds]


SYSTEMS = {"ours": Ours, "deduce": DeduceSystem, "ours+frog": OursWithFrog, "frog": FrogAlone}
