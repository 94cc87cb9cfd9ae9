"""One common format for every third-party source: `Doc` (text + gold spans in our entity types), and
the conversion of token/IOB corpora (CoNLL) into running text with exact character offsets.

Gold span types are our entity types (curation.pii.ENTITY_TYPES), or
  - None: annotated but not personal data (ORG, MISC, hospitals, companies): these tokens are negatives,
    redacting "Ajax" or "Olympische Spelen" is a false alarm, like redacting any unannotated word;
  - OUT_OF_SCOPE: personal or identifying in the source's scheme but outside our entity types, or a
    date whose kind the scheme does not say (age, URL, profession, "datum"): neither rewarded nor punished.
`marks` label negatives by a simple rule on the written text ("date", "number") so that dates taken for
DATE_OF_BIRTH and amounts taken for ACCOUNT_ID can be counted (see `rule_marks`).

CoNLL-style sources annotate names only. The contact details in their text are personal data their
scheme never had a label for, so they are OUT_OF_SCOPE rather than negatives (`outside_name_scheme`):
phone numbers as Google's `phonenumbers` matcher finds them, e-mail addresses and web addresses, the
house number after an annotated street and the postcode before an annotated town. Redacting
"tel. 02 / 227.63.97" is then neither a hit nor a false alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OUT_OF_SCOPE = "OUT_OF_SCOPE"

# source scheme -> our type (None = not personal data)
CONLL_TYPES = {"PER": "PERSON", "LOC": "LOCATION", "ORG": None, "MISC": None}
DEDUCE_TYPES = {"persoon": "PERSON", "patient": "PERSON", "locatie": "LOCATION",
                "telefoonnummer": "PHONE_NUMBER", "emailadres": "EMAIL_ADDRESS", "bsn": "NL_BSN",
                "id": "ACCOUNT_ID", "ziekenhuis": None, "zorginstelling": None, "instelling": None,
                "datum": OUT_OF_SCOPE, "leeftijd": OUT_OF_SCOPE, "url": OUT_OF_SCOPE}
NEDAP_TYPES = {"Name": "PERSON", "Initials": "PERSON", "Address": "LOCATION", "Email": "EMAIL_ADDRESS",
               "Phone_fax": "PHONE_NUMBER", "SSN": "NL_BSN", "ID": "ACCOUNT_ID", "Hospital": None,
               "Care_Institute": None, "Organization_Company": None, "Internal_Location": None,
               "Date": OUT_OF_SCOPE, "Age": OUT_OF_SCOPE, "URL_IP": OUT_OF_SCOPE, "Profession": OUT_OF_SCOPE,
               "Other": OUT_OF_SCOPE}


@dataclass(frozen=True)
class Doc:
    """One scored text: `spans` are gold (start, end, type) with character offsets into `text`."""

    id: str
    source: str
    split: str  # "tune" or "heldout"
    language: str  # "nl" or "en"
    text: str
    spans: tuple = ()  # ((start, end, type | None | OUT_OF_SCOPE), ...)
    marks: tuple = ()  # ((start, end, "date" | "number"), ...) on negatives, by rule
    form: str = "written"  # or "spoken"
    meta: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for start, end, _ in (*self.spans, *self.marks):
            if not (0 <= start < end <= len(self.text)):
                raise ValueError(f"{self.id}: span {start}..{end} outside a text of {len(self.text)} characters")


# ------------------------------------------------------------------------------------------ detokenising
_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%", "...", ".."}
_NO_SPACE_AFTER = {"(", "[", "{"}
_QUOTES = {'"', "'", "''", "``"}
_EN_CLITIC = re.compile(r"(?:'s|'S|n't|'re|'ve|'ll|'d|'m)\Z")


def detokenise(tokens: list[str], language: str = "nl") -> tuple[str, list[tuple[int, int]]]:
    """Join tokens into readable text ("Jan , Piet ." -> "Jan, Piet."); returns the text and each token's
    (start, end). Straight quotes alternate between opening (no space after) and closing (none before)."""
    parts, offsets, pos = [], [], 0
    glue_next, open_quote = True, False
    for tok in tokens:
        space = not glue_next
        glue_next = False
        if tok in _QUOTES:
            if open_quote:
                space = False
            else:
                glue_next = True
            open_quote = not open_quote
        elif tok in _NO_SPACE_BEFORE or (language == "en" and _EN_CLITIC.match(tok)):
            space = False
        if tok in _NO_SPACE_AFTER:
            glue_next = True
        if space and parts:
            parts.append(" ")
            pos += 1
        parts.append(tok)
        offsets.append((pos, pos + len(tok)))
        pos += len(tok)
    return "".join(parts), offsets


def iob_entities(tags: list[str]):
    """(first, last + 1, type) token ranges of IOB1 or IOB2 tags: B- always starts an entity, I- starts
    one after O or another type."""
    start, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        tag_kind = tag[2:] if tag[:2] in ("B-", "I-") else None
        if tag_kind is None or tag.startswith("B-") or tag_kind != kind:
            if kind is not None:
                yield start, i, kind
            start, kind = (i, tag_kind) if tag_kind else (None, None)


def read_conll(text: str) -> list[list[list[tuple[str, str]]]]:
    """Articles -> sentences -> (word, tag) of a CoNLL file (word first, tag last; -DOCSTART- starts an
    article; a file without -DOCSTART- is one article)."""
    articles: list = [[]]
    sentence: list = []
    for line in text.splitlines():
        cols = line.split()
        if not cols:
            if sentence:
                articles[-1].append(sentence)
            sentence = []
        elif cols[0] == "-DOCSTART-":
            if sentence:
                articles[-1].append(sentence)
            sentence = []
            if articles[-1]:
                articles.append([])
        else:
            sentence.append((cols[0], cols[-1]))
    if sentence:
        articles[-1].append(sentence)
    return [a for a in articles if a]


def sentences_to_doc(doc_id: str, source: str, split: str, language: str, sentences, type_map: dict,
                     meta: dict | None = None) -> Doc:
    """One Doc of consecutive sentences (joined by a space), gold spans from their IOB tags."""
    words = [w for s in sentences for w, _ in s]
    tags = [t for s in sentences for _, t in s]
    pieces, offsets, pos = [], [], 0
    for s in sentences:
        text, offs = detokenise([w for w, _ in s], language)
        if pieces:
            pieces.append(" ")
            pos += 1
        pieces.append(text)
        offsets.extend((a + pos, b + pos) for a, b in offs)
        pos += len(text)
    text = "".join(pieces)
    assert all(text[a:b] == w for (a, b), w in zip(offsets, words))
    spans = tuple((offsets[i][0], offsets[j - 1][1], type_map.get(kind, OUT_OF_SCOPE))
                  for i, j, kind in iob_entities(tags))
    spans = tuple(sorted(spans + outside_name_scheme(text, spans, language), key=lambda s: (s[0], s[1])))
    return Doc(doc_id, source, split, language, text, spans, rule_marks(text, spans), meta=meta or {})


def chunk(items: list, size: int) -> list[list]:
    """Consecutive, nearly equal chunks of at most `size` items."""
    if not items:
        return []
    n = -(-len(items) // size)
    step = len(items) / n
    return [items[round(i * step):round((i + 1) * step)] for i in range(n)]


# ------------------------------------------------------------------------- outside a names-only scheme
PHONE_REGIONS = {"nl": ("BE", "NL"), "en": ("GB", "US")}  # CoNLL-2002 is Belgian (De Morgen, 2000)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s,;)]+[^\s,;).]")
_STREET = re.compile(r"(?:straat|laan|weg|plein|markt|park|gracht|lei|dreef|kaai|kade|singel|dijk|vest|"
                     r"street|road|avenue|lane)\Z", re.IGNORECASE)
_HOUSE_NUMBER = re.compile(r"\s+(\d{1,4}(?:\s?[a-zA-Z]\b)?)")
_POSTCODE_BEFORE = re.compile(r"(?:^|,\s*|\d\s+)(\d{4}(?:\s?[A-Z]{2})?)\s+\Z")


def outside_name_scheme(text: str, spans, language: str = "nl") -> tuple:
    """OUT_OF_SCOPE spans for the contact details a names-only scheme (CoNLL) leaves unannotated: phone
    numbers (`phonenumbers`, the language's regions), e-mail and web addresses, a house number right
    after a gold LOCATION that ends in a street word and a four-digit postcode right before a gold
    LOCATION (after a comma or a house number). Never over an annotated span."""
    import phonenumbers

    found = []
    for region in PHONE_REGIONS.get(language, ()):
        found += [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, region)]
    found += [m.span() for m in _EMAIL.finditer(text)] + [m.span() for m in _URL.finditer(text)]
    places = sorted((a, b) for a, b, t in spans if t == "LOCATION")
    for a, b in places:
        if _STREET.search(text[a:b]):
            m = _HOUSE_NUMBER.match(text, b)
            if m:
                found.append(m.span(1))
        m = _POSTCODE_BEFORE.search(text, max(0, a - 12), a)
        if m:
            found.append(m.span(1))
    out = []
    for a, b in sorted(set(found)):
        if not any(s < b and a < e for s, e, _ in spans) and not any(s < b and a < e for s, e, _ in out):
            out.append((a, b, OUT_OF_SCOPE))
    return tuple(out)


# ------------------------------------------------------------------------------------------ rule marks
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           "january|february|march|may|june|july|august|october|"
           "jan|feb|mrt|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec")
_DATE = re.compile(
    r"\b\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})\b"
    rf"|\b\d{{1,2}}(?:e|ste|de|st|nd|rd|th)?\s+(?:{_MONTHS})\b\.?(?:\s+'?\d{{4}}\b)?"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{4}}\b"
    r"|\b(?:18|19|20)\d\d\b", re.IGNORECASE)
_NUMBER = re.compile(r"[€$£]?\d+(?:[.,:]\d+)*%?")


def rule_marks(text: str, spans) -> tuple:
    """Dates and numbers (amounts, prices, scores, years) found by rule, where no gold personal-data span
    is: the negatives whose false alarms are counted by class."""
    personal = [(a, b) for a, b, t in spans if t is not None]

    def free(a, b):
        return not any(a < e and s < b for s, e in personal)

    marks = [(m.start(), m.end(), "date") for m in _DATE.finditer(text) if free(m.start(), m.end())]
    for m in _NUMBER.finditer(text):
        if free(m.start(), m.end()) and not any(a < m.end() and m.start() < b for a, b, _ in marks):
            marks.append((m.start(), m.end(), "number"))
    return tuple(sorted(marks))
