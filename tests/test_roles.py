"""Roles and permissions are enforced by the library; every operation is audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from curation import audit
from curation.errors import CurationError, PermissionDenied
from curation.roles import PERMISSIONS, actor, add_user, list_users, operation, remove_user


def test_first_user_bootstraps_as_admin_then_only_admins_add_users(tmp_path):
    from curation.workspace import Workspace

    ws = Workspace.create(tmp_path / "w")
    add_user(ws, "ann", "admin", user="ann")
    add_user(ws, "tom", "trainer", user="ann")
    with pytest.raises(PermissionDenied, match="user 'tom' \\(trainer\\) may not manage users"):
        add_user(ws, "tom", "admin", user="tom")
    assert list_users(ws, user="ann") == [("ann", "admin"), ("tom", "trainer")]


def test_bootstrap_only_works_on_an_empty_workspace(workspace):
    with pytest.raises(PermissionDenied):
        add_user(workspace, "eve", "admin", user="eve")


def test_unknown_role_is_refused(workspace):
    with pytest.raises(CurationError, match="unknown role 'boss'"):
        add_user(workspace, "x", "boss", user="admin")


def test_remove_user_role(workspace):
    remove_user(workspace, "tester", "trainer", user="admin")
    assert actor(workspace, "tester").roles == frozenset()


@pytest.mark.parametrize("role, permission, allowed", [
    ("manager", "aggregates.read", True),
    ("manager", "calls.play_original", False),
    ("manager", "calls.read_transcript", False),
    ("manager", "clips.play_anonymised", False),
    ("trainer", "calls.play_original", True),
    ("privacy_reviewer", "calls.play_original", True),
    ("admin", "calls.play_original", False),
    ("trainer", "clips.review", False),
    ("privacy_reviewer", "clips.review", True),
    ("privacy_reviewer", "clips.create", False),
])
def test_permission_table(workspace, role, permission, allowed):
    add_user(workspace, "who", role, user="admin")
    assert actor(workspace, "who").can(permission) is allowed
    assert permission in PERMISSIONS


def test_operation_audits_on_success_and_writes_nothing_on_failure(workspace):
    with workspace.engine.connect() as conn:
        before = audit.count(conn)
    with operation(workspace, "clips.create", "test.done", "thing", "t1", user="tester") as op:
        op.details["n"] = 1
    with pytest.raises(RuntimeError):
        with operation(workspace, "clips.create", "test.failed", "thing", "t2", user="tester"):
            raise RuntimeError("boom")
    with pytest.raises(PermissionDenied):
        with operation(workspace, "clips.review", "test.refused", user="tester"):
            pass
    with workspace.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT action, object_id, actor FROM audit_events ORDER BY seq")).all()[before:]
        assert audit.verify(conn) == []
    assert rows == [("test.done", "t1", "tester")]
