"""Layers are checked by a tool, not by good intentions: the import-linter contracts in
pyproject.toml (the library never imports widgets or Jupyter; pure domain modules import no
storage; each stage imports only the stages before it; no import cycles), and every module of
the library imports on its own in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON_PATH = f"{REPO}:{REPO / 'datasets'}"


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": PYTHON_PATH}, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 kept, 0 broken" in result.stdout


# scripts rather than modules: `python -m curation.cli` runs the command line, and Alembic runs its
# migration environment; importing either runs it
SCRIPTS = {"curation.cli.__main__", "curation.store.migrations.env"}


def library_modules() -> list[str]:
    names = []
    for path in sorted((REPO / "curation").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [n for n in names if n not in SCRIPTS]


# Each module imported first, in a child forked from an interpreter that has loaded the heavy
# third-party packages but nothing of `curation`: an import cycle inside the library fails there
# exactly as it would in `python -c "import X"`, in a fraction of the time.
FORKING_CHECK = textwrap.dedent("""
    import importlib, os, sys, traceback
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    for heavy in ("numpy", "scipy.signal", "pandas", "sqlalchemy", "alembic", "click", "soundfile", "faker",
                  "jsonschema", "spacy", "presidio_analyzer"):
        importlib.import_module(heavy)
    assert not any(m == "curation" or m.startswith("curation.") for m in sys.modules)
    failed = []
    for name in sys.argv[1:]:
        pid = os.fork()
        if pid == 0:
            try:
                importlib.import_module(name)
            except BaseException:
                sys.stderr.write(f"{name}: " + traceback.format_exc().splitlines()[-1] + "\\n")
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            failed.append(name)
    print("FAILED " + " ".join(failed) if failed else "ALL IMPORTED")
""")


def test_every_module_imports_on_its_own():
    modules = library_modules()
    assert len(modules) > 150 and "curation.consent.analysis" in modules
    result = subprocess.run([sys.executable, "-c", FORKING_CHECK, *modules], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": PYTHON_PATH, "HOME": str(Path.home())},
                            timeout=600)
    assert result.stdout.strip() == "ALL IMPORTED", result.stdout[-2000:] + result.stderr[-4000:]


def test_the_cycles_the_issue_found_import_in_a_truly_fresh_interpreter():
    for name in ("curation.consent.analysis", "curation.consent.policy", "curation.consent.record",
                 "curation.difficulty.browse", "curation.difficulty.store"):
        result = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True,
                                env={"PATH": "/usr/bin:/bin", "PYTHONPATH": PYTHON_PATH}, timeout=120)
        assert result.returncode == 0, f"{name}: {result.stderr[-1500:]}"
