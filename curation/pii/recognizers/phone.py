"""PHONE_NUMBER: Dutch numbers written ("06-12345678", "020 123 4567", "+31 6 ...", service numbers
"0800 1234", "+31 906 1234", a municipality's "14 020" after a phone word) or read out digit by digit,
in pairs, or as number words; validated with `phonenumbers`."""

from __future__ import annotations

import re

import phonenumbers

from curation.pii.recognizers.base import NormalisedRecognizer, context_near

# never the digits after an IBAN's four-letter bank code ("NL12ABNA0123456789": an account number, checksum
# or not); a postcode's two letters may come before a phone number ("1234 AB 0612345678")
RUN_PATTERN = re.compile(r"(?<![0-9+])(?<![A-Z]{4})(?:\+31|0031|0)[1-9][0-9]{8}(?![0-9])"
                         r"|(?<![0-9+])(?<![A-Z]{4})(?:\+31|0031|0)[89]0[0-9][0-9]{4,7}(?![0-9])"
                         r"|(?<![0-9+])(?<![A-Z]{4})\+(?!31)[1-9][0-9]{7,13}(?![0-9])")
# a municipality's short number, "14" and its area code ("14 020"): five or six digits that read as an
# amount as often, so only with a phone word before it
SHORT_PATTERN = re.compile(r"(?<![0-9+])140[1-9][0-9]{1,2}(?![0-9])")
CONTEXT = re.compile(r"(telefoon|mobiel|nummer$|^tel\.?$|bellen|belt|bel$|gebeld|^06$|whatsapp|phone|mobile|call)")


# English calls: also British numbers ("oh two oh, seven nine four six ..."), eleven digits from 0, and
# North American ones ("five five five, one two three, four five six seven"), ten digits (a leading 1)
RUN_PATTERN_EN = re.compile(r"(?<![0-9+])0[1-9][0-9]{9}(?![0-9])")
RUN_PATTERN_US = re.compile(r"(?<![0-9+])1?[2-9][0-9]{2}[2-9][0-9]{6}(?![0-9])")


def _valid(number: str, region: str = "NL") -> bool:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) or phonenumbers.is_possible_number(parsed)


class NlPhoneRecognizer(NormalisedRecognizer):
    ENTITY = "PHONE_NUMBER"

    def find(self, norm):
        for run in norm.validation_runs:
            if self.supported_language != "en" and 5 <= len(run.canon) <= 6:
                for m in SHORT_PATTERN.finditer(run.canon):
                    first = run.units[run.unit_range(m.start(), m.end())[0]].first
                    if context_near(norm, first, CONTEXT, before=6) and _valid(m.group()):
                        start, end = run.span(m.start(), m.end())
                        yield start, end, 0.8, "municipal short number after a phone word"
            if len(run.canon) < 8:
                continue
            for m in RUN_PATTERN.finditer(run.canon):
                if not _valid(m.group()):
                    continue
                start, end = run.span(m.start(), m.end())
                first = run.units[run.unit_range(m.start(), m.end())[0]].first
                boost = context_near(norm, first, CONTEXT, before=10)
                yield start, end, 0.9 if boost else 0.75, "valid phone number"
            if self.supported_language != "en":
                continue
            for m in RUN_PATTERN_EN.finditer(run.canon):
                if not _valid(m.group(), "GB"):
                    continue
                start, end = run.span(m.start(), m.end())
                first = run.units[run.unit_range(m.start(), m.end())[0]].first
                yield start, end, 0.9 if context_near(norm, first, CONTEXT, before=10) else 0.75, "valid UK phone number"
            for m in RUN_PATTERN_US.finditer(run.canon):
                if not _valid(m.group(), "US"):
                    continue
                start, end = run.span(m.start(), m.end())
                first = run.units[run.unit_range(m.start(), m.end())[0]].first
                if context_near(norm, first, CONTEXT, before=10):  # ten digits alone are as often an account
                    yield start, end, 0.85, "North American phone number after a phone word"
