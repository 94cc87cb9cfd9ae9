"""Where the PII layer's word lists and caches live: deduce's shipped plain-text lists, our own
lists in `curation/pii/data/`, and the workbench's writable cache folder (never inside an
installed package). The lowest module of `curation.pii`: the engine, the lookups and the
gazetteer all read from here."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from curation.pii.errors import PiiError

DATA = Path(__file__).with_name("data")


def cache_dir() -> Path:
    """Writable cache folder of the workbench (never inside the installed package)."""
    base = os.environ.get("CURATION_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "curation")
    return Path(base)


def deduce_lookup_dir() -> Path:
    """Folder of deduce's plain-text lookup lists inside the installed wheel."""
    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.submodule_search_locations:
        raise PiiError("the 'deduce' package is not installed: it provides the Dutch name and place lists")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "lookup" / "src"


def read_list(path: Path) -> list[str]:
    """Non-empty lines of a plain-text list; '#' starts a comment line."""
    if not path.exists():
        return []
    return [s for line in path.read_text(encoding="utf-8").splitlines()
            if (s := line.strip()) and not s.startswith("#")]


def cached(path: Path, build, kind: type):
    """The object pickled at `path` when it is a `kind`, else `build()` pickled there for the next
    process (written atomically; a read-only cache folder only means building every time)."""
    import logging
    import pickle

    try:
        with open(path, "rb") as f:
            obj = pickle.load(f)
        if isinstance(obj, kind):
            return obj
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
        pass
    obj = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.part")
        with open(tmp, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        logging.getLogger(__name__).debug("%s not written: %s", path, exc)
    return obj
