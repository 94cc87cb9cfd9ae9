"""ACCOUNT_ID: customer, contract, order and other reference numbers, recognised by a context
word before them, also inside compounds ("klantnummer", "contract-nr", "ordernummer")."""

from __future__ import annotations

import re

from curation.pii.quantities import CLOCK_TIME, CURRENCY, MULTIPLIERS, UNIT
from curation.pii.recognizers.base import NormalisedRecognizer

PREFIXES = (r"klant|klanten|contract|order|bestel|bestelling|dossier|referentie|polis|factuur|abonnement|"
            r"abonnements|lid|lidmaatschap|lidmaatschaps|pas|klantenpas|account|zaak|ticket|meter|aansluit|"
            r"aansluitings|debiteur|debiteuren|relatie|service|registratie|klantreferentie|schade|"
            r"customer|membership|reference|policy|invoice|case|order|sort|insurance|nhs|card|kaart|creditcard|"
            # employees are data subjects too: "mijn medewerkernummer", "agent 3381"
            r"medewerker|personeel|werknemer|agent|employee|staff|ean")
COMPOUND = re.compile(rf"^({PREFIXES})s?-?(nummer|nr\.?|id|code|number|no\.?|kenmerk)$")
PREFIX_ONLY = re.compile(rf"^({PREFIXES})$")
NUMBER_WORD = re.compile(r"^(nummer|nr\.?|number|no\.?|id|code)$")
STANDALONE = re.compile(r"^(kenmerk|referentie|klantnummer|ordernummer|klantnr)$")
# another entity's context word ends the search for the number
FOREIGN = re.compile(r"(telefoon|mobiel|rekening|iban|^bsn|burgerservice|sofi|postcode|kenteken|geboren|"
                     r"geboortedatum|e-?mail|adres$|phone|birth)")
WINDOW = 14
# an amount, a count or a measure, never an identifier: "500 - 1000 dollar", "1.132.997 frank"
GLUED_MULTIPLIER = re.compile(r"^[a-zë]*(?:duizend|miljoen|miljard)[a-zë]*$")
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
        # "het nummer is ...": a bare "nummer" right before a code run
        for i, t in enumerate(tokens):
            if t.key in ("nummer", "nr", "nummertje", "number") and not (i and PREFIX_ONLY.match(tokens[i - 1].key)):
                for k in range(i + 1, min(n, i + 5)):
                    run = runs_by_token.get(k)
                    if run is not None and id(run) not in claimed and not _amount_or_count(norm, run):
                        claimed.add(id(run))
                        yield run.start, run.end, 0.6, "code after 'nummer'"
                        break
        # a long digit string nobody else claims is an identifier of some kind (a safety net: a number
        # read out without a cue is more often a reference than not), unless it reads as an amount, a
        # range or a count ("500 - 1000 dollar", "1.132.997 frank", "vier nul nul nul ... mensen")
        for run in norm.runs:
            if id(run) not in claimed and sum(c.isdigit() for c in run.canon) >= 7 and not run.units[-1].tail \
                    and not _amount_or_count(norm, run) and not years_or_date(run):
                yield run.start, run.end, 0.45, "long unexplained number"


def _amount_or_count(norm, run) -> bool:
    """True when a code run reads as a quantity: written with thousands separators, said with a
    multiplier word ("six hundred", "drie miljoen"), a range, next to a currency, or followed directly
    by a noun ("mensen", "kilometer")."""
    from curation.pii.lookups import lexicon

    tokens = norm.tokens
    first, last = run.units[0].first, run.units[-1].last
    if any(u.kind == "conn" for u in run.units):
        return True
    if any(THOUSANDS.match(tokens[k].text) for k in range(first, last)):
        return True
    # said whole with a multiplier ("fifty four thousand six hundred", "drie miljoen", "twintigduizend"):
    # an amount or a count; identifiers are read digit by digit, in pairs or in hundreds
    if any(tokens[k].key in MULTIPLIERS or GLUED_MULTIPLIER.search(tokens[k].key) for k in range(first, last)):
        return True
    if any(CLOCK_TIME.match(tokens[k].text) for k in range(first, last)):
        return True  # a time in a programme or timetable ("TV 1 19.15"), never part of an identifier
    before = tokens[first - 1] if first > 0 else None
    after = tokens[last] if last < len(tokens) else None
    if (before is not None and CURRENCY.match(before.key)) or norm.text[run.start - 1:run.start] in ("€", "$", "£"):
        return True
    if after is not None and not after.sentence_start:
        if CURRENCY.match(after.key) or UNIT.match(after.key):
            return True
        stop = lexicon().stop_words
        if after.key.isalpha() and len(after.key) > 2 and after.key not in stop:
            return True
    return False


YEARS = range(1000, 2100)


def years_or_date(run) -> bool:
    """True when a digit run reads whole as years or a date said without separators: a range or list
    of years ("negentien honderd veertig negentien honderd zevenennegentig" = 1940-1997, "een negen
    nul drie negentien honderd vijf" = 1903, 1905), optionally after a day and a month ("zesentwintig
    zeven twee nul nul nul" = 26 7 2000), or a year, a month and a day ("nineteen ninety six zero
    eight thirty one" = 1996-08-31). Pieces must fall on unit boundaries and years may not go
    down, so an identifier that merely contains a year-like group stays an identifier."""
    canon = run.canon
    if not canon.isdigit():
        return False
    cuts = frozenset(run.offsets) | {len(canon)}

    def years_from(i: int, last: int) -> bool:
        if i == len(canon):
            return True
        j = i + 4
        if j in cuts and canon[i] != "0" and int(canon[i:j]) in YEARS and int(canon[i:j]) >= last:
            return years_from(j, int(canon[i:j]))
        return False

    if years_from(0, 0) and len(canon) >= 8:
        return True
    # a year said as a year (whole or in pairs, not digit by digit), a month and a day said as one number
    # (the order of a dateline: "nineteen ninety six zero eight thirty one" = 1996-08-31)
    if len(canon) >= 6 and 4 in cuts and not {1, 3} & cuts and canon[0] != "0" and int(canon[:4]) in YEARS:
        for m in (1, 2):
            day = canon[4 + m:]
            if 4 + m in cuts and 1 <= int(canon[4:4 + m]) <= 12 and 1 <= len(day) <= 2 and 1 <= int(day) <= 31 \
                    and not (len(day) == 2 and 5 + m in cuts):
                return True
    # day and month, then one or more years
    for d in (1, 2):
        if d not in cuts or not 1 <= int(canon[:d]) <= 31:
            continue
        for m in (1, 2):
            if d + m in cuts and 1 <= int(canon[d:d + m]) <= 12 and d + m < len(canon) \
                    and years_from(d + m, 0):
                return True
    return False
