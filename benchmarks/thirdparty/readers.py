"""Readers: the pinned files of each source (sources.SOURCES) -> `Doc`s with their tune / held-out split.

The split of every document is fixed by the data (file names, or a sha256 of a case id or value), never
by a random draw, so that what is held out today is held out tomorrow.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from benchmarks.thirdparty.convert import (CONLL_TYPES, DEDUCE_TYPES, NEDAP_TYPES, OUT_OF_SCOPE, Doc, chunk,
                                           read_conll, rule_marks, sentences_to_doc)

SENTENCES_PER_DOC = 8  # CoNLL: consecutive sentences of one article per document, as context crosses in a call
EUROPEANA_TOKENS_PER_DOC = 120  # Europeana has no sentence breaks: sentences (by end punctuation) up to this


def hashed_split(key: str) -> str:
    """'tune' or 'heldout' from the first byte of sha256(key): stable across runs and machines."""
    return "tune" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "heldout"


def read_source(name: str, files: dict[str, Path]) -> list[Doc]:
    """All documents of source `name` from its fetched files."""
    return _READERS[name](files)


# ------------------------------------------------------------------------------------------ CoNLL
def _conll(source: str, language: str, splits: dict[str, str], files: dict[str, Path]) -> list[Doc]:
    docs = []
    for member, path in files.items():
        file = member.rsplit("/", 1)[-1]
        for a, article in enumerate(read_conll(_decode(path.read_bytes()))):
            for c, sentences in enumerate(chunk(article, SENTENCES_PER_DOC)):
                docs.append(sentences_to_doc(f"{source}/{file}/{a:04d}/{c}", source, splits[file], language,
                                             sentences, CONLL_TYPES))
    return docs


def _decode(data: bytes) -> str:
    """UTF-8 when the bytes are (the pinned CoNLL-2002 copy is, although the original files were latin-1)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _conll2002(files):
    return _conll("conll2002", "nl", {"ned.train": "tune", "ned.testa": "tune", "ned.testb": "heldout"}, files)


def _conll2003(files):
    return _conll("conll2003", "en", {"eng.testa": "tune", "eng.testb": "heldout"}, files)


def _wikineural(files):
    """WikiNEuRal's CoNLL-U-like files (index, word, tag per line) read as CoNLL: one article per file."""
    docs = []
    for member, path in files.items():
        file = member.rsplit("/", 1)[-1]
        split = {"val.conllu": "tune", "test.conllu": "heldout"}[file]
        lines = ("\t".join(line.split("\t")[1:]) if line.strip() else "" for line in _decode(path.read_bytes()).splitlines())
        for a, article in enumerate(read_conll("\n".join(lines))):
            for c, sentences in enumerate(chunk(article, SENTENCES_PER_DOC)):
                docs.append(sentences_to_doc(f"wikineural/{file}/{a:04d}/{c}", "wikineural", split, "nl",
                                             sentences, CONLL_TYPES))
    return docs


def _europeana(files):
    (path,) = files.values()
    words = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    words = [(w[0], w[-1]) for w in words if len(w) >= 2]
    sentences, current = [], []
    for word, tag in words:
        current.append((word, tag))
        if word[-1] in ".?!" and len(current) > 1:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    docs, group = [], []
    for sentence in sentences:
        group.append(sentence)
        if sum(map(len, group)) >= EUROPEANA_TOKENS_PER_DOC:
            docs.append(sentences_to_doc(f"europeana/{len(docs):05d}", "europeana", "heldout", "nl", group,
                                         CONLL_TYPES))
            group = []
    if group:
        docs.append(sentences_to_doc(f"europeana/{len(docs):05d}", "europeana", "heldout", "nl", group, CONLL_TYPES))
    return docs


# ------------------------------------------------------------------------------------------ deduce / nedap
def _deduce(files):
    docs = []
    for member, path in sorted(files.items()):
        group = Path(member).stem
        for case in json.loads(path.read_text(encoding="utf-8"))["examples"]:
            text = case["text"]
            spans = tuple((a["start_char"], a["end_char"], DEDUCE_TYPES.get(a["tag"], OUT_OF_SCOPE))
                          for a in case["annotations"])
            key = f"{group}:{case['id']}"
            docs.append(Doc(f"deduce/{key}", "deduce", hashed_split(key), "nl", text, spans,
                            rule_marks(text, spans)))
    return docs


_POSTCODE = re.compile(r"\b\d{4} ?[A-Z]{2}\b")
_BRAT_TEXT_BOUND = re.compile(r"T\d+\s+(\S+)\s+(\d+)\s+(?:\d+;\d+\s+)*(\d+)\s")


def _brat_spans(text: str, ann: str) -> tuple:
    """Text-bound brat annotations -> spans; a postcode inside an Address becomes its own NL_POSTCODE span."""
    spans = []
    for line in ann.splitlines():
        m = _BRAT_TEXT_BOUND.match(line)  # tab- or space-separated, discontinuous ranges joined
        if not m:
            continue
        kind, start, end = m.group(1), int(m.group(2)), int(m.group(3))
        ours = NEDAP_TYPES.get(kind, OUT_OF_SCOPE)
        postcode = _POSTCODE.search(text, start, end) if kind == "Address" else None
        if postcode is None:
            spans.append((start, end, ours))
            continue
        for a, b, t in ((start, postcode.start(), ours), (postcode.start(), postcode.end(), "NL_POSTCODE"),
                        (postcode.end(), end, ours)):
            while a < b and not text[a].isalnum():
                a += 1
            while b > a and not text[b - 1].isalnum():
                b -= 1
            if a < b:
                spans.append((a, b, t))
    return tuple(sorted(spans))


def _nedap(files):
    docs = []
    for member in sorted(m for m in files if m.endswith(".txt")):
        text = files[member].read_text(encoding="utf-8")
        spans = _brat_spans(text, files[member[:-4] + ".ann"].read_text(encoding="utf-8"))
        doc_id = "nedap/" + member[:-4].replace("data/corpus/", "").replace("tests/surrogates/data/", "")
        docs.append(Doc(doc_id, "nedap", "heldout", "nl", text, spans, rule_marks(text, spans)))
    return docs


# ------------------------------------------------------------------------------------------ sanity set
# Carrier sentences written for this benchmark (the values in them come from the packages' own files).
CARRIERS = {
    "NL_BSN": ["Mijn burgerservicenummer is {v}, dat staat ook op mijn paspoort.",
               "Kunt u {v} even voor mij controleren?",
               "Het BSN van mijn moeder is {v} als ik het goed heb."],
    "IBAN_CODE": ["Het geld mag teruggestort worden op {v}, dat is mijn spaarrekening.",
                  "Ik heb {v} als rekeningnummer opgegeven.",
                  "Staat {v} nog bij u in het systeem?"],
    "NL_POSTCODE": ["De postcode is {v} en het huisnummer weet u al.",
                    "Wij zitten sinds kort op {v}, vlak bij het station.",
                    "Is {v} de goede postcode?"],
    "PHONE_NUMBER": ["U kunt mij het beste bellen op {v}, liefst na vijf uur.",
                     "Mijn nieuwe nummer is {v} en het oude mag weg.",
                     "Belt u even naar {v} als het pakket er is?"],
}


def _sanity_doc(source: str, kind: str, value: str, origin: str) -> Doc:
    carriers = CARRIERS[kind]
    carrier = carriers[hashlib.sha256(value.encode()).digest()[1] % len(carriers)]
    start = carrier.index("{v}")
    text = carrier.replace("{v}", value)
    spans = ((start, start + len(value), kind),)
    return Doc(f"{source}/{kind}/{value}", source, hashed_split(value), "nl", text, spans, rule_marks(text, spans),
               meta={"value_from": origin, "carrier": "written for this benchmark"})


def _stdnum(files):
    from stdnum import iban
    from stdnum.nl import bsn, postcode

    docs = []
    for member, path in sorted(files.items()):
        text = path.read_text(encoding="utf-8")
        if member.endswith("bsn.py"):
            for v in dict.fromkeys(re.findall(r">>> (?:validate|format)\('([^']+)'\)", text)):
                if bsn.is_valid(v):
                    docs.append(_sanity_doc("stdnum", "NL_BSN", v, member))
        elif member.endswith("postcode.py"):
            for v in dict.fromkeys(re.findall(r">>> validate\('([^']+)'\)", text)):
                if postcode.is_valid(v):
                    docs.append(_sanity_doc("stdnum", "NL_POSTCODE", postcode.validate(v), member))
        else:
            for v in dict.fromkeys(re.findall(r"^\.\.\. (NL\d\d[ A-Z0-9]+?)\s*$", text, re.M)):
                if iban.is_valid(v):
                    docs.append(_sanity_doc("stdnum", "IBAN_CODE", v, member))
    return docs


def _phonenumbers(files):
    import phonenumbers

    docs = []
    for member, path in files.items():
        for national in dict.fromkeys(re.findall(r"example_number='(\d+)'", path.read_text(encoding="utf-8"))):
            number = phonenumbers.parse("+31" + national)
            for fmt in (phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL):
                docs.append(_sanity_doc("phonenumbers", "PHONE_NUMBER", phonenumbers.format_number(number, fmt),
                                        member))
    return list({d.id: d for d in docs}.values())


_READERS = {"conll2002": _conll2002, "conll2003": _conll2003, "wikineural": _wikineural, "europeana": _europeana,
            "deduce": _deduce, "nedap": _nedap, "stdnum": _stdnum, "phonenumbers": _phonenumbers}
