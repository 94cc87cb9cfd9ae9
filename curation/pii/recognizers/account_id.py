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
# an amount, a count or a measure, never an identifier: "500 - 1000 dollar", "1.132.997 frank"
CURRENCY = re.compile(r"^(€|\$|£|euro|euros|eur|dollar|dollars|frank|franken|pond|cent|procent|%|usd|bef)$")
THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?\Z")


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
        # long digit strings nobody else claims are identifiers of some kind, unless they read as an
        # amount, a range or a count ("500 - 1000 dollar", "1.132.997 frank", "vier nul nul nul ... mensen")
        for run in norm.runs:
            if id(run) not in claimed and sum(c.isdigit() for c in run.canon) >= 7 and not run.units[-1].tail \
                    and not _amount_or_count(norm, run):
                yield run.start, run.end, 0.45, "long unexplained number"


def _amount_or_count(norm, run) -> bool:
    """True when a code run reads as a quantity: written with thousands separators, a range, next to a
    currency, or followed directly by a noun ("mensen", "kilometer")."""
    from curation.pii.lookups import lexicon

    tokens = norm.tokens
    first, last = run.units[0].first, run.units[-1].last
    if any(u.kind == "conn" for u in run.units):
        return True
    if any(THOUSANDS.match(tokens[k].text) for k in range(first, last)):
        return True
    before = tokens[first - 1] if first > 0 else None
    after = tokens[last] if last < len(tokens) else None
    if (before is not None and CURRENCY.match(before.key)) or norm.text[run.start - 1:run.start] in ("€", "$", "£"):
        return True
    if after is not None and not after.sentence_start:
        if CURRENCY.match(after.key):
            return True
        stop = lexicon().stop_words
        if after.key.isalpha() and len(after.key) > 2 and after.key not in stop:
            return True
    return False
