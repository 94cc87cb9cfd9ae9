"""EMAIL_ADDRESS: Presidio's e-mail pattern for written addresses (with an offline suffix list)
plus addresses read out: "jan punt devries apenstaartje ziggo punt nl"."""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import AnalysisExplanation, RecognizerResult
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from curation.pii.lookups import lexicon
from curation.pii.normalise import NUM, NUMW, normalise

AT_WORDS = frozenset({"apenstaartje", "@", "at", "apestaartje", "apenstaart"})
DOT_WORDS = frozenset({"punt", "dot"})
JOIN_WORDS = frozenset({"streepje", "min", "koppelteken", "underscore", "dash", "hyphen", "liggend"})
# words that end the local part when reading leftwards
BOUNDARY = frozenset({"is", "was", "het", "mijn", "m'n", "e-mail", "e-mailadres", "emailadres", "mailadres", "mail",
                      "email", "adres", "dat", "naar", "op", "ja", "nee", "nou", "dus", "eh", "ehm", "uh", "uhm",
                      "even", "graag", "u", "ik", "je", "jij", "wij", "we", "ons", "onze", "uw", "address", "my",
                      "to", "the", "van", "via", "sturen", "mailen", "stuur", "mailt", "zeg", "zegt", ":"})
TLD = re.compile(r"^[a-z]{2,6}$")
MAX_SPOKEN_DIGITS = 8


@lru_cache(maxsize=1)
def _extractor():
    import tldextract

    from curation.pii.lists import cache_dir

    return tldextract.TLDExtract(cache_dir=str(cache_dir() / "tldextract"), suffix_list_urls=(),
                                 fallback_to_snapshot=True)


def _mail_word(key: str) -> bool:
    return bool(key) and key not in BOUNDARY and key.replace("-", "").replace("_", "").replace(".", "").isalnum()


class NlEmailRecognizer(EmailRecognizer):
    """Presidio's `EmailRecognizer` that never fetches a suffix list and also hears spoken addresses."""

    def __init__(self, supported_language: str = "nl", **kwargs):
        super().__init__(supported_language=supported_language,
                         name=kwargs.pop("name", f"NlEmailRecognizer_{supported_language}"), **kwargs)

    def validate_result(self, pattern_text: str):
        return _extractor()(pattern_text).fqdn != ""

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if entities and "EMAIL_ADDRESS" not in entities:
            return results
        for start, end in self._spoken(text):
            results.append(RecognizerResult(
                "EMAIL_ADDRESS", start, end, 0.9,
                analysis_explanation=AnalysisExplanation(self.name, 0.9, textual_explanation="spoken e-mail address"),
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results

    def _spoken(self, text: str):
        norm = normalise(text, self.supported_language)
        tokens = norm.tokens
        keys = [t.key for t in tokens]
        n = len(keys)
        common = lexicon().common_words
        for i, key in enumerate(keys):
            if key not in AT_WORDS or i == 0 or i + 1 >= n:
                continue
            if key == "at" and self.supported_language == "en" and not _looks_like_domain(keys, i + 1):
                continue
            # local part, leftwards
            j = i - 1
            if not _mail_word(keys[j]):
                continue
            left, parts, digits = j, 1, 0
            while left > 0:
                prev = keys[left - 1]
                said_apart = not tokens[left].sentence_start and not tokens[left - 1].text.endswith((",", ".", "?", "!", ":"))
                if digits < MAX_SPOKEN_DIGITS and said_apart and prev not in BOUNDARY \
                        and norm.units[norm.unit_of_token[left - 1]].kind in (NUM, NUMW):
                    left -= 1  # "pietje een twee drie at ...": digits of the local part said one by one
                    digits += 1
                    continue
                if prev in DOT_WORDS or prev in JOIN_WORDS:
                    if left - 2 >= 0 and _mail_word(keys[left - 2]):
                        left -= 2
                        parts += 1
                        continue
                    break
                if parts < 3 and _mail_word(prev) and (prev not in common or _name_word(prev)) and said_apart:
                    left -= 1
                    parts += 1
                    continue
                break
            # domain, rightwards: word (punt word)+
            if not _mail_word(keys[i + 1]):
                continue
            right, dots = i + 1, 0
            if "." in keys[right]:
                dots = 1
            elif right + 2 < n and keys[right + 1] not in DOT_WORDS and keys[right + 2] in DOT_WORDS \
                    and keys[right + 1].isalnum() and keys[right + 1] not in AT_WORDS:
                right += 1  # "kpn mail punt nl", "hot mail punt com": the domain's name heard as two words
            while right + 2 < n and keys[right + 1] in DOT_WORDS and _mail_word(keys[right + 2]):
                right += 2
                dots += 1
            if dots and TLD.match(keys[right].rsplit(".", 1)[-1]):
                yield tokens[left].start, tokens[right].end


def _name_word(key: str) -> bool:
    """A first name, surname or tussenvoegsel: part of a local part even where it is an ordinary word
    too ("jan punt de vries at ...")."""
    lex = lexicon()
    return key in lex.first_names or key in lex.surnames or key in lex.interfixes


def _looks_like_domain(keys, k) -> bool:
    return k + 2 < len(keys) and keys[k + 1] in DOT_WORDS
