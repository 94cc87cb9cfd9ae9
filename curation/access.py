"""What each public library function does with a workspace, declared where it is defined.

Every public function that takes a workspace or a connection carries one declaration:

- `mutates(permission, action)`: changes state; runs through `curation.roles.operation`
  (permission, one transaction, exactly one audit event `action`; nothing written on failure).
- `reads_personal(permission, action)`: reads personal data (transcript text, original audio,
  consent evidence); an operation like the above, its audit event names what was read (never the text).
- `reads(permission)`: reads workspace data that is not personal (ids, scores, states, aggregates);
  the permission is checked (unknown users are refused), nothing is audited.
- `within_operation(*permissions)`: a building block that only runs inside an operation (or an
  `authorised` block) opened with one of `permissions` (any permission when none are given); the
  enclosing operation records the audit event. Checked at every call, so it cannot be a side door.
- `storage(reason)`: reads through a connection the caller hands in; it cannot open a workspace
  itself, so whoever calls it is already inside an operation or the storage layer.
- `configuration(reason)`: reads organisation settings that are no one's personal data (the
  consent policy, difficulty weights, file locations).
- `mechanism(reason)`: the permission and audit machinery itself (`curation.roles`).

The registry is what `tests/test_audited_paths.py` enumerates: a new public function touching a
workspace without a declaration fails that test. This module imports nothing of the library but
its errors, so any layer (pure ones included) may use it.
"""

from __future__ import annotations

import functools
import inspect
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable

from curation.errors import PermissionDenied

MUTATES = "mutates"
READS_PERSONAL = "reads_personal"
READS = "reads"
WITHIN_OPERATION = "within_operation"
STORAGE = "storage"
CONFIGURATION = "configuration"
MECHANISM = "mechanism"
KINDS = (MUTATES, READS_PERSONAL, READS, WITHIN_OPERATION, STORAGE, CONFIGURATION, MECHANISM)
AUDITED = frozenset({MUTATES, READS_PERSONAL})


@dataclass(frozen=True)
class Declaration:
    """One function's declared kind, the permission(s) it needs and the audit action it records."""

    name: str  # module.qualname
    kind: str
    permissions: tuple[str, ...] = ()
    action: str | None = None
    reason: str = ""


REGISTRY: dict[str, Declaration] = {}


def _register(fn: Callable, kind: str, permissions: tuple[str, ...] = (), action: str | None = None,
              reason: str = "") -> None:
    name = f"{fn.__module__}.{fn.__qualname__}"
    REGISTRY[name] = Declaration(name, kind, permissions, action, reason)
    fn.__access__ = REGISTRY[name]


def declaration(fn: Callable) -> Declaration | None:
    """The declaration of a function (None when it has none)."""
    return getattr(fn, "__access__", None)


def _remote_or_local(fn: Callable) -> Callable:
    """`fn`, sent to the curation service when its workspace is a team-mode client.

    In team mode a kernel holds a `curation.remote.RemoteWorkspace` instead of a workspace; a user
    operation called with it runs on the service as the user of the kernel's JupyterHub token (the
    service checks the role and writes the audit trail). The same widget and CLI code therefore
    serves both modes; nothing is decided here that the service does not check again."""
    first = next(iter(inspect.signature(fn).parameters), None)

    @functools.wraps(fn)
    def operation(*args, **kwargs):
        target = args[0] if args else kwargs.get(first)
        if getattr(target, "is_remote_workspace", False):
            return target.forward(operation, args, kwargs)
        return fn(*args, **kwargs)

    return operation


def mutates(permission: str, action: str):
    def mark(fn):
        fn = _remote_or_local(fn)
        _register(fn, MUTATES, (permission,), action)
        return fn
    return mark


def reads_personal(permission: str, action: str):
    def mark(fn):
        fn = _remote_or_local(fn)
        _register(fn, READS_PERSONAL, (permission,), action)
        return fn
    return mark


def reads(permission: str):
    def mark(fn):
        fn = _remote_or_local(fn)
        _register(fn, READS, (permission,))
        return fn
    return mark


def storage(reason: str):
    def mark(fn):
        _register(fn, STORAGE, reason=reason)
        return fn
    return mark


def configuration(reason: str):
    def mark(fn):
        _register(fn, CONFIGURATION, reason=reason)
        return fn
    return mark


def mechanism(reason: str):
    def mark(fn):
        _register(fn, MECHANISM, reason=reason)
        return fn
    return mark


# ---- who is acting right now ---------------------------------------------------------------------

@dataclass(frozen=True)
class Acting:
    """The actor whose permission was checked, the permission, and the workspace it applies to."""

    actor: object  # curation.roles.Actor
    permission: str
    root: str


_ACTING: ContextVar[tuple[Acting, ...]] = ContextVar("curation_acting", default=())


def acting() -> Acting | None:
    """The innermost operation or authorised block of this thread/task (None outside any)."""
    stack = _ACTING.get()
    return stack[-1] if stack else None


def enter(entry: Acting):
    """Push an acting entry (called by `curation.roles` only); returns the token to `leave` with."""
    return _ACTING.set(_ACTING.get() + (entry,))


def leave(token) -> None:
    _ACTING.reset(token)


def require_acting(permissions: tuple[str, ...], what: str) -> Acting:
    """The current acting entry when it was opened with one of `permissions` (any when empty);
    otherwise `PermissionDenied`: the caller tried to use a building block outside an operation."""
    current = acting()
    if current is None:
        raise PermissionDenied(f"{what} runs only inside an audited operation; call the public operation "
                               "that does this (it checks the role and records the audit event)")
    if permissions and current.permission not in permissions:
        raise PermissionDenied(f"{what} is not part of an operation with permission {current.permission!r} "
                               f"(needs one of {', '.join(permissions)})")
    return current


@dataclass(frozen=True)
class _Caller:
    """Stands for the caller of a transitional call: a module, not a person; it holds no role."""

    name: str
    roles: frozenset = frozenset()

    def can(self, _permission: str) -> bool:
        return False

    def describe(self) -> str:
        return f"module {self.name} (no role)"


def within_operation(*permissions: str, transitional_callers: dict[str, str] | None = None):
    """Declare and enforce: the function runs only inside an operation opened with one of `permissions`.

    `transitional_callers` (module -> the permission it checked itself): modules that still call it
    before their operation opens and are being changed to call it inside; every other caller is
    held to the rule. Listed in `TRANSITIONAL`, which a test keeps honest."""
    callers = dict(transitional_callers or {})

    def mark(fn):
        what = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__")
            if acting() is None and caller in callers:
                root = str(getattr(args[0], "root", "")) if args else ""
                token = enter(Acting(_Caller(caller), callers[caller], root))
                try:
                    return fn(*args, **kwargs)
                finally:
                    leave(token)
            require_acting(permissions, what)
            return fn(*args, **kwargs)

        _register(guarded, WITHIN_OPERATION, tuple(permissions))
        if callers:
            TRANSITIONAL[what] = callers
        return guarded
    return mark


TRANSITIONAL: dict[str, dict[str, str]] = {}
