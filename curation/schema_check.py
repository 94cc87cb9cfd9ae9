"""JSON Schema validation on the hot paths, compiled once per process with `fastjsonschema`.

`jsonschema` costs about 2 s to import when `rfc3987-syntax` is installed (its format checker
compiles lark grammars at import); ingest and pack verification check documents with compiled
schemas instead. Only a document that fails is handed to `jsonschema` as well, to list every
problem in its words ("words/5/start: 'x' is not of type 'number'"); a valid one never loads it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Callable


@lru_cache(maxsize=None)
def compiled(schema_path: str) -> Callable[[object], object]:
    """The validator for the schema in `schema_path` (compiled on first use, then reused)."""
    import fastjsonschema

    return fastjsonschema.compile(json.loads(Path(schema_path).read_text("utf-8")))


def _message(exc) -> str:
    rule, definition, value = exc.rule, exc.rule_definition, exc.value
    if rule == "required" and isinstance(value, dict):
        missing = [name for name in definition if name not in value]
        if missing:
            return f"{missing[0]!r} is a required property"
    if rule == "type":
        return f"{value!r} is not of type {definition!r}"
    if rule == "const":
        return f"{definition!r} was expected"
    if rule == "enum":
        return f"{value!r} is not one of {definition!r}"
    if rule == "additionalProperties" and isinstance(value, dict):
        return f"additional properties are not allowed ({exc.message.rpartition('(')[2].rstrip(')')})"
    text = exc.message
    return text[len(exc.name):].strip() if text.startswith(exc.name) else text


def problems(schema_path: str | Path, document: object) -> list[tuple[str, str]]:
    """[(where, what)] for every violation of the schema, in document order (empty when valid).

    `where` is the slash-separated path inside the document ("words/5/start"), "" at the top level."""
    import fastjsonschema

    try:
        compiled(str(schema_path))(document)
        return []
    except fastjsonschema.JsonSchemaValueException as exc:
        first = [("/".join(str(part) for part in exc.path[1:]), _message(exc))]  # path[0] is "data"
    try:
        import jsonschema
    except ImportError:  # the first problem, in fastjsonschema's terms
        return first
    validator = jsonschema.Draft202012Validator(json.loads(Path(schema_path).read_text("utf-8")))
    found = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [("/".join(str(p) for p in e.absolute_path), e.message) for e in found] or first
