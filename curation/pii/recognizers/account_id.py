"""ACCOUNT_ID: customer, contract, order and other reference numbers, recognised by a context
word before them, also inside compounds ("klantnummer", "contract-nr", "ordernummer")."""

from __future__ import annotations

import re

from curation.pii.recognizers.base import NormalisedRecognizer

PREFIXES = (r"klant|klanten|contract|order|bestel|bestelling|dossier|referentie|polis|factuur|abonnement|"
            r"abonnements|lid|lidmaatschap|lidmaatschaps|pas|klantenpas|account|zaak|ticket|meter|aansluit|"
            r"aansluitings|debiteur|debiteuren|relatie|service|registratie|klantreferentie|schade|"
            r"customer|membership|reference|policy|invoice|case|order")
COMPOUND = re.compile(rf"^({PREFIXES})s?-?(nummer|nr\.?|id|code|number|no\.?|kenmerk)$")
PREFIX_ONLY = re.compile(rf"^({PREFIXES})$")
NUMBER_WORD = re.compile(r"^(nummer|nr\.?|number|no\.?|id|code)$")
STANDALONE = re.compile(r"^(kenmerk|referentie|klantnummer|ordernummer|klantnr)$")
# another entity's context word ends the search for the number
FOREIGN = re.compile(r"(telefoon|mobiel|rekening|iban|^bsn|burgerservice|sofi|postcode|kenteken|geboren|"
                     r"geboortedatum|e-?mail|adres$|phone|birth)")
WINDOW = 14


class NlAccountIdRecognizer(NormalisedRecognizer):
    ENTITY = "ACCOUNT_ID"

    def find(self, norm):
        tokens = norm.tokens
        n = len(tokens)
        runs_by_token = {}
        for run in norm.runs:
            digits = sum(c.isdigit() for c in run.canon)
            if len(run.canon) >= 4 and digits >= 3:
                runs_by_token[run.units[0].first] = run
        if not runs_by_token:
            return
        claimed = set()
        for i, t in enumerate(tokens):
            key = t.key
            context = COMPOUND.match(key) or STANDALONE.match(key) or (
                i + 1 < n and PREFIX_ONLY.match(key) and NUMBER_WORD.match(tokens[i + 1].key))
            if not context:
                continue
            for k in range(i + 1, min(n, i + 1 + WINDOW)):
                run = runs_by_token.get(k)
                if run is not None:
                    if id(run) not in claimed:
                        claimed.add(id(run))
                        yield run.start, run.end, 0.9, f"reference number after {key!r}"
                    break
                if k > i + 1 and FOREIGN.search(tokens[k].key):
                    break
        # long digit strings nobody else claims are identifiers of some kind
        for run in norm.runs:
            if id(run) not in claimed and sum(c.isdigit() for c in run.canon) >= 7 and not run.units[-1].tail:
                yield run.start, run.end, 0.45, "long unexplained number"
