"""NL_LICENSE_PLATE: Dutch kentekens in sidecodes 1-14, written with hyphens ("GV-446-N"), in a
transcript's lower case with spaces ("12 ab cd") or read out letter by letter ("G V vier vier zes N");
all but the hyphenated form need the word kenteken or auto nearby."""

from __future__ import annotations

import re

from curation.pii.recognizers.base import TWO_LETTER_WORDS, NormalisedRecognizer, context_near

SIDECODES = ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
             "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"]
PLATE_LETTERS = "BDFGHJKLMNPRSTVXZ"


def _regex(code: str, letters: str, hyphen: bool, separator: str = "-") -> str:
    out = []
    for c in code:
        if c == "X":
            out.append(f"[{letters}]")
        elif c == "9":
            out.append("[0-9]")
        elif hyphen:
            out.append(separator)
    return "".join(out)


WRITTEN = re.compile(r"(?<![\w-])(?:" + "|".join(_regex(c, "A-Z", True) for c in SIDECODES) + r")(?![\w-])")
RUN_PATTERN = re.compile(r"(?<![A-Z0-9])(?:" + "|".join(_regex(c, "A-Z", False) for c in SIDECODES) + r")(?![A-Z0-9])")
# a transcript in lower case with its groups apart ("12 ab cd", "gv 446 n"): only after the word kenteken
SPACED = re.compile(r"(?<![\w-])(?=(" + "|".join(_regex(c, "a-z", True, " ") for c in SIDECODES) + r")(?![\w-]))")
# letter groups that are words: "is 12 ab" in "het kenteken is 12 ab cd" is no plate
SPACED_NOT_LETTERS = TWO_LETTER_WORDS | {"nee", "die", "dat", "het", "een", "met", "van", "was", "wat", "hij", "zij",
                                         "dus", "nog", "ook", "maar", "the", "and", "it", "my"}
MODERN = re.compile(r"(?:" + "|".join(_regex(c, PLATE_LETTERS, False) for c in SIDECODES[3:]) + r")\Z")
CONTEXT = re.compile(r"(kenteken|nummerbord|nummerplaat|^auto|wagen$|voertuig|motor$|scooter|bus$|"
                     r"plate|registration|vehicle|^car$)")


class NlLicensePlateRecognizer(NormalisedRecognizer):
    ENTITY = "NL_LICENSE_PLATE"

    def find(self, norm):
        text = norm.text
        for m in WRITTEN.finditer(text):
            yield m.start(), m.end(), 0.9, "licence plate sidecode with hyphens"
        taken = -1
        for m in SPACED.finditer(text):  # overlapping candidates: "is 12 ab" and "12 ab cd"
            start, end = m.start(1), m.end(1)
            if start < taken or any(g in SPACED_NOT_LETTERS for g in m.group(1).split()):
                continue
            first = norm.token_at(start)
            if first is not None and context_near(norm, first, CONTEXT, before=12):
                yield start, end, 0.85, "licence plate sidecode in lower case after kenteken"
                taken = end
        for run in norm.validation_runs:
            if len(run.canon) < 6:
                continue
            for m in RUN_PATTERN.finditer(run.canon):
                first = run.units[run.unit_range(m.start(), m.end())[0]].first
                start, end = run.span(m.start(), m.end())
                if context_near(norm, first, CONTEXT, before=12):
                    yield start, end, 0.9, "sidecode read out after kenteken"
                elif MODERN.match(m.group()) and len(run.canon) == 6 and len(run.units) > 1:
                    yield start, end, 0.5, "modern sidecode read out"
