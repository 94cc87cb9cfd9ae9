"""Frog (Debian packages `frog` + `frogdata`: Dutch NER trained on SoNaR) as an optional name finder.

Opt in with CURATION_PII_FROG=1 where Frog is installed: `curation.pii.engine` then adds
`FrogNerRecognizer` to the registry for Dutch. Frog finds capitalised names and places well (on
written third-party text it recalls far more than our tagger) but nothing in lower case, and it
is slow (hundreds of words per second after a start-up of seconds and ~0.8 GB of memory), so it is
not on by default: see the README's PII figures. One Frog server per process, started on first
use on a private local port, stopped when the process ends.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from curation.pii.errors import PiiError

FROG_ENV = "CURATION_PII_FROG"
START_TIMEOUT = 180.0  # seconds: Frog loads its models (≈5 s on an idle machine, far more on a busy one)
FROG_CONFIG = "/usr/share/frog/nld/frog.cfg"


def frog_enabled() -> bool:
    """CURATION_PII_FROG=1 (or true/yes): Frog is asked; it must then be installed."""
    return os.environ.get(FROG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def frog_marker() -> str:
    """What the detector fingerprint records about Frog: off, or on with its binary and model files."""
    if not frog_enabled():
        return "frog=off"
    binary = shutil.which("frog") or "absent"
    try:
        stat = os.stat(FROG_CONFIG)
        data = f"{stat.st_size}:{int(stat.st_mtime)}"
    except OSError:
        data = "absent"
    return f"frog=on:{binary}:{data}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FrogServer:
    """A `frog -S PORT` process (tokeniser, tagger and NER only) and a client for its line protocol."""

    def __init__(self):
        binary = shutil.which("frog")
        if binary is None:
            raise PiiError(f"{FROG_ENV}=1 but Frog is not installed: apt-get install frog frogdata "
                           f"(or unset {FROG_ENV})")
        self.port = _free_port()
        # Frog writes a frog.<pid>.debug file into its working folder: a private one, removed on close
        self.folder = tempfile.mkdtemp(prefix="curation-frog-")
        self.process = subprocess.Popen([binary, "-S", str(self.port), "--skip=mpcla"], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                        cwd=self.folder)
        self._lock = threading.Lock()
        self._socket = None
        deadline = time.monotonic() + START_TIMEOUT
        while self._socket is None:
            if self.process.poll() is not None:
                raise PiiError(f"Frog stopped while starting (exit code {self.process.returncode})")
            try:
                self._socket = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                if time.monotonic() > deadline:
                    self.close()
                    raise PiiError(f"Frog did not start within {START_TIMEOUT:.0f} s") from None
                time.sleep(0.2)
        self._socket.settimeout(None)
        atexit.register(self.close)

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def tag(self, text: str) -> list[tuple[int, int, str]]:
        """Named entities in `text` as (start, end, label) with label PER, LOC, ORG, MISC, ...
        Frog's tokens are found back in `text` in order; a token it changed is skipped."""
        lines = [line for line in text.replace("\r", " ").split("\n")]
        payload = "\n".join(line if line.strip() != "EOT" else line + "." for line in lines) + "\nEOT\n"
        with self._lock:
            if self._socket is None:
                raise PiiError("Frog is not running")
            self._socket.sendall(payload.encode("utf-8"))
            buf = b""
            while not (buf == b"READY\n" or b"\nREADY\n" in buf[-16:]):
                chunk = self._socket.recv(1 << 16)
                if not chunk:
                    raise PiiError("Frog closed the connection")
                buf += chunk
        return _entities(text, buf.decode("utf-8", "replace"))


def _entities(text: str, output: str) -> list[tuple[int, int, str]]:
    spans: list[list] = []
    position, current = 0, None
    for line in output.splitlines():
        fields = line.split("\t")
        if len(fields) < 8:
            current = None
            continue
        token, tag = fields[1], fields[7]
        found = text.find(token, position)
        if found < 0 or found - position > 200:
            current = None
            continue
        position = found + len(token)
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != tag[2:])):
            current = [found, position, tag[2:]]
            spans.append(current)
        elif tag.startswith("I-"):
            current[1] = position
        else:
            current = None
    return [(a, b, label) for a, b, label in spans]


_server: FrogServer | None = None
_server_lock = threading.Lock()


def frog_server() -> FrogServer:
    """The process's Frog server, started on first use."""
    global _server
    with _server_lock:
        if _server is None or _server.process.poll() is not None:
            _server = FrogServer()
        return _server
