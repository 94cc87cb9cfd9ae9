"""What a speech recogniser makes of a call: the said words (numbers as words, lower case, no
punctuation) with a seeded share of realistic errors.

Substitutions come from a table of Dutch confusions (homophones, reduced forms, number words one
syllable apart, letter names); compounds are split ("klant nummer", "vier en dertig"), short
words merged or dropped, small words inserted. Names fare worst: misheard as an ordinary word one
letter away, split into ordinary words ("Verhoeven" -> "ver hoeven") or misspelt ("Huijsmans" ->
"huysmans"). Errors never cross an annotated span's edge and never remove a span's last word, so
every span still maps onto transcript words; each heard word keeps where it sits in the audio
(said-word positions), so its time stays aligned with what was said."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError
from .lexicon import LETTER_NAMES
from .script import Turn

DATA = Path(__file__).with_name("data") / "asr" / "confusions.toml"
_STRIP = re.compile(r"^[^\w']+|[^\w']+$")
_NUMBER_COMPOUND = re.compile(r"^(een|twee|drie|vier|vijf|zes|zeven|acht|negen)(en|ën)"
                              r"(twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)$")
_HUNDRED = re.compile(r"^(\w*?honderd|\w*?duizend)(\w{3,})$")
INSERTABLE = ("de", "en", "eh", "ja", "dat", "het", "uh", "een")
# misspellings recognisers make of names: (pattern, replacement) on the lower-cased name
MISSPELL = [(r"ij", "y"), (r"y", "ij"), (r"ei", "ij"), (r"ij", "ei"), (r"au", "ou"), (r"ou", "au"), (r"dt$", "t"),
            (r"d$", "t"), (r"ck", "k"), (r"c(?=[aou])", "k"), (r"ph", "f"), (r"th", "t"), (r"sch$", "s"),
            (r"ae", "aa"), (r"uy", "ui"), (r"ss", "s"), (r"(?<=[aeiou])s(?=en$)", "ss"), (r"^z", "s"), (r"^v", "f"),
            (r"g(?=[aeiou])", "ch"), (r"en$", "e"), (r"x", "ks"), (r"ç", "s"), (r"ş", "sj"), (r"ı", "i"), (r"ğ", ""),
            (r"w(?=[aeiou])", "v"), (r"ie", "i"), (r"oo", "o"), (r"ee", "e"), (r"kk", "k"), (r"tt", "t")]


@dataclass
class Heard:
    """One transcript word: its text, the token it belongs to, and the stretch of said words it
    covers (said word i0 from fraction f0 to said word i1 at fraction f1)."""

    text: str
    token: int
    i0: int
    f0: float
    i1: int
    f1: float
    altered: bool = False


@dataclass
class Recognition:
    turns: list[list[Heard]]
    said: int = 0
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0
    deleted_tokens: set = field(default_factory=set)  # (turn, token) with a said word dropped
    altered_words: set = field(default_factory=set)  # transcript indices of misheard words (set by the transcript)

    @property
    def word_error_rate(self) -> float:
        return round((self.substitutions + self.deletions + self.insertions) / max(1, self.said), 4)


@functools.lru_cache(maxsize=1)
def _tables() -> dict:
    try:
        return tomllib.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{DATA}: cannot read the recognition error table ({exc})") from None


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Frequent Dutch words (wordfreq's list, shipped in its wheel): what a misheard name turns into."""
    try:
        import wordfreq
    except ImportError:
        raise CorpusError("ASR-style transcripts need the 'wordfreq' package (pip install wordfreq)") from None
    return frozenset(w for w in wordfreq.top_n_list("nl", 40000) if w.isalpha() and len(w) >= 2)


def normalise(word: str) -> str:
    """A said word as a recogniser writes it: lower case, no punctuation around it."""
    return _STRIP.sub("", word.lower())


_LETTER_OF = {name: letter.lower() for letter, name in LETTER_NAMES.items()} | {"ei": "ij"}


def heard_words(tok) -> list[str]:
    """The words a recogniser writes for a token: what is said, except that letters said one by
    one (in a postcode, IBAN, plate, spelled name, initial, 'nl') come out as letters ('n l')."""
    text = _STRIP.sub("", tok.text)
    code = normalise(text) != " ".join(normalise(w) for w in tok.say.split()) and any(c.isalpha() for c in text)
    out = []
    for w in tok.say.split():
        n = normalise(w)
        letter = _LETTER_OF.get(n)
        out.append(letter if code and letter and letter.upper() in text.upper() else n)
    return out


def _near_word(name: str, rng) -> str | None:
    """An ordinary word one edit away from the name ('smit' -> 'smid'), if there is one."""
    words, letters = common_words(), "abcdefghijklmnoprstuvwz"
    found = set()
    for i in range(len(name) + 1):
        if i < len(name):
            found.add(name[:i] + name[i + 1:])
            found.update(name[:i] + c + name[i + 1:] for c in letters)
        found.update(name[:i] + c + name[i:] for c in letters)
    found = sorted(w for w in found if w in words and w != name and len(w) >= 3)
    return rng.choice(found) if found else None


def _split_name(name: str, rng) -> str | None:
    """The name heard as two ordinary words ('verhoeven' -> 'ver hoeven')."""
    words = common_words()
    cuts = [i for i in range(3, len(name) - 2) if name[:i] in words and name[i:] in words
            and re.search("[aeiouy]", name[:i]) and re.search("[aeiouy]", name[i:])]
    if not cuts:
        return None
    i = rng.choice(cuts)
    return f"{name[:i]} {name[i:]}"


def _misspell(name: str, rng) -> str:
    rules = [(p, r) for p, r in MISSPELL if re.search(p, name)]
    rng.shuffle(rules)
    for pattern, repl in rules:
        out = re.sub(pattern, repl, name, count=1)
        if out != name and out:
            return out
    return name[:-1] if len(name) > 3 else name + "e"


def _mishear_name(word: str, rng) -> str:
    roll = rng.random()
    if roll < 0.35 and (near := _near_word(word, rng)):
        return near
    if roll < 0.6 and (split := _split_name(word, rng)):
        return split
    return _misspell(word, rng)


def _split(word: str, rng) -> str | None:
    table = _tables()["split"]
    if word in table:
        return rng.choice(table[word])
    if m := _NUMBER_COMPOUND.match(word):
        return f"{m.group(1)} en {m.group(3)}"
    if m := _HUNDRED.match(word):
        return f"{m.group(1)} {m.group(2)}"
    return None


def _substitute(word: str, rng) -> str | None:
    table = _tables()["substitute"]
    if word in table and table[word]:
        return rng.choice(table[word])
    if len(word) >= 6 and (near := _near_word(word, rng)):
        return near
    return None


def _pieces(text: str, token: int, i: int, altered: bool) -> list[Heard]:
    """A said word heard as one or more words, sharing its time by length."""
    parts = text.split()
    total = sum(len(p) for p in parts) or 1
    out, at = [], 0.0
    for p in parts:
        share = len(p) / total
        out.append(Heard(p, token, i, round(at, 4), i, round(at + share, 4), altered))
        at += share
    out[-1].f1 = 1.0
    return out


def recognise(turns: list[Turn], rng, rate: float, rates: dict | None = None) -> Recognition:
    """Hear every turn with a word error rate around `rate` (per speaker in `rates` if given)."""
    tables = _tables()
    merges = {tuple(k.split()): v for k, v in tables["merge"].items()}
    rec = Recognition([])
    for ti, turn in enumerate(turns):
        said = [(k, w or "eh") for k, tok in enumerate(turn.toks) for w in heard_words(tok)]
        cover = [tuple(n for n, s in enumerate(turn.spans) if s.start <= k < s.end) for k, _ in said]
        pii = [any(turn.spans[n].kind == "pii" for n in c) for c in cover]
        names = [any(turn.spans[n].kind == "pii" and turn.spans[n].label in ("PERSON", "LOCATION")
                     and turn.toks[k].say[:1].isupper() for n in c) for (k, _), c in zip(said, cover)]
        left = {n: sum(1 for c in cover if n in c) for n in range(len(turn.spans))}
        p = (rates or {}).get(turn.speaker, rate)
        heard: list[Heard] = []
        rec.said += len(said)
        i = 0
        while i < len(said):
            k, w = said[i]
            same_next = i + 1 < len(said) and cover[i + 1] == cover[i]
            # the last words of a turn stay one word each: the next turn may cut in on them, and
            # a later piece would land among its words
            tail = i >= len(said) - 2
            if rng.random() >= p * (2.5 if names[i] else 1.0):
                heard.extend(_pieces(w, k, i, False))
                i += 1
                continue
            if names[i]:
                out = _mishear_name(w, rng)
                if tail and " " in out:
                    out = _misspell(w, rng)
                heard.extend(_pieces(out, k, i, True))
                rec.substitutions += 1
                rec.insertions += len(out.split()) - 1
                i += 1
                continue
            roll = rng.random()
            if roll < 0.2 and len(w) <= 4 and all(left[n] > 1 for n in cover[i]):
                for n in cover[i]:
                    left[n] -= 1
                rec.deletions += 1
                rec.deleted_tokens.add((ti, k))
                i += 1
                continue
            if roll < 0.35 and not pii[i] and not tail and len(w) >= 5 and same_next:
                # a word heard in the middle of a said one (its vowel, where the energy is)
                heard.append(Heard(w, k, i, 0.0, i, 0.45))
                heard.append(Heard(rng.choice(INSERTABLE), k, i, 0.45, i, 0.8, True))
                rec.insertions += 1
                i += 1
                continue
            if roll < 0.45 and same_next and (merged := merges.get((w, said[i + 1][1]))):
                heard.append(Heard(merged, k, i, 0.0, i + 1, 1.0, True))
                rec.substitutions += 1
                rec.deletions += 1
                if said[i + 1][0] != k:
                    rec.deleted_tokens.add((ti, said[i + 1][0]))
                i += 2
                continue
            out = _split(w, rng) if roll < 0.7 and not tail else None
            out = out or _substitute(w, rng)
            if out and tail and " " in out:
                out = None
            if out:
                heard.extend(_pieces(out, k, i, True))
                rec.substitutions += 1
                rec.insertions += len(out.split()) - 1
            else:
                heard.extend(_pieces(w, k, i, False))
            i += 1
        rec.turns.append(heard)
    return rec
