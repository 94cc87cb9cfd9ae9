"""espeak-ng synthesis in its own process: reads one JSON request per line on stdin, answers with
a JSON header line and the raw 16-bit samples; used by `curation.audio.espeak`.

The library keeps global state (voice, callback, prosody from the previous utterance), so it
lives in a process of its own: nothing leaks into the caller or into processes it forks.
Standard library only, run by path: it must start fast and import nothing of the workbench.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
CHARS_UTF8 = 1
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
RATE = 1


class Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event))


def main() -> int:
    out = sys.stdout.buffer
    try:
        lib = ctypes.CDLL(os.environ.get("CURATION_ESPEAK_LIBRARY") or "libespeak-ng.so.1")
    except OSError as exc:
        out.write((json.dumps({"error": f"libespeak-ng not loadable ({exc})"}) + "\n").encode())
        out.flush()
        return 1
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
    if rate <= 0:
        out.write((json.dumps({"error": f"espeak-ng initialisation failed ({rate})"}) + "\n").encode())
        out.flush()
        return 1
    chunks: list[bytes] = []
    events: list[tuple[int, int]] = []

    def on_audio(wav, count, ev) -> int:
        if count > 0:
            chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while ev[i].type != EVENT_LIST_TERMINATED:
            if ev[i].type == EVENT_WORD:
                events.append((ev[i].text_position - 1, ev[i].sample))
            i += 1
        return 0

    callback = CALLBACK(on_audio)
    lib.espeak_SetSynthCallback(callback)
    lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    out.write((json.dumps({"ready": True, "sample_rate": rate}) + "\n").encode())
    out.flush()
    voice = None
    for line in sys.stdin.buffer:
        request = json.loads(line)
        if request.get("voice") != voice:
            if lib.espeak_SetVoiceByName(request["voice"].encode()) != 0:
                out.write((json.dumps({"error": f"no espeak-ng voice {request['voice']!r}"}) + "\n").encode())
                out.flush()
                continue
            voice = request["voice"]
        lib.espeak_SetParameter(RATE, int(request.get("rate", 175)), 0)
        chunks.clear()
        events.clear()
        data = request["text"].encode("utf-8")
        buf = ctypes.create_string_buffer(data)
        err = lib.espeak_Synth(buf, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
        if err != 0:
            out.write((json.dumps({"error": f"espeak_Synth failed ({err})"}) + "\n").encode())
            out.flush()
            continue
        pcm = b"".join(chunks)
        out.write((json.dumps({"samples": len(pcm) // 2, "events": events}) + "\n").encode())
        out.write(pcm)
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
