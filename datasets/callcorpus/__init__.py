"""Synthetic Dutch customer-service call corpus with exact word timings and ground truth.

`generate(out_dir, calls=N, seed=S)` renders scripted two-party calls with espeak-ng at
8 kHz telephone quality; `load_truth(path)` reads a call's ground truth (PII spans,
difficulty scenario, consent situation)."""

from .corpus import MANIFEST_COLUMNS, generate
from .errors import CorpusError
from .scenarios import CATEGORIES, SCENARIOS
from .truth import load_truth

ENTITY_TYPES = ("PERSON", "LOCATION", "NL_POSTCODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "NL_BSN",
                "DATE_OF_BIRTH", "NL_LICENSE_PLATE", "ACCOUNT_ID")

__all__ = ["generate", "load_truth", "CorpusError", "MANIFEST_COLUMNS", "SCENARIOS", "CATEGORIES", "ENTITY_TYPES"]
