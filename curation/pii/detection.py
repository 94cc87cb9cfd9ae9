"""`detect()`: PII spans in a text, offline, with overlaps resolved."""

from __future__ import annotations

import re

from curation.pii.consistency import propagate
from curation.pii.errors import PiiError
from curation.pii.spans import ENTITY_TYPES, PiiSpan, resolve_overlaps
from curation.pii.tokens import PLACEHOLDER_PATTERN

DEFAULT_THRESHOLD = 0.4
_SURROGATE = re.compile("[\ud800-\udfff]")
LANGUAGES = ("nl", "en")


def detect(text: str, language: str = "nl", *, entities=None, score_threshold: float = DEFAULT_THRESHOLD,
           analyzer=None, neutral=None) -> list[PiiSpan]:
    """PII spans in `text` (character offsets into it), sorted, never overlapping.

    `entities` limits the types looked for; `analyzer` is a Presidio `AnalyzerEngine` (default:
    the shared offline one from `curation.pii.engine.analyzer()`). Redaction placeholders
    ("[NAAM]") are never PII nor context; `neutral` names more strings that are known not to be
    PII (the pseudonyms a `Pseudonymiser` wrote): they are read as placeholders, so a re-scan of
    pseudonymised text does not flag them or the words around them.
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
    if neutral:
        analysed = mask_neutral(analysed, neutral)
    results = analyzer.analyze(text=analysed, language=language, entities=list(entities) if entities else None,
                               score_threshold=score_threshold)
    lowered = _unshouted(analysed)
    if lowered is not None:  # a transcript in capitals: names are read as in one without capitals too
        results = list(results) + analyzer.analyze(text=lowered, language=language,
                                                   entities=list(entities) if entities else None,
                                                   score_threshold=score_threshold)
    spans = []
    for r in results:
        if r.entity_type not in ENTITY_TYPES or r.score < score_threshold or not (0 <= r.start < r.end <= len(text)):
            continue
        name = (r.recognition_metadata or {}).get("recognizer_name", "")
        spans.append(PiiSpan(r.entity_type, r.start, r.end, float(r.score), name))
    if "[" in analysed:
        spans = _outside_placeholders(spans, analysed)
    spans = resolve_overlaps(spans, text)
    repeats = propagate(spans, analysed, language)  # a name found once is that name again further on
    if entities is not None:
        repeats = [s for s in repeats if s.entity_type in entities]
    return resolve_overlaps(spans + repeats, text) if repeats else spans


_PLACEHOLDER_TEXT = re.compile(PLACEHOLDER_PATTERN)
SHOUTING_SHARE = 0.9  # share of capital letters above which a text is written in capitals
SHOUTING_MIN_LETTERS = 8


def _unshouted(text: str) -> str | None:
    """`text` in lower case, same length, placeholders kept, when it is written in capitals ("JAN DE
    VRIES BELDE"): capitals there say nothing about names, so it is read a second time as a transcript
    without capitals. None for ordinary text."""
    def shouting(part: str) -> bool:
        upper, lower = sum(map(str.isupper, part)), sum(map(str.islower, part))
        return upper + lower >= SHOUTING_MIN_LETTERS and upper >= SHOUTING_SHARE * (upper + lower)

    if len(text) > 4000 and not shouting(_PLACEHOLDER_TEXT.sub("", text[:2000])):
        return None  # a long ordinary text shows it in its first lines
    if not shouting(_PLACEHOLDER_TEXT.sub("", text)):
        return None

    def lower(segment: str) -> str:  # character by character: "İ".lower() would change the length
        return "".join(c.lower() if len(c.lower()) == 1 else c for c in segment)

    out, pos = [], 0
    for m in _PLACEHOLDER_TEXT.finditer(text):
        out += [lower(text[pos:m.start()]), m.group()]
        pos = m.end()
    out.append(lower(text[pos:]))
    return "".join(out)


def mask_neutral(text: str, neutral) -> str:
    """`text` with every whole-word occurrence of a `neutral` string replaced by a placeholder of
    the same length ("[_____]"), so offsets stay valid."""
    values = sorted({v.strip() for v in neutral if isinstance(v, str) and len(v.strip()) >= 2}, key=len, reverse=True)
    if not values:
        return text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in values) + r")(?!\w)")
    return pattern.sub(lambda m: "[" + "_" * (len(m.group()) - 2) + "]", text)


def _outside_placeholders(spans: list[PiiSpan], text: str) -> list[PiiSpan]:
    """The parts of `spans` that cover no placeholder character (a placeholder is never PII)."""
    from curation.pii.tokens import tokenize

    holes = [(t.start, t.end) for t in tokenize(text) if t.is_placeholder]
    if not holes:
        return spans
    out = []
    for s in spans:
        pieces = [(s.start, s.end)]
        for a, b in holes:
            if a >= s.end or b <= s.start:
                continue
            pieces = [p for x, y in pieces for p in ((x, min(y, a)), (max(x, b), y)) if p[1] > p[0]]
        for x, y in pieces:
            while x < y and not text[x].isalnum():
                x += 1
            while y > x and not text[y - 1].isalnum():
                y -= 1
            if y > x:
                out.append(PiiSpan(s.entity_type, x, y, s.score, s.recognizer))
    return out
