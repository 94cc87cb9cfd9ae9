"""IBAN_CODE: an IBAN with a valid checksum (`stdnum.iban`), written in groups or read out as
letters and digits ("N L negen een A B N A nul vier ..."). Presidio's own `IbanRecognizer`
is registered for written IBANs as well; overlaps are resolved by `curation.pii.spans`."""

from __future__ import annotations

import re

from stdnum import iban

from curation.pii.recognizers.base import NormalisedRecognizer

RUN_PATTERN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
# a Dutch IBAN's shape, a digit more or fewer included (a digit dropped or doubled by the recogniser)
NL_SHAPE = re.compile(r"NL[0-9]{2}[A-Z]{4}[0-9]{9,11}")


class SpokenIbanRecognizer(NormalisedRecognizer):
    ENTITY = "IBAN_CODE"

    def find(self, norm):
        for run in norm.validation_runs:
            if len(run.canon) < 15:
                continue
            for m in RUN_PATTERN.finditer(run.canon):
                code = m.group()
                found = False
                for length in range(len(code), 14, -1):
                    if iban.is_valid(code[:length]):
                        start, end = run.span(m.start(), m.start() + length)
                        yield start, end, 0.95, "IBAN with a valid checksum"
                        found = True
                        break
                if not found:
                    shape = NL_SHAPE.match(code)
                    if shape:  # a misheard digit still leaves an account number on the line
                        start, end = run.span(m.start(), m.start() + shape.end())
                        yield start, end, 0.6, "Dutch IBAN shape, checksum wrong"
