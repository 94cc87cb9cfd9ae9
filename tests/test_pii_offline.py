"""The offline guarantee: building the engine and detecting (e-mail included, which pulls in
tldextract) works in a process that cannot open any network connection."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import json, socket, sys

    class NoNetwork(OSError):
        pass

    def refuse(*args, **kwargs):
        raise NoNetwork("network access attempted: " + repr(args[:2]))

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from curation.pii import detect
    text = ("Mail jan.devries@ziggo.nl of jan punt devries apenstaartje ziggo punt nl, "
            "bel 06-12345678, ik ben Jan de Vries uit Utrecht.")
    spans = detect(text) + detect("My name is John Smith, mail john@example.com", language="en")
    print(json.dumps(sorted({s.entity_type for s in spans})))
""")
EXPECTED = ["EMAIL_ADDRESS", "LOCATION", "PERSON", "PHONE_NUMBER"]


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TLDEXTRACT")}
    env["CURATION_CACHE_DIR"] = str(tmp_path / "cache")  # a cold cache: nothing fetched earlier helps
    env["HOME"] = str(tmp_path)
    return env


def test_detection_runs_with_sockets_refused(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=_env(tmp_path),
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == EXPECTED


@pytest.mark.skipif(not (shutil.which("unshare") and hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="needs root for a network namespace; the socket test above covers the same guarantee")
def test_detection_runs_in_a_network_namespace_without_interfaces(tmp_path):
    out = subprocess.run(["unshare", "-n", sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env=_env(tmp_path), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == EXPECTED
