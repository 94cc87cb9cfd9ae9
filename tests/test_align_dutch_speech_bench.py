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


def test_recognition_errors_keep_at_least_one_word_and_none_at_rate_zero():
    import random

    from benchmarks import pii_audio_dutch as audio

    words = "ik wil graag mijn adres wijzigen".split()
    assert audio.misrecognised(random.Random(1), words, 0.0, ["x"]) == words
    noisy = [audio.misrecognised(random.Random(s), words, 0.5, ["x"]) for s in range(50)]
    assert all(noisy) and any(n != words for n in noisy)
    assert audio.misrecognised(random.Random(2), ["ja"], 0.99, ["x"])  # never empty


def test_the_mention_benchmark_scores_a_call_of_real_speech_lines(tmp_path):
    """The instrument end to end on espeak-ng speech standing in for the game's lines: a call of two cues is
    built, imported as WebVTT, aligned, bleeped and scored; espeak-ng speech aligns confidently, so every
    mention must be bleeped whole and the lines around it mostly kept."""
    import random
    import subprocess

    from benchmarks import pii_audio_dutch as audio

    texts = ["Wat is dit voor raar schip", "Zie je dat oog daar beneden", "De stille getuige kijkt ons aan",
             "Kom op we gaan verder zwemmen", "Jan Smit", "Pieter"]
    lines = []
    for k, text in enumerate(texts):
        wav = tmp_path / f"line{k}.wav"
        subprocess.run(["espeak-ng", "-v", "nl", "-w", str(wav), text], check=True)
        lines.append((f"line{k}", text, wav))
    truth = audio.build_call(random.Random(3), lines[:4], lines[4:], 2, 16000, tmp_path, "call")
    assert sum(m for *_, m in truth) == 2 and len(truth) == 6
    got = audio.score_call(tmp_path, "call", truth)
    assert got["mentions"] == 2 and got["whole"] == 2 and not got["blocked"]
    assert got["other_bleeped"] < 0.25 * got["other_seconds"]
