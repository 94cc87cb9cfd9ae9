"""Searching a whole workspace for a person's words: every column of every table, the raw bytes of
the database file (and its -wal/-shm), and every file under the workspace folder (zips opened,
nested zips too, JSON decoded). The words come from the synthetic corpus' ground truth. Binary
data (database pages, audio) is searched for the words of six characters or more only."""

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
            "acht", "negen", "nul", "tien", "elf", "twaalf", "twintig", "dertig", "veertig", "vijftig", "zestig",
            "zeventig", "tachtig", "negentig", "honderd", "duizend", "sprong", "straat", "laan", "weg", "plein", "hof"}


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


BINARY_MIN = 6  # in binary data a shorter word turns up by chance (random bytes spell "ward" now and then)


def _search_text(where: str, value: str, needles: list[str], found: list[Finding], binary: bool = False) -> None:
    """Whole words in text. In binary data (database pages, audio) any occurrence of a word of at
    least BINARY_MIN characters counts: the byte before a stored string may happen to be a letter."""
    lowered = _norm(value)
    for needle in needles:
        if binary:
            if len(needle) >= BINARY_MIN and needle in lowered:
                found.append(Finding(where, needle))
        elif _word_pattern(needle).search(lowered):
            found.append(Finding(where, needle))


def search_bytes(where: str, data: bytes, needles: list[str], found: list[Finding]) -> None:
    """A zip is opened (its members searched, nested zips too); text is searched as text and as the
    JSON it holds (\\u escapes undone); anything else (the database file, audio) as binary."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    _search_text(f"{where}!{name} (entry name)", name, needles, found)
                    search_bytes(f"{where}!{name}", zf.read(name), needles, found)
            return
        except zipfile.BadZipFile:
            pass
    try:
        textual = data.decode("utf-8")
    except UnicodeDecodeError:
        _search_text(where, data.decode("utf-8", errors="ignore"), needles, found, binary=True)
        return
    _search_text(where, textual, needles, found)
    try:
        _search_text(where, json.dumps(json.loads(textual), ensure_ascii=False), needles, found)
    except ValueError:
        pass


def search_database(engine, needles: list[str]) -> list[Finding]:
    """Every value of every column of every table, JSON decoded."""
    found: list[Finding] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    search_bytes(f"{table}.{column}", str(value).encode("utf-8"), needles, found)
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
