"""The Dutch real-speech gate benchmark's instrument (benchmarks/align_dutch_speech.py): reading the game's
dialogue scripts and the AUC it reports, on crafted inputs (the Debian packages are fetched only when the
benchmark runs)."""

from __future__ import annotations

from benchmarks import align_dutch_speech as bench

SCRIPT = '''
dialogId("let-m-divna", "font_small", "What kind of strange ship is that?")
dialogStr("Wat is dit voor raar schip?")


dialogId("let-v-oko", "font_big", "Can you see that eye?")
dialogStr("Zie je dat \\"oog\\"? De stille getuige...")
'''


def test_dialogue_ids_pair_with_their_dutch_lines(tmp_path):
    game = tmp_path / "fillets-ng-data" / bench.GAME
    (game / "script" / "airplane").mkdir(parents=True)
    (game / "script" / "airplane" / "dialogs_nl.lua").write_text(SCRIPT, encoding="utf-8")
    sounds = tmp_path / "fillets-ng-data-nl" / bench.GAME / "sound" / "airplane" / "nl"
    sounds.mkdir(parents=True)
    (sounds / "let-v-oko.ogg").write_bytes(b"")  # only lines with a Dutch recording count
    found = bench.lines({"fillets-ng-data": tmp_path / "fillets-ng-data",
                         "fillets-ng-data-nl": tmp_path / "fillets-ng-data-nl"})
    assert [(d, t) for d, t, _ in found] == [("let-v-oko", 'Zie je dat "oog"? De stille getuige...')]


def test_auc_counts_lower_scores_of_right_transcripts_as_separation():
    assert bench.auc([1.0, 2.0], [3.0, 4.0]) == 1.0
    assert bench.auc([3.0, 4.0], [1.0, 2.0]) == 0.0
    assert bench.auc([1.0], [1.0]) == 0.5
    assert bench.auc([], [1.0]) is None
