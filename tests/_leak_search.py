"""Searching a whole workspace for a person's words: every column of every table, the raw bytes of
the database file (and its -wal/-shm), and every file under the workspace folder (zips opened,
nested zips too, JSON decoded). The words come from the synthetic corpus' ground truth."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text

# words that are ordinary Dutch (or filler) and say nothing about a person on their own
ORDINARY = {"van", "de", "der", "den", "het", "ter", "ten", "te", "la", "le", "el", "al", "bus", "postbus", "punt",
            "apenstaartje", "mevrouw", "meneer", "met", "een", "twee", "drie", "vier", "vijf", "zes", "zeven",
            "acht", "negen", "nul", "tien", "elf", "twaalf", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig",
            "negentig", "honderd", "duizend", "sprong", "straat", "laan", "weg", "plein", "hof"}


def _norm(value: str) -> str:
    return " ".join(value.lower().split())


def _word_pattern(needle: str) -> re.Pattern:
    return re.compile(r"(?<![0-9a-zà-ÿ])" + re.escape(needle) + r"(?![0-9a-zà-ÿ])")


def _tokens(span_text: str) -> list[str]:
    parts = re.split(r"[\s.@,;:/()]+", span_text)
    out = []
    for part in parts:
        for piece in {part, *part.split("-")}:
            piece = piece.strip("'\"-").lower()
            if len(piece) >= 4 and piece.isalpha() and piece not in ORDINARY:
                out.append(piece)
    return out


def customer_words(truths: list[dict], background: str) -> list[str]:
    """Personal words of the customer of these calls: every PII span the customer said, and every
    span the agent said that repeats the customer's details (numbers, the customer's name), as the
    whole span and as its name parts; a word that also occurs in `background` (the other calls)
    is left out, since it is not this person's."""
    spans, customer_name_tokens = [], set()
    for truth in truths:
        for p in truth["pii"]:
            if p["speaker"] == "customer":
                spans.append(p)
                if p["entity_type"] == "PERSON":
                    customer_name_tokens.update(_tokens(p["text"]))
    for truth in truths:
        for p in truth["pii"]:
            if p["speaker"] != "customer" and (p["entity_type"] != "PERSON"
                                               or set(_tokens(p["text"])) & customer_name_tokens):
                spans.append(p)
    background = _norm(background)
    needles = set()
    for p in spans:
        whole = _norm(p["text"])
        if len(whole) >= 4:
            needles.add(whole)
        compact = re.sub(r"[\s\-.]", "", whole)
        if compact != whole and len(compact) >= 6 and any(ch.isdigit() for ch in compact):
            needles.add(compact)
        if p["form"] == "spelled":  # "p van pieter": the spelling alphabet's words are nobody's
            continue
        if p["entity_type"] in ("PERSON", "LOCATION"):
            needles.update(_tokens(p["text"]))
        elif p["entity_type"] == "EMAIL_ADDRESS":  # the local part: the domain is a provider's
            needles.update(_tokens(re.split(r"@| apenstaartje ", p["text"])[0]))
    return sorted(n for n in needles if not _word_pattern(n).search(background))


@dataclass(frozen=True)
class Finding:
    where: str
    needle: str


def _search_text(where: str, value: str, needles: list[str], found: list[Finding], raw: bool = False) -> None:
    """Whole words in text; in `raw` (binary) data any occurrence counts, since the byte before a
    stored string may happen to be a letter."""
    lowered = _norm(value)
    for needle in needles:
        if (needle in lowered) if raw else _word_pattern(needle).search(lowered):
            found.append(Finding(where, needle))


def _decoded_variants(data: bytes) -> list[str]:
    """The bytes as UTF-8 text, plus the JSON they hold re-dumped without \\u escapes."""
    textual = data.decode("utf-8", errors="ignore")
    variants = [textual]
    try:
        variants.append(json.dumps(json.loads(textual), ensure_ascii=False))
    except ValueError:
        pass
    return variants


RAW_SUFFIXES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".db", "-wal", "-shm", "-journal")


def search_bytes(where: str, data: bytes, needles: list[str], found: list[Finding]) -> None:
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    _search_text(f"{where}!{name} (entry name)", name, needles, found)
                    search_bytes(f"{where}!{name}", zf.read(name), needles, found)
        except zipfile.BadZipFile:
            pass
    raw = where.endswith(RAW_SUFFIXES)
    for variant in _decoded_variants(data):
        _search_text(where, variant, needles, found, raw=raw)


def search_database(engine, needles: list[str]) -> list[Finding]:
    """Every value of every column of every table, JSON decoded."""
    found: list[Finding] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    for variant in _decoded_variants(str(value).encode("utf-8")):
                        _search_text(f"{table}.{column}", variant, needles, found)
    return sorted(set(found), key=lambda f: (f.where, f.needle))


def search_folder(root: Path, needles: list[str]) -> list[Finding]:
    """Every file under `root` (file names too), byte for byte, zips opened, JSON decoded."""
    found: list[Finding] = []
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        _search_text(f"{rel} (file name)", rel, needles, found)
        if path.is_file() and not path.is_symlink():
            search_bytes(rel, path.read_bytes(), needles, found)
    return sorted(set(found), key=lambda f: (f.where, f.needle))


def summary(found: list[Finding]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in found:
        out.setdefault(f.where, []).append(f.needle)
    return out
