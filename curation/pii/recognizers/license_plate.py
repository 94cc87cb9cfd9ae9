"""NL_LICENSE_PLATE: Dutch kentekens in sidecodes 1-14, written with hyphens ("GV-446-N") or
read out letter by letter ("G V vier vier zes N", needs the word kenteken or auto nearby)."""

from __future__ import annotations

import re

from curation.pii.recognizers.base import NormalisedRecognizer, context_near

SIDECODES = ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
             "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"]
PLATE_LETTERS = "BDFGHJKLMNPRSTVXZ"


def _regex(code: str, letters: str, hyphen: bool) -> str:
    out = []
    for c in code:
        if c == "X":
            out.append(f"[{letters}]")
        elif c == "9":
            out.append("[0-9]")
        elif hyphen:
            out.append("-")
    return "".join(out)


WRITTEN = re.compile(r"(?<![\w-])(?:" + "|".join(_regex(c, "A-Z", True) for c in SIDECODES) + r")(?![\w-])")
RUN_PATTERN = re.compile(r"(?<![A-Z0-9])(?:" + "|".join(_regex(c, "A-Z", False) for c in SIDECODES) + r")(?![A-Z0-9])")
MODERN = re.compile(r"(?:" + "|".join(_regex(c, PLATE_LETTERS, False) for c in SIDECODES[3:]) + r")\Z")
CONTEXT = re.compile(r"(kenteken|nummerbord|nummerplaat|^auto|wagen$|voertuig|motor$|scooter|bus$|"
                     r"plate|registration|vehicle|^car$)")


class NlLicensePlateRecognizer(NormalisedRecognizer):
    ENTITY = "NL_LICENSE_PLATE"

    def find(self, norm):
        text = norm.text
        for m in WRITTEN.finditer(text):
            yield m.start(), m.end(), 0.9, "licence plate sidecode with hyphens"
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
