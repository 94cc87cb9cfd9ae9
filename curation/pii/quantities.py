"""Words that make a number an amount or a measure: currencies ("euro", "frank", "fr") and units ("km",
"u", "ton"). One home for the account-number recognizer (an amount is no identifier) and the name
recognizers (a currency or unit after a number is no name: "vijftig miljoen frank", "twee ton")."""

from __future__ import annotations

import re

from curation.pii.normalise import NUMERIC

CURRENCY = re.compile(r"^(€|\$|£|euro|euros|eur|dollar|dollars|frank|franken|franc|francs|fr|frs|bfr|fb|pond|cent|ct|"
                      r"procent|%|usd|bef|gulden|mark|yen|yuan|kroon|kronen|rand|real)$")
# a measure or a clock time after the number: "tien achttien u", "twaalf vijftig km", "twee ton"
UNIT = re.compile(r"^(u|uur|h|min|sec|km|m|cm|mm|kg|g|mg|ml|cl|l|kwh|pk|ton)$")
# a clock time written in digits: "19.15", "9:30", "21u30" (a phone number's dotted groups have more dots)
CLOCK_TIME = re.compile(r"(?:[01]?\d|2[0-3])[.:u][0-5]\d\Z")
MULTIPLIERS = frozenset({"honderd", "duizend", "miljoen", "miljoenen", "miljard", "miljarden", "hundred", "thousand",
                         "million", "millions", "billion"})


def is_quantity_word(key: str) -> bool:
    """A currency or unit word ("frank", "ton", "km")."""
    return CURRENCY.match(key) is not None or UNIT.match(key) is not None


def after_quantity(norm, i: int) -> bool:
    """True when token i is a currency or unit word right after an amount: a multiplier ("drie miljoen
    frank"), a number word of hundreds or thousands ("zevenhonderdduizend frank"), or one of those and
    one adjective ("vijftig miljoen belgische frank"). After a plain number the word may still be a
    name in a transcript without punctuation ("negentien vierentachtig frank hoste")."""
    tokens = norm.tokens
    if not is_quantity_word(tokens[i].key) or i == 0 or tokens[i].sentence_start:
        return False

    def number(k: int) -> bool:
        key = tokens[k].key
        return key in MULTIPLIERS or (norm.units[norm.unit_of_token[k]].kind in NUMERIC and key.isalpha()
                                      and ("honderd" in key or "duizend" in key or "hundred" in key))

    if number(i - 1):
        return True
    return i > 1 and tokens[i - 1].key.endswith("e") and not tokens[i - 1].sentence_start and number(i - 2)
