"""The PII word lists are built once and then read from the cache folder, keyed on the detector."""

from __future__ import annotations

from curation.pii.lists import cached
from curation.pii.lookups import Lexicon, _build, lexicon


def test_the_cached_lexicon_is_the_built_one(tmp_path):
    path = tmp_path / "lexicon.pickle"
    built = cached(path, _build, Lexicon)
    assert path.is_file()
    again = cached(path, lambda: None, Lexicon)  # read, not built
    assert again == built == lexicon() and len(again.first_names) > 1000


def test_a_damaged_cache_file_is_rebuilt(tmp_path):
    path = tmp_path / "lexicon.pickle"
    path.write_bytes(b"not a pickle")
    assert cached(path, lambda: Lexicon(*[frozenset()] * 9), Lexicon).first_names == frozenset()
    assert isinstance(cached(path, lambda: None, Lexicon), Lexicon)


def test_the_lexicon_cache_is_named_after_the_detector_fingerprint():
    from curation.pii.fingerprint import fingerprint
    from curation.pii.lists import cache_dir

    lexicon()
    assert (cache_dir() / f"lexicon-{fingerprint()}.pickle").is_file()
