"""Personal data in a pack's text, found by `curation.pii.detect` in Dutch and in English.

Nothing a pack says about itself is believed: a word flagged `"redacted"` is scanned on the text it
shows, a transcript labelled English is read as Dutch too, and only the known redaction placeholders
(`[NAAM]`, ...) are neutral: any other bracketed text is read as words. A re-enactment script's
fictional values are neutral only where the script puts them in a placeholder's place in the
pack's own redacted transcript (found by aligning the two), so a name anywhere else is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

LANGUAGES = ("nl", "en")
MAX_FILL_TOKENS = 8
_BRACKETS = re.compile(r"\[([^\[\]\n]{0,80})\]")
_FRAME = re.compile(r"^(\*\*.*|\[\d+:\d\d\]:?|\d+:\d\d|\*?\(.*|Klant|Medewerker|Agent|Customer)$")
_PUNCT = ".,?!;:"


def known_placeholders() -> frozenset[str]:
    from curation.pii.redaction import FALLBACK_PLACEHOLDER, PLACEHOLDERS

    return frozenset(PLACEHOLDERS.values()) | {FALLBACK_PLACEHOLDER}


# the workspace's own random ids ("clip-" + 10 hex digits, "pack-" + 16): hex reads as postcodes and
# numbers, so they are blanked before a scan; anything else in an id or a path is scanned.
WORKSPACE_IDS = re.compile(r"\b(?:clip-[0-9a-f]{10}|pack-[0-9a-f]{16}|build-[0-9a-f]{16})\b")


def unmask(text: str) -> str:
    """Brackets that are not a known placeholder are dropped, so `[JAN]` is read as `JAN`; the
    workspace's random ids are blanked. Offsets stay valid (same length)."""
    known = known_placeholders()
    text = WORKSPACE_IDS.sub(lambda m: " " * len(m.group(0)), text)
    return _BRACKETS.sub(lambda m: m.group(0) if m.group(0) in known else f" {_as_name(m.group(1))} ", text)


def _as_name(inner: str) -> str:
    """`WILHELMINA DEKKER-BOS` as `Wilhelmina Dekker-Bos` (capitals hide names from the tagger), same length."""
    cased = re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), inner)
    return cased if len(cased) == len(inner) else inner


@dataclass(frozen=True)
class Finding:
    entity_type: str
    start: int  # offset in the scanned text (never the text itself: it is personal data)
    end: int


NAMES = ("PERSON", "LOCATION")
LANGUAGE_MARGIN = 1.0  # summed Zipf-frequency difference (Dutch minus English) needed to call a language


def guess_language(text: str) -> str:
    """`nl` or `en` from how common the text's own words are in each language (wordfreq); a label is
    never believed. Dutch when the words do not tell (the workbench's calls are Dutch)."""
    from wordfreq import zipf_frequency

    tokens = re.findall(r"[^\W\d_]+", text.lower())[:400]
    score = sum(zipf_frequency(t, "nl") - zipf_frequency(t, "en") for t in tokens)
    return "en" if score < -LANGUAGE_MARGIN else "nl"


def scan(text: str, neutral=()) -> list[Finding]:
    """Personal data in `text`, in both languages (raises `PiiUnavailable` when detection is missing).

    Numbers, codes and postcodes are looked for in Dutch and in English always; names and places in
    the language the text's own words are in (`guess_language`), because a name recogniser of one
    language reads ordinary words of the other as names."""
    from curation.clips.redaction import PiiUnavailable

    if not text or not text.strip():
        return []
    try:
        from curation.pii.detection import detect
        from curation.pii.spans import ENTITY_TYPES
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise PiiUnavailable(f"PII detection is not available ({exc})") from None
    unmasked = unmask(text)
    guessed = guess_language(unmasked)
    others = tuple(e for e in ENTITY_TYPES if e not in NAMES)
    seen: dict[tuple[int, int], Finding] = {}
    for language in LANGUAGES:
        entities = None if guessed == language else others
        for s in detect(unmasked, language, entities=entities, neutral=list(neutral) or None):
            seen.setdefault((s.start, s.end), Finding(s.entity_type, s.start, s.end))
    return sorted(seen.values(), key=lambda f: f.start)


def kinds(findings: list[Finding]) -> str:
    return ", ".join(sorted({f.entity_type for f in findings}))


def words_text(words: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """The transcript's words as one text (each word as it shows, flags ignored) and their offsets."""
    offsets, parts, pos = [], [], 0
    for w in words:
        t = w["text"]
        offsets.append((pos, pos + len(t)))
        parts.append(t)
        pos += len(t) + 1
    return " ".join(parts), offsets


def json_strings(doc, skip_keys=()) -> list[str]:
    """Every string in a JSON document, keys included (a name can hide in a key too)."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k in skip_keys:
                    continue
                out.append(str(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(doc)
    return out


class _Text(HTMLParser):
    def __init__(self, code: bool):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code = code
        self.skipping = False

    def handle_starttag(self, tag, attrs):
        self.parts += [v for _k, v in attrs if v]
        self.skipping = not self.code and tag in ("script", "style")

    def handle_startendtag(self, tag, attrs):
        self.parts += [v for _k, v in attrs if v]

    def handle_endtag(self, tag):
        self.skipping = False

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    def handle_comment(self, data):
        self.parts.append(data)


def html_parts(markup: str, code: bool = True) -> list[str]:
    """Every piece of text a page holds: element text, comments, attributes, and (with `code`) script
    and style bodies, one string each (a bilingual page is scanned piece by piece, each in its language)."""
    parser = _Text(code)
    parser.feed(markup)
    parser.close()
    return [p for p in parser.parts if p.strip()]


def html_text(markup: str, code: bool = True) -> str:
    return "\n".join(html_parts(markup, code))


def scan_parts(parts) -> list[Finding]:
    """`scan` of each distinct piece of text (offsets are within the piece)."""
    found: list[Finding] = []
    for part in dict.fromkeys(parts):
        found += scan(part)
    return found


def vtt_text(vtt: str) -> str:
    lines = [ln for ln in vtt.splitlines() if ln.strip() and "-->" not in ln and not ln.strip().isdigit()]
    return "\n".join(re.sub(r"<[^>]*>", " ", ln) for ln in lines)


def script_fills(text: str, words: list[dict]) -> list[str]:
    """The stretches of a script that stand where its clip's redacted transcript has a placeholder."""
    known = known_placeholders()
    expected = []
    for w in words:
        bare = w["text"].rstrip(_PUNCT)
        expected.append(None if bare in known else w["text"])
    tokens = text.split()
    fills, i, j = [], 0, 0
    while i < len(tokens) and j < len(expected):
        if expected[j] is not None:
            if tokens[i] == expected[j]:
                j += 1
            i += 1
            continue
        while j < len(expected) and expected[j] is None:  # adjacent placeholders fill one stretch
            j += 1
        stop = expected[j] if j < len(expected) else None
        while i < len(tokens) and _FRAME.match(tokens[i]) and tokens[i] != stop:
            i += 1
        take = []
        while i < len(tokens) and len(take) < MAX_FILL_TOKENS and tokens[i] != stop and not _FRAME.match(tokens[i]):
            take.append(tokens[i])
            i += 1
        fill = " ".join(take).strip(_PUNCT + " ")
        if fill:
            fills.append(fill)
    return fills
