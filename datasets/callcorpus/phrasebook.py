"""The call scripts' wording, held out per seed range.

Every phrase and template list exists twice, in `data/phrasing/tuning.toml` and
`data/phrasing/held_out.toml`, with different wordings: seeds below `HELD_OUT_FROM` draw from the
tuning part, seeds from `HELD_OUT_FROM` up from the held-out part, so a detector tuned on low seeds
can be measured on wording it has never seen. `shared.toml` holds the few single words both parts
use (fillers, relations, greetings). Each template is a `Template`: a `str` that knows its key
(`held_out:agent_open.2`), so a call can record which templates it used."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from .errors import CorpusError

HELD_OUT_FROM = 1000
PARTS = ("tuning", "held_out")
DATA = Path(__file__).with_name("data") / "phrasing"
SLOT = re.compile(r"\{(\w+)\}")


class Template(str):
    """A phrasing with `{slot}` places; `key` names the part, the list and the position."""

    key: str

    def __new__(cls, text: str, key: str) -> "Template":
        obj = super().__new__(cls, text)
        obj.key = key
        return obj


def part_for(seed: int) -> str:
    return "held_out" if seed >= HELD_OUT_FROM else "tuning"


class Book:
    """One part's lists as attributes (`book.agent_open`), nested tables as dicts; `flemish(name)`
    gives the Flemish variant of a list when the part has one."""

    def __init__(self, part: str, data: dict, shared: dict) -> None:
        self.part = part
        self._data = data
        self.shared = shared

    def __getattr__(self, name: str):
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def flemish(self, name: str):
        return self._data.get("flemish", {}).get(name) or self._data[name]

    def lookup(self, key: str) -> str:
        """The template text of a key made by this book."""
        part, path = key.split(":", 1)
        node = self._data
        for step in path.split("."):
            node = node[int(step)] if isinstance(node, (list, tuple)) else node[step]
        return str(node)


def _tag(node, key: str, part: str):
    if isinstance(node, str):
        return Template(node, f"{part}:{key}")
    if isinstance(node, dict):
        return {k: _tag(v, f"{key}.{k}" if key else k, part) for k, v in node.items()}
    if isinstance(node, list):
        items = [_tag(v, f"{key}.{i}", part) for i, v in enumerate(node)]
        return [tuple(i) if isinstance(i, list) else i for i in items]
    raise CorpusError(f"{DATA}: unexpected value {node!r} at {key}")


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read phrasing ({exc})") from None


def _same_shape(a, b, where: str) -> None:
    """Both parts must offer the same lists and tables (non-empty), or a call would fail on one part."""
    if isinstance(a, dict):
        if not isinstance(b, dict) or set(a) != set(b):
            missing = sorted(set(a) ^ set(b if isinstance(b, dict) else {}))
            raise CorpusError(f"{DATA}: tuning and held_out differ at {where or 'top level'}: {missing}")
        for k in a:
            _same_shape(a[k], b[k], f"{where}.{k}" if where else k)
    elif isinstance(a, list):
        if not isinstance(b, list) or not a or not b:
            raise CorpusError(f"{DATA}: {where} must be a non-empty list in both parts")


@functools.lru_cache(maxsize=None)
def book(part: str) -> Book:
    if part not in PARTS:
        raise CorpusError(f"unknown phrasing part {part!r}; one of {', '.join(PARTS)}")
    raw = {p: _read(DATA / f"{p}.toml") for p in PARTS}
    _same_shape(raw["tuning"], raw["held_out"], "")
    return Book(part, _tag(raw[part], "", part), _read(DATA / "shared.toml"))


def book_for(seed: int) -> Book:
    return book(part_for(seed))


def templates(part: str) -> dict[str, str]:
    """Every template of a part by key (for tests and audits of the split)."""
    out: dict[str, str] = {}

    def walk(node) -> None:
        if isinstance(node, Template):
            out[node.key] = str(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)

    walk(book(part)._data)
    return out
