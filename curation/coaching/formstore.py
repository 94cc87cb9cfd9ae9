"""Evaluation forms in a workspace: versioned. Saving a form adds a version; an evaluation keeps the
version it was made on, so editing a form never changes an evaluation already made with it. The
default forms (`service_nl`, `sales_nl`) become version 1 the first time they are used or listed.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from curation.access import mutates, reads, storage
from curation.errors import CurationError, NotFound
from curation.roles import authorised, operation
from curation.workspace import Workspace, utcnow

from .forms import DEFAULT_FORMS, Form, default_form_text, parse_form
from .tables import coaching_evaluations, coaching_forms

SYSTEM = "system"


@storage("reads and seeds the form register through the caller's connection")
def form_version(conn: Connection, name: str, version: int | None = None) -> Form:
    """The stored form `name` (its newest version unless `version`); a default form not stored yet
    is stored as version 1 first (inside the caller's transaction when it writes)."""
    query = select(coaching_forms).where(coaching_forms.c.name == name)
    query = query.where(coaching_forms.c.version == version) if version is not None else \
        query.order_by(coaching_forms.c.version.desc())
    row = conn.execute(query.limit(1)).mappings().first()
    if row is None and version in (None, 1) and name in DEFAULT_FORMS:
        text = default_form_text(name)
        form = parse_form(text, name)
        conn.execute(coaching_forms.insert().values(name=name, version=1, title=form.title, definition=text,
                                                    created_by=SYSTEM, created_at=utcnow()))
        row = conn.execute(select(coaching_forms).where(coaching_forms.c.name == name,
                                                        coaching_forms.c.version == 1)).mappings().first()
    if row is None:
        known = sorted(set(DEFAULT_FORMS) | set(conn.execute(select(coaching_forms.c.name).distinct()).scalars()))
        what = f"form {name!r}" + (f" version {version}" if version is not None else "")
        raise NotFound(f"{what} not found; forms: {', '.join(known)}")
    form = parse_form(row["definition"], name)
    return Form(form.name, form.title, form.title_en, form.kind, form.sections, row["version"], row["definition"])


@mutates("coaching.forms_edit", "coaching.form_saved")
def save_form(ws: Workspace, text: str, user: str | None = None) -> Form:
    """Store a new version of the form the TOML `text` defines (a new form starts at version 1).
    Evaluations made on older versions keep them; the audit event says how many there are."""
    form = parse_form(text)
    with operation(ws, "coaching.forms_edit", "coaching.form_saved", "coaching_form", form.name, user=user,
                   what="edit evaluation forms") as op:
        newest = op.conn.execute(select(func.max(coaching_forms.c.version))
                                 .where(coaching_forms.c.name == form.name)).scalar()
        if newest is None and form.name in DEFAULT_FORMS:
            newest = form_version(op.conn, form.name).version
        if newest is not None:
            current = form_version(op.conn, form.name, newest)
            if current.source.strip() == text.strip():
                raise CurationError(f"form {form.name!r}: unchanged from version {newest}; nothing saved")
        version = (newest or 0) + 1
        op.conn.execute(coaching_forms.insert().values(name=form.name, version=version, title=form.title,
                                                       definition=text, created_by=op.actor.name, created_at=utcnow()))
        kept = op.conn.execute(select(func.count()).select_from(coaching_evaluations)
                               .where(coaching_evaluations.c.form_name == form.name)).scalar()
        op.details.update(version=version, evaluations_on_older_versions=kept)
    return Form(form.name, form.title, form.title_en, form.kind, form.sections, version, text)


@reads("coaching.evaluate")
def get_form(ws: Workspace, name: str = "service_nl", version: int | None = None, user: str | None = None) -> Form:
    """A form as stored (newest version unless `version`); the defaults as shipped until first stored."""
    with authorised(ws, "coaching.evaluate", user, "read evaluation forms"), ws.engine.connect() as conn:
        try:
            return form_version(conn, name, version)
        finally:
            conn.rollback()  # reading never stores a default


@reads("coaching.evaluate")
def list_forms(ws: Workspace, user: str | None = None) -> list[dict]:
    """Every form: name, newest version, title, how many evaluations use each version."""
    with authorised(ws, "coaching.evaluate", user, "read evaluation forms"), ws.engine.connect() as conn:
        stored = {r.name: r for r in conn.execute(
            select(coaching_forms.c.name, func.max(coaching_forms.c.version).label("version"))
            .group_by(coaching_forms.c.name))}
        used = {(r.form_name, r.form_version): r.n for r in conn.execute(
            select(coaching_evaluations.c.form_name, coaching_evaluations.c.form_version, func.count().label("n"))
            .group_by(coaching_evaluations.c.form_name, coaching_evaluations.c.form_version))}
        out = []
        for name in sorted(set(stored) | set(DEFAULT_FORMS)):
            version = stored[name].version if name in stored else 1
            form = form_version(conn, name, version)
            out.append({"name": name, "version": version, "title": form.title, "title_en": form.title_en,
                        "kind": form.kind, "questions": len(form.questions),
                        "evaluations": {v: n for (f, v), n in sorted(used.items()) if f == name}})
        conn.rollback()
    return out
