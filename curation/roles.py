"""Users, roles and permissions, and the one path every user-facing operation takes.

`operation(...)` checks the acting user's permission, runs the work in one
transaction and records the audit event: one place for each of those concerns.
Permissions are enforced here, in the library, not only hidden in the UI.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from curation import access, audit
from curation.access import mechanism, mutates, reads, storage
from curation.errors import CurationError, PermissionDenied
from curation.store.schema import users
from curation.users import current_user, current_user_source
from curation.workspace import Workspace, utcnow

ROLES = ("trainer", "privacy_reviewer", "manager", "admin", "agent")
# the workbench's staff; an agent (a call-centre employee being coached) holds only the coaching permissions
EVERYONE = frozenset({"trainer", "privacy_reviewer", "manager", "admin"})
CURATORS = frozenset({"trainer", "privacy_reviewer"})

# permission -> roles holding it. Managers read aggregates only: no audio, no transcript text, no names.
PERMISSIONS: dict[str, frozenset[str]] = {
    "aggregates.read": EVERYONE,
    "calls.list": EVERYONE,                      # catalogue rows: ids, durations, scores, no text
    "calls.import": frozenset({"trainer", "admin"}),
    "calls.read_transcript": CURATORS,
    "calls.play_original": CURATORS,             # playing or exporting an original recording
    "calls.analyse": frozenset({"trainer", "privacy_reviewer", "admin"}),
    "clips.create": frozenset({"trainer"}),
    "clips.edit": frozenset({"trainer"}),
    "clips.read": CURATORS,
    "clips.play_anonymised": CURATORS,
    "clips.submit": frozenset({"trainer"}),
    "clips.review": frozenset({"privacy_reviewer"}),
    "consent.read": CURATORS | {"admin"},
    "consent.edit": CURATORS,
    "consent.override": frozenset({"privacy_reviewer"}),
    "packs.build": frozenset({"trainer"}),
    "packs.read": CURATORS | {"admin"},
    "packs.download": frozenset({"trainer"}),    # taking a pack's zip away, to teach with it (audited)
    "retention.run": frozenset({"privacy_reviewer", "admin"}),
    "subject_requests.handle": frozenset({"privacy_reviewer", "admin"}),
    "audit.read": frozenset({"privacy_reviewer", "admin"}),
    "users.manage": frozenset({"admin"}),
    "users.list": EVERYONE,                      # who holds which role: any known user, never a stranger
    # coaching: trainers evaluate and assign; an agent sees only their own assignments and profile;
    # managers see completion numbers, never an individual's scores
    "coaching.forms_edit": frozenset({"trainer"}),
    "coaching.roster": frozenset({"trainer", "admin"}),
    "coaching.evaluate": frozenset({"trainer"}),
    "coaching.evaluations_read": frozenset({"trainer"}),
    "coaching.assign": frozenset({"trainer"}),
    "coaching.assignments_read": frozenset({"trainer", "agent"}),
    "coaching.acknowledge": frozenset({"agent"}),
    "coaching.profile_read": frozenset({"trainer", "agent"}),
    "coaching.completion": frozenset({"trainer", "manager", "admin"}),
}


class UnknownRole(CurationError):
    pass


@dataclass(frozen=True)
class Actor:
    """The acting user and the roles the workspace gives them."""

    name: str
    roles: frozenset[str]
    withheld: frozenset[str] = frozenset()  # permissions this way of working does not offer (team-mode kernels)

    def can(self, permission: str) -> bool:
        return permission not in self.withheld and bool(self.roles & PERMISSIONS[permission])

    def describe(self) -> str:
        return f"user {self.name!r} ({', '.join(sorted(self.roles)) or 'no role in this workspace'})"


@storage("reads the users table through the caller's connection")
def roles_of(conn: Connection, name: str) -> frozenset[str]:
    return frozenset(conn.execute(select(users.c.role).where(users.c.name == name)).scalars())


@mechanism("who is acting: the permission machinery itself")
def actor(ws: Workspace, name: str | None = None) -> Actor:
    """The acting user and their roles: `name`, else the user of the operation in progress on this
    workspace, else `current_user()` ($CURATION_USER, JupyterHub's user, the OS user)."""
    if getattr(ws, "is_remote_workspace", False):  # team mode: roles as the service reports them
        me = whoami(ws, name)
        return Actor(me.name, me.roles, frozenset(ws.withheld))
    current = access.acting()
    if current is not None and current.root == str(ws.root) and name in (None, current.actor.name):
        return current.actor
    name = name or current_user()
    with ws.engine.connect() as conn:
        return Actor(name, roles_of(conn, name))


def require(who: Actor, permission: str, what: str | None = None) -> None:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not who.can(permission):
        needed = " or ".join(sorted(PERMISSIONS[permission]))
        if not who.roles:
            raise PermissionDenied(f"user {who.name!r} is not known in this workspace and may not "
                                   f"{what or permission.replace('.', ' ')}; an admin gives roles "
                                   f"(`curation users add {who.name} --role ROLE`)")
        raise PermissionDenied(f"{who.describe()} may not {what or permission.replace('.', ' ')}; needs role {needed}")


@mechanism("checks a permission: the permission machinery itself")
@contextmanager
def authorised(ws: Workspace, permission: str, user: str | None = None, what: str | None = None) -> Iterator[Actor]:
    """Check `permission` for the acting user and run the block as that user, without a transaction
    or an audit event: for the slow, read-only preparation of an operation (the operation that
    follows records the event) and for reads that are not audited."""
    who = actor(ws, user)
    require(who, permission, what)
    token = access.enter(access.Acting(who, permission, str(ws.root)))
    try:
        yield who
    finally:
        access.leave(token)


@dataclass
class Operation:
    """Handed to the body of an operation: its connection, the actor, and the audit event to fill in."""

    conn: Connection
    actor: Actor
    object_id: str | None = None
    details: dict = field(default_factory=dict)


@mechanism("the one audited write path itself")
@contextmanager
def operation(ws: Workspace, permission: str, action: str, object_type: str | None = None,
              object_id: str | None = None, user: str | None = None, what: str | None = None) -> Iterator[Operation]:
    """Check `permission` for the acting user, open one transaction, and record `action` in the
    audit trail when the body succeeds (nothing is written when it fails). Inside the body the
    library's building blocks (`curation.access.within_operation`) may run; outside they refuse."""
    who = actor(ws, user)
    require(who, permission, what)
    with _run(ws, who, permission, action, object_type, object_id) as op:
        yield op


@contextmanager
def _run(ws: Workspace, who: Actor, permission: str, action: str, object_type: str | None,
         object_id: str | None) -> Iterator[Operation]:
    """The transaction and the audit event of an operation whose permission is already settled."""
    token = access.enter(access.Acting(who, permission, str(ws.root)))
    try:
        with ws.transaction() as conn:
            op = Operation(conn, who, object_id)
            yield op
            audit.record(conn, who.name, action, object_type, op.object_id, **op.details)
    finally:
        access.leave(token)


@mutates("users.manage", "user.role_added")
def add_user(ws: Workspace, name: str, role: str, user: str | None = None) -> None:
    """Give `name` a role (admin only). The first user of an empty workspace may make themselves admin."""
    if role not in ROLES:
        raise UnknownRole(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not name.strip():
        raise CurationError("user name must not be empty")
    who = actor(ws, user)
    with ws.engine.connect() as conn:
        empty = conn.execute(select(users.c.name).limit(1)).first() is None
    if empty and role == "admin" and name == who.name:  # bootstrap: nobody could have given the role yet
        with _run(ws, who, "users.manage", "user.role_added", "user", name) as op:
            if op.conn.execute(select(users.c.name).limit(1)).first() is not None:
                raise PermissionDenied(f"{who.describe()} may not manage users; another admin bootstrapped first")
            op.conn.execute(users.insert().values(name=name, role=role, added_by=who.name, added_at=utcnow()))
            op.details.update(role=role, bootstrap=True)
        return
    with operation(ws, "users.manage", "user.role_added", "user", name, user=user, what="manage users") as op:
        if role in roles_of(op.conn, name):
            raise CurationError(f"user {name!r} already has role {role}")
        op.conn.execute(users.insert().values(name=name, role=role, added_by=op.actor.name, added_at=utcnow()))
        op.details["role"] = role


@mutates("users.manage", "user.role_removed")
def remove_user(ws: Workspace, name: str, role: str, user: str | None = None) -> None:
    with operation(ws, "users.manage", "user.role_removed", "user", name, user=user, what="manage users") as op:
        result = op.conn.execute(delete(users).where(users.c.name == name, users.c.role == role))
        if result.rowcount == 0:
            raise CurationError(f"user {name!r} does not have role {role}")
        op.details["role"] = role


@reads("users.list")
def list_users(ws: Workspace, user: str | None = None) -> list[tuple[str, str]]:
    """Every (name, role) pair; for users known in the workspace only."""
    require(actor(ws, user), "users.list", "list users")
    with ws.engine.connect() as conn:
        return [(r.name, r.role) for r in conn.execute(select(users).order_by(users.c.name, users.c.role))]


@mutates("users.manage", "user.role_added")
def seed_demo_users(ws: Workspace, names_to_roles: dict[str, str], admin: str = "admin") -> None:
    """The demo workspace's users: one per role (the admin bootstraps the others on an empty
    workspace); a batch of `add_user` operations, one audited `user.role_added` event per role
    given that was not there yet."""
    with ws.engine.connect() as conn:
        existing = {(r.name, r.role) for r in conn.execute(select(users.c.name, users.c.role))}
    if (admin, "admin") not in existing:
        add_user(ws, admin, "admin", user=admin)
        existing.add((admin, "admin"))
    for name, role in names_to_roles.items():
        if (name, role) not in existing:
            add_user(ws, name, role, user=admin)


@dataclass(frozen=True)
class Identity:
    """Who is acting, with which roles, and how that name was chosen (for a who-am-I line)."""

    name: str
    roles: frozenset[str]
    source: str
    known_users: tuple[tuple[str, str], ...] = ()  # (name, role) pairs, only shown to a known user

    def line(self) -> str:
        roles = ", ".join(r.replace("_", " ") for r in sorted(self.roles)) or "no role in this workspace"
        return f"acting as {self.name} ({roles}); name from {self.source}"


HOW_TO_SWITCH = ("To act as another user, start the app or command with CURATION_USER=NAME (on JupyterHub "
                 "everyone signs in as themselves). Four eyes holds in the library: nobody approves a clip "
                 "they created or edited, so one person acting under two names defeats it — do not.")


@mechanism("who is acting: the permission machinery itself")
def whoami(ws: Workspace, user: str | None = None) -> Identity:
    """The acting user, their roles here, where the name came from, and (for a known user) the other
    users they could be told apart from."""
    if getattr(ws, "is_remote_workspace", False):  # team mode: the service says who the token belongs to
        me = ws.whoami()
        if user and user != me["name"]:
            raise PermissionDenied(f"in team mode you act as {me['name']} (your JupyterHub login); "
                                   f"user={user!r} is refused")
        return Identity(me["name"], frozenset(me["roles"]), me["source"])
    name, source = (user, "the caller") if user else current_user_source()
    with ws.engine.connect() as conn:
        roles = roles_of(conn, name)
        known = tuple((r.name, r.role) for r in conn.execute(select(users).order_by(users.c.name, users.c.role))) \
            if roles else ()
    return Identity(name, roles, source, known)
