"""`detect()`: PII spans in a text, offline, with overlaps resolved."""

from __future__ import annotations

import re

from curation.pii.errors import PiiError
from curation.pii.spans import ENTITY_TYPES, PiiSpan, resolve_overlaps

DEFAULT_THRESHOLD = 0.4
_SURROGATE = re.compile("[\ud800-\udfff]")
LANGUAGES = ("nl", "en")


def detect(text: str, language: str = "nl", *, entities=None, score_threshold: float = DEFAULT_THRESHOLD,
           analyzer=None) -> list[PiiSpan]:
    """PII spans in `text` (character offsets into it), sorted, never overlapping.

    `entities` limits the types looked for; `analyzer` is a Presidio `AnalyzerEngine` (default:
    the shared offline one from `curation.pii.engine.analyzer()`).
    """
    if not isinstance(text, str):
        raise PiiError(f"detect() needs text as str, got {type(text).__name__}")
    if language not in LANGUAGES:
        raise PiiError(f"unsupported language {language!r}; supported: {', '.join(LANGUAGES)}")
    if entities is not None:
        unknown = set(entities) - set(ENTITY_TYPES)
        if unknown:
            raise PiiError(f"unknown entity types {sorted(unknown)}")
    if not text.strip():
        return []
    if analyzer is None:
        from curation.pii.engine import analyzer as shared

        analyzer = shared()
    # spaCy cannot encode lone surrogates; a same-length stand-in keeps every offset valid
    analysed = text if text.isascii() else _SURROGATE.sub("\ufffd", text)
    results = analyzer.analyze(text=analysed, language=language, entities=list(entities) if entities else None,
                               score_threshold=score_threshold)
    spans = []
    for r in results:
        if r.entity_type not in ENTITY_TYPES or r.score < score_threshold or not (0 <= r.start < r.end <= len(text)):
            continue
        name = (r.recognition_metadata or {}).get("recognizer_name", "")
        spans.append(PiiSpan(r.entity_type, r.start, r.end, float(r.score), name))
    return resolve_overlaps(spans, text)
