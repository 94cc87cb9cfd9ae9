"""NL_BSN: a burgerservicenummer, nine digits that pass the elfproef (`stdnum.nl.bsn`),
written ("123456782", "1234 56 782") or read out as digits, pairs or number words."""

from __future__ import annotations

import re

from stdnum.nl import bsn

from curation.pii.recognizers.base import NormalisedRecognizer, context_near

RUN_PATTERN = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
CONTEXT = re.compile(r"^(bsn|bsn-nummer|burgerservicenummer|burgerservice|sofinummer|sofi|sofi-nummer|citizen|"
                     r"persoonsnummer)$")


class NlBsnRecognizer(NormalisedRecognizer):
    ENTITY = "NL_BSN"

    def find(self, norm):
        for run in norm.validation_runs:
            for m in RUN_PATTERN.finditer(run.canon):
                if not bsn.is_valid(m.group()):
                    continue
                start, end = run.span(m.start(), m.end())
                first = run.units[run.unit_range(m.start(), m.end())[0]].first
                boost = context_near(norm, first, CONTEXT, before=12)
                yield start, end, 0.95 if boost else 0.6, "nine digits passing the elfproef"
