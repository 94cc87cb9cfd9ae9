"""The client side of team mode: a kernel's way to the curation service (no workspace, no key, no database).

    from curation.remote import RemoteWorkspace
    ws = RemoteWorkspace()                    # $CURATION_SERVICE_URL and the kernel's $JUPYTERHUB_API_TOKEN
    ws.whoami()                               # {'name': 'rita', 'roles': ['privacy_reviewer'], ...}
    ws.call("curation.review.approve", clip_id, "Goedgekeurd na luisteren.")

    from curation.review import approve        # or the library's own functions, unchanged:
    approve(ws, clip_id, "Goedgekeurd na luisteren.")

A user operation (declared `mutates`, `reads` or `reads_personal` in `curation.access`) called
with a `RemoteWorkspace` is sent to the service and its result rebuilt into the type the function
returns (dataclasses, data frames, dates), so widgets and the CLI run unchanged in team mode.

Every call runs on the service as the user of the token; an identity cannot be passed. Errors
come back as the library's own exceptions with the service's one-line message.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import functools
import inspect
import json
import os
import sys
import types
import typing
import urllib.error
import urllib.request

from curation.errors import CurationError, NotFound, PermissionDenied

SERVICE_URL_ENV = "CURATION_SERVICE_URL"
ERRORS = {403: PermissionDenied, 404: NotFound}


class ServiceUnavailable(CurationError):
    exit_code = 2


def encode_arguments(value):
    """Arguments as JSON can carry them: bytes tagged as {"__bytes__": base64} (an upload), the rest as is."""
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {k: encode_arguments(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_arguments(v) for v in value]
    return value


def decode_arguments(value):
    """The service's side of `encode_arguments`: tagged bytes back to bytes (nothing else is rebuilt)."""
    if isinstance(value, dict):
        if set(value) == {"__bytes__"} and isinstance(value["__bytes__"], str):
            return base64.b64decode(value["__bytes__"], validate=True)
        return {k: decode_arguments(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_arguments(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        if set(value) == {"__frame__"}:
            import pandas as pd

            split = value["__frame__"]
            return pd.DataFrame(split["data"], columns=split["columns"], index=split["index"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@functools.lru_cache(maxsize=None)
def _hints(obj) -> dict:
    """The resolved annotations of `obj`; when one cannot be resolved (a name imported only where the
    function runs, `plan: "Plan | None"`), the others still are, one by one, as get_type_hints would."""
    try:
        return typing.get_type_hints(obj)
    except Exception:  # noqa: BLE001 - resolve what can be resolved; the rest is returned as decoded
        module = sys.modules.get(getattr(obj, "__module__", ""), None)
        target = inspect.unwrap(obj) if callable(obj) and not isinstance(obj, type) else obj
        namespace = getattr(target, "__globals__", None) or (vars(module) if module else {})
        hints = {}
        for name, annotation in getattr(obj, "__annotations__", {}).items():
            try:
                hints[name] = eval(annotation, namespace) if isinstance(annotation, str) else annotation  # noqa: S307
            except Exception:  # noqa: BLE001
                continue
        return hints


def rebuild(value, hint):
    """`value` as decoded from JSON, turned back into the type `hint` names (best effort: what
    cannot be matched is returned as decoded)."""
    if value is None or hint is None or hint is typing.Any:
        return value
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return rebuild(value, options[0]) if len(options) == 1 else value
    if origin in (list, tuple, set, frozenset) and isinstance(value, list):
        if origin is tuple and args and args[-1] is not Ellipsis:
            return tuple(rebuild(v, a) for v, a in zip(value, args))
        return origin(rebuild(v, args[0] if args else None) for v in value)
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return {k: rebuild(v, args[1]) for k, v in value.items()}
    if not isinstance(hint, type):
        return value
    if dataclasses.is_dataclass(hint) and isinstance(value, dict):
        if hasattr(hint, "from_json"):
            return hint.from_json(value)
        fields = {f.name: f for f in dataclasses.fields(hint) if f.init}
        hints = _hints(hint)
        return hint(**{k: rebuild(v, hints.get(k)) for k, v in value.items() if k in fields})
    if issubclass(hint, enum.Enum):
        return hint(value)
    if hint is dt.datetime and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if hint is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if hint in (frozenset, tuple, set) and isinstance(value, list):
        return hint(value)
    return value


def _report_done(fn, progress, arguments: dict) -> None:
    """Tell a local progress callback that the service has finished, in the form it expects: a
    counting callback (`progress(done, total)`, annotated `Callable[[int, int], None]`) hears
    n of n, with n the ids it was asked about; a staged one (`progress(stage, fraction)`) hears
    ("done", 1.0)."""
    annotation = str(inspect.signature(fn).parameters["progress"].annotation)
    if "int, int" in annotation:
        ids = next((v for k, v in arguments.items() if k.endswith("_ids") and isinstance(v, (list, tuple))), None)
        n = len(ids) if ids else 1
        progress(n, n)
    else:
        progress("done", 1.0)


class RemoteWorkspace:
    """The workspace as the curation service offers it to the holder of `token`."""

    is_remote_workspace = True  # what `curation.access` looks for to send an operation here
    # what a kernel is never given in team mode, whatever its user's roles (nothing today: originals reach
    # the roles that may hear them one audited, metered range at a time; see hubservice.app.ListeningBudget)
    withheld: frozenset[str] = frozenset()

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 120.0):
        self.url = (url or os.environ.get(SERVICE_URL_ENV) or "").rstrip("/")
        self.token = token or os.environ.get("JUPYTERHUB_API_TOKEN")
        if not self.url:
            raise CurationError(f"no curation service: set {SERVICE_URL_ENV} (team mode) or open a local workspace")
        if not self.token:
            raise CurationError("no JupyterHub token: JUPYTERHUB_API_TOKEN is not set in this kernel")
        self.timeout = timeout

    def _request(self, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/api/{path}", data=data, method="GET" if body is None else "POST",
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read() or b"{}").get("error") or exc.reason
            except ValueError:
                message = exc.reason
            raise ERRORS.get(exc.code, CurationError)(f"curation service: {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ServiceUnavailable(f"curation service at {self.url} unreachable ({getattr(exc, 'reason', exc)}); "
                                     "nothing was done, try again") from None

    def whoami(self) -> dict:
        return self._request("whoami")

    @functools.cached_property
    def user(self) -> str:
        """The name the service knows this token by (asked once)."""
        return self.whoami()["name"]

    def forward(self, fn, args: tuple, kwargs: dict):
        """Run the library operation `fn`, called as `fn(self, *args[1:], **kwargs)`, on the service.

        `user=` / `actor=` may be left out or name the token's own user; naming anyone else is
        refused here (the service would refuse it too)."""
        bound = inspect.signature(fn).bind(*args, **kwargs)
        arguments = dict(bound.arguments)
        arguments.pop(next(iter(inspect.signature(fn).parameters)))
        for name in ("user", "actor"):
            claimed = arguments.pop(name, None)
            if claimed is not None and claimed != self.user:
                raise PermissionDenied(f"in team mode you act as {self.user} (your JupyterHub login); "
                                       f"{name}={claimed!r} is refused")
        for name, parameter in inspect.signature(fn).parameters.items():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
                arguments.update(arguments.pop(name))
            elif parameter.kind is inspect.Parameter.VAR_POSITIONAL and name in arguments:
                raise CurationError(f"{fn.__qualname__}: positional extras cannot be sent to the service")
        progress = arguments.pop("progress", None)  # a local callback: the service reports when it is done
        operation = f"{fn.__module__}.{fn.__qualname__}"
        arguments = encode_arguments(arguments)
        try:
            json.dumps(arguments)
        except TypeError as exc:
            raise CurationError(f"{operation}: an argument cannot be sent to the curation service ({exc})") from None
        result = rebuild(self.call(operation, **arguments), _hints(fn).get("return"))
        if callable(progress):
            _report_done(fn, progress, arguments)
        return result

    def call(self, operation: str, *args, **kwargs):
        """Run the library operation `operation` (its dotted name) on the service as this token's user."""
        return _decode(self._request(f"call/{operation}", {"args": list(args), "kwargs": kwargs})["result"])
