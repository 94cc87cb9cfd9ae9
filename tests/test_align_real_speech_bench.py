"""The real-speech alignment benchmark's instrument (benchmarks/align_real_speech.py): reading the reference
word times and building the bleep the pipeline would make, on crafted inputs (the recordings themselves are
fetched from PyPI only when the benchmark runs)."""

from __future__ import annotations

import pytest

from benchmarks import align_real_speech as bench
from curation.anonymise.bleep import PAD_ALIGNED_SECONDS, PAD_ESTIMATED_SECONDS
from curation.model import Speaker, Transcript, Turn, Word

LONG = '''File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0
xmax = 1.5
tiers? <exists>
size = 2
item []:
    item [1]:
        class = "IntervalTier"
        name = "words"
        xmin = 0
        xmax = 1.5
        intervals: size = 3
        intervals [1]:
            xmin = 0
            xmax = 0.25
            text = ""
        intervals [2]:
            xmin = 0.25
            xmax = 0.8
            text = "Say ""hi"""
        intervals [3]:
            xmin = 0.8
            xmax = 1.5
            text = "THERE"
    item [2]:
        class = "TextTier"
        name = "pitch"
        xmin = 0
        xmax = 1.5
        points: size = 1
        points [1]:
            number = 0.5
            mark = "120"
'''
SHORT = '''File type = "ooTextFile"
Object class = "TextGrid"

0
1.5
<exists>
2
"IntervalTier"
"words"
0
1.5
3
0
0.25
""
0.25
0.8
"Say ""hi"""
0.8
1.5
"THERE"
"TextTier"
"pitch"
0
1.5
1
0.5
"120"
'''


def test_long_and_short_textgrids_read_alike():
    tiers = bench.parse_textgrid(LONG)
    assert tiers == bench.parse_textgrid(SHORT)
    assert tiers["words"] == [(0.0, 0.25, ""), (0.25, 0.8, 'Say "hi"'), (0.8, 1.5, "THERE")]
    assert tiers["pitch"] == [(0.5, 0.5, "120")]
    assert bench.parse_textgrid(bench.decode(SHORT.encode("utf-16"))) == tiers


def test_reference_labels_become_transcript_words():
    assert [bench.word_text(t) for t in ("BOBBY", "and(2)", "<sil>", "", "[adif]", "sp", "i'm")] == \
        ["bobby", "and", None, None, None, None, "i'm"]
    assert bench.textgrid_words(SHORT, "words") == [('say "hi"', 0.25, 0.8), ("there", 0.8, 1.5)]
    ps = '{"w": [{"b": 0.0, "d": 0.2, "t": "<sil>"}, {"b": 0.2, "d": 0.17, "t": "and(2)"}]}'
    assert bench.pocketsphinx_words(ps) == [("and", 0.2, pytest.approx(0.37))]


def _hts(a, b, phone, p6, p7, b4, b5):
    return f"{a} {b} x^x-{phone}+x=x@{p6}_{p7}/A:0_0_0/B:1-1-2@{b4}-{b5}&1-4#1-3/C:1+1+4"


def test_word_edges_come_from_the_syllable_and_phone_positions_of_hts_labels():
    labels = "\n".join([_hts(0, 1_000_000, "sil", "x", "x", "x", "x"),
                        _hts(1_000_000, 2_000_000, "hh", 1, 2, 1, 1), _hts(2_000_000, 3_000_000, "iy", 2, 1, 1, 1),
                        _hts(3_000_000, 4_000_000, "t", 1, 2, 1, 2), _hts(4_000_000, 5_000_000, "ey", 2, 1, 1, 2),
                        _hts(5_000_000, 6_000_000, "b", 1, 2, 2, 1), _hts(6_000_000, 7_000_000, "l", 2, 1, 2, 1),
                        _hts(7_000_000, 8_000_000, "sil", "x", "x", "x", "x")])
    assert bench.hts_words(labels, ["he", "table"]) == [("he", 0.1, 0.3), ("table", 0.3, 0.7)]
    with pytest.raises(ValueError):
        bench.hts_words(labels, ["he"])


def _transcript(aligned_middle: bool) -> Transcript:
    words = [Word("one", 0.5, 0.9, "s", estimated=True), Word("two", 1.0, 1.4, "s", estimated=True),
             Word("three", 1.5, 1.9, "s", estimated=True)]
    if aligned_middle:
        words = [Word("one", 0.55, 0.95, "s"), Word("two", 1.1, 1.3, "s", aligned=True),
                 Word("three", 1.5, 1.9, "s", estimated=True)]
    return Transcript(tuple(words), (Speaker("s"),), (Turn("s", 0.4, 2.0, 0, 3),), "en")


def test_the_bleep_of_one_word_is_padded_when_placed_and_widened_when_estimated():
    placed = _transcript(aligned_middle=True)
    assert bench.bleep_of(placed, 1, 3.0, 1000) == pytest.approx((1.1 - PAD_ALIGNED_SECONDS,
                                                                  1.3 + PAD_ALIGNED_SECONDS), abs=2e-3)
    # the last word is uncertain: from the end of the confident word before it to the end of the turn
    assert bench.bleep_of(placed, 2, 3.0, 1000) == pytest.approx((1.3 - PAD_ESTIMATED_SECONDS,
                                                                  2.0 + PAD_ESTIMATED_SECONDS), abs=2e-3)
    even = _transcript(aligned_middle=False)
    assert bench.bleep_of(even, 1, 3.0, 1000) == pytest.approx((0.4 - PAD_ESTIMATED_SECONDS,
                                                                2.0 + PAD_ESTIMATED_SECONDS), abs=2e-3)
    assert bench.bleep_of(even, 1, 3.0, 1000, padded_before=True) == pytest.approx(
        (1.0 - PAD_ESTIMATED_SECONDS, 1.4 + PAD_ESTIMATED_SECONDS), abs=2e-3)


def test_the_placed_what_if_pads_the_placement_inside_the_recording():
    assert bench.placed_bleep((1.0, 1.4, 0.2), 0.4, 10.0) == pytest.approx((0.6, 1.8))
    assert bench.placed_bleep((0.1, 0.3, 0.0), 0.4, 0.5) == pytest.approx((0.0, 0.5))  # clipped at both ends
    assert bench.placed_bleep((2.0, 1.9, 0.0), 0.25, 10.0) == pytest.approx((1.75, 2.25))  # an empty placement
    assert bench.placed_bleep(None, 0.4, 10.0) == (None, None)


def test_rank_auc_is_one_when_right_words_always_match_better_and_a_half_at_chance():
    assert bench.rank_auc([0.05, 0.06], [0.12, 0.2]) == 1.0
    assert bench.rank_auc([0.1, 0.2], [0.1, 0.2]) == 0.5
    assert bench.rank_auc([0.3], [0.1]) == 0.0
    assert bench.rank_auc([], [0.1]) is None


def test_bleep_figures_cover_the_word_and_share_the_other_speech():
    others = [("a", 0.0, 1.0), ("b", 2.0, 3.0)]
    fig = bench.bleep_figures(0.9, 2.5, (1.2, 1.8), others)
    assert fig["covered"] and fig["seconds"] == pytest.approx(1.6)
    assert fig["other_share"] == pytest.approx(0.3)  # 0.1 s of "a" and 0.5 s of "b" out of 2 s
    assert not bench.bleep_figures(1.3, 1.8, (1.2, 1.8), others)["covered"]
    assert bench.bleep_figures(None, None, (1.2, 1.8), others) == {
        "start": None, "end": None, "seconds": 0.0, "covered": False, "other_share": None}
    assert bench.bleep_figures(0.9, 2.5, (1.2, 1.8), [])["other_share"] is None
