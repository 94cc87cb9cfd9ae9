"""Lower-case (ASR) text: irregular verb forms and stop words are ordinary words, never names or places
("viel", "wist", "stelt", "hem"), while first names that spaCy's exception table also lists as verb
forms stay names ("kees", "bas"); a title or role before a name is no part of it. Invented sentences in
the shape of the false alarms seen on the tune split of third-party Dutch text."""

from __future__ import annotations

from tests._pii_spans import table_tests

# (text, the words that must stay: no span may touch them)
KEPT = [
    ("ik viel bijna van mijn stoel toen ik de rekening zag", "viel"),
    ("mijn man wist niet dat het contract was verlengd", "wist"),
    ("de monteur stelt voor om morgen tussen negen en twaalf langs te komen", "stelt"),
    ("hij meent dat de factuur allang betaald is", "meent"),
    ("ze houdt het contract liever nog een jaar aan", "houdt"),
    ("ik wees de monteur de meterkast aan en hij ging aan de slag", "wees"),
    ("dat kun je het beste via de app regelen", "kun"),
    ("ik heb hem sindsdien niet meer gesproken", "hem"),
    ("de schade werd pas later vastgesteld door de expert", "werd"),
    # everyday words that a list also holds as a hamlet or surname (Viel, Miste, Hem, Duur): the tagger's
    # guess alone does not make them a place in lower-case text
    ("het pakket viel in de bus maar de monteur kwam niet", "viel"),
    ("net zo lang tot de ene monteur de afspraak miste", "miste"),
    ("volgens hem kreeg hij geen gehoor bij de klantenservice", "hem"),
    ("zo kun je de factuur ook in de app bekijken", "kun"),
    ("het abonnement is heel duur geworden dit jaar", "duur"),
]

# (text, entity type, the exact text a span of that type must cover)
FOUND = [
    # a role or title before the name is not redacted with it
    ("volgens minister president jacques simonet was het een goede dag", "PERSON", "jacques simonet"),
    ("aanhangers van president robert mugabe bezetten de boerderijen", "PERSON", "robert mugabe"),
    # first names that the exception table also lists as verb forms stay names
    ("kees van der meulen belt u morgen terug over de factuur", "PERSON", "kees van der meulen"),
    # ... but after a place preposition it may be the town, and a country is no everyday word
    ("wij wonen sinds vorig jaar in boom vlak bij de snelweg", "LOCATION", "boom"),
    ("de monteur komt pas als we terug zijn uit nederland", "LOCATION", "nederland"),
]


test_kept, test_found = table_tests(KEPT, FOUND)


def test_verb_forms_are_no_nouns_but_first_names_keep_their_class():
    from curation.pii.gazetteer import gazetteer

    g = gazetteer()
    assert [g.word_class_of(w) for w in ("viel", "wist", "stelt", "wees", "niet", "werden")] == \
        ["verb", "verb", "verb", "verb", "function", "function"]
    # first names, name particles and the noun of a place with an article keep their class
    assert [g.word_class_of(w) for w in ("kees", "bas", "haag")] == ["noun", "noun", "noun"]
    assert g.tagger_class_of("viel") is None  # the name tagger's feature stays what its model was trained on
