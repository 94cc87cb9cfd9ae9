"""Words the whole library shares, each defined once: the clip states, the difficulty categories,
the consent decision names and the Dutch (and English) calendar words the PII recognizers, the difficulty signals and the
fictional-data generator read.

No imports: the command line, pure domain modules and the widgets may all use it. The synthetic
corpus in `datasets/callcorpus` keeps its own month list on purpose: it runs without the library.
"""

from __future__ import annotations

# ---- clips -----------------------------------------------------------------------------------------
# the lifecycle in the order people read it (draft -> submitted -> decided -> packed; revoked last)
CLIP_STATES = ("draft", "submitted", "changes_requested", "approved", "rejected", "packed", "revoked")

# ---- difficulty ------------------------------------------------------------------------------------
DIFFICULTY_CATEGORIES = ("escalation", "abusive", "confused_caller", "misunderstanding", "hard_to_understand",
                         "unbalanced_conversation")

# ---- consent ---------------------------------------------------------------------------------------
TRAINING_ALLOWED, REENACTMENT_REQUIRED, EXCLUDED = "training_allowed", "reenactment_required", "excluded"
CONSENT_DECISIONS = (TRAINING_ALLOWED, REENACTMENT_REQUIRED, EXCLUDED)  # in order of restriction
OVERRIDE_CLEAR = "policy"  # an override back to whatever the policy says

# ---- calendar words --------------------------------------------------------------------------------
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december")
MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december")
MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                       "okt": 10, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

MONTH_OF_NL = {name: n for n, name in enumerate(MONTHS_NL, 1)}  # "maart" -> 3
MONTH_NAMES = frozenset(MONTHS_NL) | frozenset(MONTHS_EN)
# every written month the recognizers read: Dutch, English and the usual abbreviations -> month number
MONTH_NUMBERS = {**{name: n for n, name in enumerate(MONTHS_EN, 1)}, **MONTH_OF_NL, **MONTH_ABBREVIATIONS}
CALENDAR_WORDS = MONTH_NAMES | frozenset(WEEKDAYS_NL) | frozenset(WEEKDAYS_EN)
