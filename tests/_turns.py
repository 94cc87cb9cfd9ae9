"""A two-speaker transcript (agent, customer) from (speaker, text[, gap before]) turns, with even word times."""

from __future__ import annotations

from curation.model import Speaker, Transcript, Word


def transcript(turns) -> Transcript:
    words, t = [], 0.0
    for speaker, text, *gap in turns:
        t += gap[0] if gap else 0.4
        for w in text.split():
            words.append(Word(w, round(t, 2), round(t + 0.3, 2), speaker))
            t += 0.35
    return Transcript.build(words, [Speaker("agent", "agent"), Speaker("customer", "customer")])
