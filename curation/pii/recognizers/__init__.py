"""Our recognizers, one per file, each a Presidio `EntityRecognizer` for one language.

`dutch_recognizers(lang)` returns fresh instances; `curation.pii.engine.build_registry` adds them
to a Presidio `RecognizerRegistry`, where users add or remove recognizers with Presidio's API
(`registry.add_recognizer`, `registry.remove_recognizer(name)`).
"""

from __future__ import annotations

import curation.pii.presidio  # noqa: F401  (offline set-up before Presidio is imported)

from curation.pii.recognizers.account_id import NlAccountIdRecognizer
from curation.pii.recognizers.bsn import NlBsnRecognizer
from curation.pii.recognizers.date_of_birth import DateOfBirthRecognizer
from curation.pii.recognizers.email import NlEmailRecognizer
from curation.pii.recognizers.iban import SpokenIbanRecognizer
from curation.pii.recognizers.license_plate import NlLicensePlateRecognizer
from curation.pii.recognizers.location import NlLocationRecognizer
from curation.pii.recognizers.name_shape import NameShapeRecognizer
from curation.pii.recognizers.name_tagger import NameTaggerRecognizer
from curation.pii.recognizers.person import NlPersonRecognizer
from curation.pii.recognizers.phone import NlPhoneRecognizer
from curation.pii.recognizers.postcode import NlPostcodeRecognizer
from curation.pii.recognizers.spoken_name import SpokenNameRecognizer, SpokenPlaceRecognizer

RECOGNIZER_CLASSES = (NlPersonRecognizer, NlLocationRecognizer, NlPostcodeRecognizer, NlPhoneRecognizer,
                      NlEmailRecognizer, SpokenIbanRecognizer, NlBsnRecognizer, DateOfBirthRecognizer,
                      NlLicensePlateRecognizer, NlAccountIdRecognizer, NameTaggerRecognizer,
                      SpokenNameRecognizer, SpokenPlaceRecognizer, NameShapeRecognizer)


def dutch_recognizers(language: str = "nl") -> list:
    """Fresh recognizer instances for `language` ("nl" or "en"), Presidio's IBAN checksum one included."""
    from presidio_analyzer.predefined_recognizers import IbanRecognizer

    recognizers = [cls(supported_language=language) for cls in RECOGNIZER_CLASSES]
    recognizers.append(IbanRecognizer(supported_language=language, name=f"IbanRecognizer_{language}"))
    if language == "nl":
        from curation.pii.frog import frog_enabled

        if frog_enabled():  # opt-in: slow, and needs Debian's frog + frogdata
            from curation.pii.recognizers.frog_ner import FrogNerRecognizer

            recognizers.append(FrogNerRecognizer(supported_language=language))
    for r in recognizers:
        # checksums and our own context rules decide; Presidio's English context words would only
        # cost a scan of every token per result (quadratic on a two-hour call)
        r.context = []
    return recognizers


__all__ = ["dutch_recognizers", "RECOGNIZER_CLASSES"] + [c.__name__ for c in RECOGNIZER_CLASSES]
