"""Dutch (and English) PII detection for call transcripts, on Presidio, fully offline.

- `detect(text, language="nl") -> list[PiiSpan]`; placeholders ("[NAAM]") are never PII nor context,
  and `detect(..., neutral=pseudonymiser.pseudonyms)` re-scans pseudonymised text without false alarms
- `redaction_intervals(transcript, ...)`: spans -> time intervals per speaker for the audio stage, widened to
  the whole stretch where word times are uncertain (`uncertain_stretch`)
- `redact_text(text, spans, mode=...)`, `redact_transcript(transcript, ...)`: placeholders or pseudonyms,
  by the one redaction rule the clips use (`redaction.redacted_runs`); pseudonyms come from the one
  fictional-value generator (`fiction.FictionalValues`, also behind re-enactment scripts)
- `analyzer()` / `build_analyzer()` / `build_registry()`: the Presidio engine, to add or remove recognizers
- `warm()`: builds the engine and lookups once (run by `python -m curation.warmup`)
"""

from __future__ import annotations

from curation.pii.errors import PiiError, UnplaceableSpan
from curation.pii.spans import ENTITY_TYPES, PiiSpan, resolve_overlaps

__all__ = ["detect", "PiiSpan", "ENTITY_TYPES", "resolve_overlaps", "PiiError", "UnplaceableSpan",
           "RedactionInterval", "redaction_intervals", "uncertain_stretch", "redact_text", "redact_transcript",
           "PLACEHOLDERS",
           "analyzer", "build_analyzer", "build_registry", "warm"]


def __getattr__(name):  # keep `import curation.pii` light: Presidio loads on first use
    if name == "detect":
        from curation.pii.detection import detect

        return detect
    if name in ("analyzer", "build_analyzer", "build_registry"):
        from curation.pii import engine

        return getattr(engine, name)
    if name in ("RedactionInterval", "redaction_intervals", "uncertain_stretch"):
        from curation.pii import timing

        return getattr(timing, name)
    if name in ("redact_text", "redact_transcript", "PLACEHOLDERS", "Pseudonymiser", "FictionalValues"):
        from curation.pii import redaction

        return getattr(redaction, name)
    raise AttributeError(f"module 'curation.pii' has no attribute {name!r}")


def warm() -> None:
    """Build the shared engine and its lookup lists now (called during `make setup`)."""
    import logging
    import time

    from curation.pii.detection import detect
    from curation.pii.engine import analyzer
    from curation.pii.gazetteer import gazetteer
    from curation.pii.name_tagger import name_tagger

    log = logging.getLogger(__name__)
    t0 = time.perf_counter()
    analyzer()
    gazetteer()  # builds the cache file the next processes load in a fraction of the time
    name_tagger("nl")
    detect("Goedemiddag, u spreekt met Jan de Vries uit Utrecht, mijn nummer is 06-12345678.")
    log.info("PII engine ready in %.1f s", time.perf_counter() - t0)
