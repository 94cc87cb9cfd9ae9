"""One audited write path: every public library function that touches a workspace is declared
(`curation.access`), and each declaration is proved here by running the function.

- mutating and personal-data-reading functions refuse an unknown user and a role without the
  permission (writing nothing), and write exactly one audit event, by the acting user, when allowed;
- reads of non-personal data refuse the same users and write nothing when allowed;
- building blocks (`within_operation`) refuse to run outside an operation, or in one opened for
  another purpose.

A new public function that takes a workspace or a connection without a declaration fails
`test_every_public_function_touching_a_workspace_is_declared`; a new declared operation without a
recipe below fails `test_every_declared_operation_has_a_recipe`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import sqlalchemy as sa

from curation import access
from curation.errors import PermissionDenied
from tests._clip_fixtures import make_call, template
from tests.pg import copy_workspace

ROOT = Path(__file__).resolve().parent.parent / "curation"
# other work on the same issue owns these (the packs, and the personal-data inventory / erasure /
# retention / permissions); their functions are listed in that work, not here
OUT_OF_SCOPE = ("curation.cli", "curation.store", "curation.packs", "curation.subjects", "curation.retention",
                "curation.workspace", "curation.inventory")
WORKSPACE_PARAMETERS = {"ws", "conn", "workspace", "engine"}
USERS_BY_ROLE = {"trainer": "trainer", "privacy_reviewer": "reviewer", "admin": "admin", "manager": "manager",
                 "agent": "agent1"}
STRANGER = "stranger"  # no role in the workspace


def library_modules() -> list[str]:
    names = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if any(name == p or name.startswith(p + ".") for p in OUT_OF_SCOPE) or "migrations" in parts:
            continue
        if any(part.startswith("_") and part != "__init__" for part in parts):
            continue
        names.append(name)
    return names


def public_functions() -> dict[str, Callable]:
    """module.name -> every public function defined in a library module."""
    out = {}
    for name in library_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or inspect.isclass(value) or not callable(value):
                continue
            if getattr(value, "__module__", None) != name:
                continue
            out[f"{name}.{attr}"] = value
    return out


def touches_a_workspace(fn: Callable) -> bool:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return bool(WORKSPACE_PARAMETERS & set(parameters))


def test_every_public_function_touching_a_workspace_is_declared():
    undeclared = sorted(name for name, fn in public_functions().items()
                        if touches_a_workspace(fn) and access.declaration(fn) is None)
    assert not undeclared, ("public functions that take a workspace or a connection need a declaration "
                            f"in curation.access (or a leading underscore): {undeclared}")


def test_the_enumeration_finds_the_functions_it_must():
    found = public_functions()
    assert {"curation.catalogue.read_transcript", "curation.review.approve",
            "curation.difficulty.store.analyse_workspace"} <= set(found)
    assert "curation.catalogue._load_transcript" not in found
    assert "curation.ingest.importer.import_one" not in found  # became private: only `ingest` imports


# ---- a world to run them in -----------------------------------------------------------------------------

@dataclass
class World:
    ws: object
    clips: dict
    tmp: Path
    out: Path
    span_id: int | None = None
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world(tmp_path_factory, tmp_path, monkeypatch):
    from curation.workspace import Workspace

    root, clips = template(tmp_path_factory)
    copy_workspace(root, tmp_path / "ws")
    monkeypatch.delenv("CURATION_USER", raising=False)
    ws = Workspace.open(tmp_path / "ws")
    (tmp_path / "out").mkdir()
    yield World(ws, clips, tmp_path, tmp_path / "out")
    ws.close()


def fingerprint(ws) -> str:
    """Every row of every table: equal fingerprints, nothing written."""
    digest = hashlib.sha256()
    with ws.engine.connect() as conn:
        for table in sorted(sa.inspect(conn).get_table_names()):
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1')):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def events(ws) -> list:
    from curation import audit

    with ws.engine.connect() as conn:
        return audit.events(conn)


def first_span(w: World) -> None:
    from curation.clips.store import load_spans

    with w.ws.engine.connect() as conn:
        w.span_id = load_spans(conn, w.clips["c1"])[0].id


def submitted(w: World) -> None:
    from curation import review

    review.submit(w.ws, w.clips["c1"], user="trainer")


def submitted_and_played(w: World) -> None:
    from tests._clip_fixtures import listen_whole

    submitted(w)
    listen_whole(w.ws, w.clips["c1"], user="reviewer")


def analysed(w: World) -> None:
    from curation.difficulty.store import analyse_workspace

    analyse_workspace(w.ws, call_ids=["call1"], use_audio=False, user="admin")


def on_roster(w: World) -> None:
    from curation.coaching import register_agent
    from curation.roles import add_user

    add_user(w.ws, "agent1", "agent", user="admin")
    register_agent(w.ws, "agent1", "A17", team="zorg", user="trainer")


def agent_user(w: World) -> None:
    from curation.roles import add_user

    add_user(w.ws, "agent1", "agent", user="admin")


def an_evaluation(w: World) -> None:
    from curation.coaching import evaluate

    w.extra["evaluation"] = evaluate(w.ws, "call1", user="trainer").id


def an_approved_clip(w: World) -> None:
    from curation import review

    on_roster(w)
    submitted_and_played(w)
    review.approve(w.ws, w.clips["c1"], user="reviewer", attestations=list(review.CHECKLIST))


def an_assignment(w: World) -> None:
    from curation.coaching import assign

    an_approved_clip(w)
    w.extra["assignment"] = assign(w.ws, "Week 1", "2099-01-01", agents=["agent1"], clip_ids=[w.clips["c1"]],
                                   user="trainer")


def new_recording(w: World) -> None:
    make_call(w.tmp / "new" / "call9", "call9")


def _fn(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Recipe:
    call: Callable  # (world, user) -> None
    setup: Callable | None = None  # (world) -> None, as the users who may, before measuring
    user: str | None = None  # who is allowed (default: the first role holding the permission)


REASON = "Gecontroleerd met het IVR-script van de klantenservice."
R = Recipe
RECIPES: dict[str, Recipe] = {
    # catalogue and ingest
    "curation.catalogue.calls_frame": R(lambda w, u: _fn("curation.catalogue.calls_frame")(w.ws, user=u)),
    "curation.catalogue.call_ids": R(lambda w, u: _fn("curation.catalogue.call_ids")(w.ws, user=u)),
    "curation.catalogue.get_call": R(lambda w, u: _fn("curation.catalogue.get_call")(w.ws, "call1", user=u)),
    "curation.catalogue.read_transcript": R(lambda w, u: _fn("curation.catalogue.read_transcript")(w.ws, "call1",
                                                                                                    user=u)),
    "curation.catalogue.consent_fields": R(lambda w, u: _fn("curation.catalogue.consent_fields")(w.ws, "call1",
                                                                                                  user=u)),
    "curation.ingest.importer.ingest": R(lambda w, u: _fn("curation.ingest.importer.ingest")(
        w.ws, [w.tmp / "new"], actor=u, align=False), setup=new_recording),
    "curation.ingest.importer.ingest_upload": R(lambda w, u: _fn("curation.ingest.importer.ingest_upload")(
        w.ws, {p.name: p.read_bytes() for p in sorted((w.tmp / "new" / "call9").iterdir())}, align=False, user=u),
        setup=new_recording),
    # users
    "curation.roles.add_user": R(lambda w, u: _fn("curation.roles.add_user")(w.ws, "newbie", "trainer", user=u)),
    "curation.roles.remove_user": R(lambda w, u: _fn("curation.roles.remove_user")(w.ws, "trainer2", "trainer",
                                                                                    user=u)),
    "curation.roles.list_users": R(lambda w, u: _fn("curation.roles.list_users")(w.ws, user=u)),
    "curation.roles.seed_demo_users": R(lambda w, u: _fn("curation.roles.seed_demo_users")(
        w.ws, {"newbie": "trainer"}, admin=u)),
    # clips
    "curation.clips.edit.create_clip": R(lambda w, u: _fn("curation.clips.edit.create_clip")(
        w.ws, "call1", 0.0, 3.0, detect=False, user=u)),
    "curation.clips.edit.get_clip": R(lambda w, u: _fn("curation.clips.edit.get_clip")(w.ws, w.clips["c1"], user=u)),
    "curation.clips.edit.list_clips": R(lambda w, u: _fn("curation.clips.edit.list_clips")(w.ws, user=u)),
    "curation.consent.decisions.clips_with_consent": R(
        lambda w, u: _fn("curation.consent.decisions.clips_with_consent")(w.ws, user=u)),
    "curation.clips.edit.clip_counts": R(lambda w, u: _fn("curation.clips.edit.clip_counts")(w.ws, user=u)),
    "curation.clips.edit.redaction_spans": R(lambda w, u: _fn("curation.clips.edit.redaction_spans")(
        w.ws, w.clips["c1"], user=u)),
    "curation.clips.edit.redaction_span_rows": R(lambda w, u: _fn("curation.clips.edit.redaction_span_rows")(
        w.ws, w.clips["c1"], user=u)),
    "curation.clips.edit.redacted_transcript": R(lambda w, u: _fn("curation.clips.edit.redacted_transcript")(
        w.ws, w.clips["c1"], user=u)),
    "curation.clips.edit.clip_transcript": R(lambda w, u: _fn("curation.clips.edit.clip_transcript")(
        w.ws, w.clips["c1"], user=u)),
    "curation.clips.edit.update_clip": R(lambda w, u: _fn("curation.clips.edit.update_clip")(
        w.ws, w.clips["c1"], title="Andere titel", user=u)),
    "curation.clips.edit.decide_redaction": R(lambda w, u: _fn("curation.clips.edit.decide_redaction")(
        w.ws, w.clips["c1"], w.span_id, True, user=u), setup=first_span),
    "curation.clips.edit.add_redaction": R(lambda w, u: _fn("curation.clips.edit.add_redaction")(
        w.ws, w.clips["c1"], (0, 1), "PERSON", user=u)),
    "curation.clips.anonymise.anonymise_clip": R(lambda w, u: _fn("curation.clips.anonymise.anonymise_clip")(
        w.ws, w.clips["c1"], user=u, voice="none")),
    "curation.clips.anonymise.anonymise_clips": R(lambda w, u: _fn("curation.clips.anonymise.anonymise_clips")(
        w.ws, [w.clips["c1"]], user=u, voice="none")),
    "curation.clips.audio.load_clip_audio": R(lambda w, u: _fn("curation.clips.audio.load_clip_audio")(
        w.ws, w.clips["c1"], user=u)),
    "curation.clips.audio.play_clip": R(lambda w, u: _fn("curation.clips.audio.play_clip")(w.ws, w.clips["c1"],
                                                                                            user=u)),
    "curation.clips.listening.record_listening": R(lambda w, u: _fn("curation.clips.listening.record_listening")(
        w.ws, w.clips["c1"], [(0.0, 3.0)], user=u)),
    "curation.clips.listening.listening_status": R(lambda w, u: _fn("curation.clips.listening.listening_status")(
        w.ws, w.clips["c1"], user=u)),
    "curation.clips.worklist.my_clips": R(lambda w, u: _fn("curation.clips.worklist.my_clips")(w.ws, user=u)),
    "curation.clips.worklist.my_decisions": R(lambda w, u: _fn("curation.clips.worklist.my_decisions")(
        w.ws, user=u)),
    "curation.clips.worklist.anonymisation_state": R(lambda w, u: _fn(
        "curation.clips.worklist.anonymisation_state")(w.ws, w.clips["c1"], user=u)),
    "curation.clips.audio.export_clip_audio": R(lambda w, u: _fn("curation.clips.audio.export_clip_audio")(
        w.ws, w.clips["c1"], w.out / "clip.mp3", user=u)),
    "curation.clips.audio.export_original": R(lambda w, u: _fn("curation.clips.audio.export_original")(
        w.ws, "call1", w.out / "original.wav", user=u)),
    "curation.clips.audio.original_audio": R(lambda w, u: _fn("curation.clips.audio.original_audio")(
        w.ws, "call1", 0.0, 2.0, user=u)),
    "curation.clips.audio.export_clip_original": R(lambda w, u: _fn("curation.clips.audio.export_clip_original")(
        w.ws, w.clips["c1"], w.out / "original.wav", user=u)),
    "curation.anonymise.calls.anonymise_call": R(lambda w, u: _fn("curation.anonymise.calls.anonymise_call")(
        w.ws, "call1", w.out / "call.wav", user=u, intervals=[], voice="none")),
    # review
    "curation.review.submit": R(lambda w, u: _fn("curation.review.submit")(w.ws, w.clips["c1"], user=u)),
    "curation.review.approval_problems": R(lambda w, u: _fn("curation.review.approval_problems")(
        w.ws, w.clips["c1"], user=u)),
    "curation.review.approve": R(lambda w, u: _fn("curation.review.approve")(
        w.ws, w.clips["c1"], user=u, attestations=list(_fn("curation.review.CHECKLIST"))),
        setup=submitted_and_played, user="reviewer"),
    "curation.review.reject": R(lambda w, u: _fn("curation.review.reject")(w.ws, w.clips["c1"], "Te lang fragment",
                                                                          user=u), setup=submitted),
    "curation.review.request_changes": R(lambda w, u: _fn("curation.review.request_changes")(
        w.ws, w.clips["c1"], "Kortere clip graag", user=u), setup=submitted),
    "curation.review.revoke": R(lambda w, u: _fn("curation.review.revoke")(w.ws, w.clips["c1"], "verzoek V-1",
                                                                          user=u)),
    # consent
    "curation.consent.analysis.analyse_consent": R(lambda w, u: _fn("curation.consent.analysis.analyse_consent")(
        w.ws, user=u, call_ids=["call1"])),
    "curation.consent.analysis.call_consent": R(lambda w, u: _fn("curation.consent.analysis.call_consent")(
        w.ws, "call1", user=u)),
    "curation.consent.analysis.consent_summary": R(lambda w, u: _fn("curation.consent.analysis.consent_summary")(
        w.ws, w.clips["c1"], user=u)),
    "curation.consent.analysis.correct_record": R(lambda w, u: _fn("curation.consent.analysis.correct_record")(
        w.ws, "call2", {"legal_basis": "contract"}, REASON, user=u)),
    "curation.consent.decisions.decide_clip": R(lambda w, u: _fn("curation.consent.decisions.decide_clip")(
        w.ws, w.clips["c1"], user=u)),
    "curation.consent.decisions.call_outcomes": R(lambda w, u: _fn("curation.consent.decisions.call_outcomes")(
        w.ws, ["call1", "call2"], user=u)),
    "curation.consent.decisions.evaluate_clip": R(lambda w, u: _fn("curation.consent.decisions.evaluate_clip")(
        w.ws, w.clips["c1"], user=u)),
    "curation.consent.decisions.override_decision": R(lambda w, u: _fn(
        "curation.consent.decisions.override_decision")(w.ws, w.clips["c2"], "training_allowed", REASON, user=u)),
    "curation.consent.decisions.override_history": R(lambda w, u: _fn("curation.consent.decisions.override_history")(
        w.ws, w.clips["c2"], user=u)),
    "curation.consent.decisions.set_policy": R(lambda w, u: _fn("curation.consent.decisions.set_policy")(
        w.ws, _fn("curation.consent.policy.default_policy_text")(), user=u)),
    "curation.consent.decisions.reevaluate_open_clips": R(lambda w, u: _fn(
        "curation.consent.decisions.reevaluate_open_clips")(w.ws, user=u)),
    "curation.consent.reenactment.build_script": R(lambda w, u: _fn("curation.consent.reenactment.build_script")(
        w.ws, w.clips["c2"], user=u)),
    "curation.consent.reenactment.export_script": R(lambda w, u: _fn("curation.consent.reenactment.export_script")(
        w.ws, w.clips["c2"], w.out, user=u)),
    # difficulty
    "curation.difficulty.store.analyse_workspace": R(lambda w, u: _fn("curation.difficulty.store.analyse_workspace")(
        w.ws, call_ids=["call1"], use_audio=False, user=u)),
    "curation.difficulty.store.call_signals": R(lambda w, u: _fn("curation.difficulty.store.call_signals")(
        w.ws, "call1", user=u), setup=analysed),
    "curation.difficulty.browse.difficult_calls_frame": R(lambda w, u: _fn(
        "curation.difficulty.browse.difficult_calls_frame")(w.ws, all_calls=True, user=u), setup=analysed),
    "curation.difficulty.tags.add_learning_topic": R(lambda w, u: _fn("curation.difficulty.tags.add_learning_topic")(
        w.ws, "klachten", user=u)),
    "curation.difficulty.tags.learning_topics_list": R(lambda w, u: _fn(
        "curation.difficulty.tags.learning_topics_list")(w.ws, user=u)),
    "curation.difficulty.tags.tag_call": R(lambda w, u: _fn("curation.difficulty.tags.tag_call")(
        w.ws, "call1", "lastig", user=u)),
    "curation.difficulty.tags.tags_of": R(lambda w, u: _fn("curation.difficulty.tags.tags_of")(w.ws, "call1",
                                                                                                user=u)),
    "curation.difficulty.tags.save_weights": R(lambda w, u: _fn("curation.difficulty.tags.save_weights")(
        w.ws, {"talk_balance": 0.5}, user=u), setup=analysed),
    "curation.difficulty.tags.reset_weights": R(lambda w, u: _fn("curation.difficulty.tags.reset_weights")(
        w.ws, user=u), setup=analysed),
    # coaching
    "curation.coaching.formstore.save_form": R(lambda w, u: _fn("curation.coaching.formstore.save_form")(
        w.ws, _fn("curation.coaching.forms.default_form_text")("sales_nl").replace("Verkoopgesprek", "Verkoop"),
        user=u)),
    "curation.coaching.formstore.get_form": R(lambda w, u: _fn("curation.coaching.formstore.get_form")(w.ws, user=u)),
    "curation.coaching.formstore.list_forms": R(lambda w, u: _fn("curation.coaching.formstore.list_forms")(
        w.ws, user=u)),
    "curation.coaching.evaluations.evaluate": R(lambda w, u: _fn("curation.coaching.evaluations.evaluate")(
        w.ws, "call1", user=u)),
    "curation.coaching.evaluations.answer": R(lambda w, u: _fn("curation.coaching.evaluations.answer")(
        w.ws, w.extra["evaluation"], answers={"empathie": 3}, user=u), setup=an_evaluation),
    "curation.coaching.evaluations.get_evaluation": R(lambda w, u: _fn(
        "curation.coaching.evaluations.get_evaluation")(w.ws, w.extra["evaluation"], user=u), setup=an_evaluation),
    "curation.coaching.evaluations.list_evaluations": R(lambda w, u: _fn(
        "curation.coaching.evaluations.list_evaluations")(w.ws, user=u), setup=an_evaluation),
    "curation.coaching.evaluations.agent_profile": R(lambda w, u: _fn("curation.coaching.evaluations.agent_profile")(
        w.ws, "A17", user=u), setup=an_evaluation),
    "curation.coaching.evaluations.prefill_agreement": R(lambda w, u: _fn(
        "curation.coaching.evaluations.prefill_agreement")(w.ws, user=u), setup=an_evaluation),
    "curation.coaching.assignments.register_agent": R(lambda w, u: _fn(
        "curation.coaching.assignments.register_agent")(w.ws, "agent1", "A17", user=u), setup=agent_user),
    "curation.coaching.assignments.agent_left": R(lambda w, u: _fn("curation.coaching.assignments.agent_left")(
        w.ws, "agent1", user=u), setup=on_roster),
    "curation.coaching.assignments.roster": R(lambda w, u: _fn("curation.coaching.assignments.roster")(w.ws, user=u),
                                             setup=on_roster),
    "curation.coaching.assignments.assign": R(lambda w, u: _fn("curation.coaching.assignments.assign")(
        w.ws, "Week 1", "2099-01-01", agents=["agent1"], clip_ids=[w.clips["c1"]], user=u), setup=an_approved_clip),
    "curation.coaching.assignments.assignments": R(lambda w, u: _fn("curation.coaching.assignments.assignments")(
        w.ws, user=u), setup=an_assignment),
    "curation.coaching.assignments.open_assignment": R(lambda w, u: _fn(
        "curation.coaching.assignments.open_assignment")(w.ws, w.extra["assignment"], user=u), setup=an_assignment),
    "curation.coaching.assignments.acknowledge": R(lambda w, u: _fn("curation.coaching.assignments.acknowledge")(
        w.ws, w.extra["assignment"], user=u), setup=an_assignment),
    "curation.coaching.assignments.assignment_clip_audio": R(lambda w, u: _fn(
        "curation.coaching.assignments.assignment_clip_audio")(w.ws, w.extra["assignment"], w.clips["c1"], user=u),
        setup=an_assignment),
    "curation.coaching.assignments.completion": R(lambda w, u: _fn("curation.coaching.assignments.completion")(
        w.ws, user=u), setup=an_assignment),
    "curation.coaching.dashboard.coaching_numbers": R(lambda w, u: _fn(
        "curation.coaching.dashboard.coaching_numbers")(w.ws, user=u), setup=an_assignment),
    # dashboard
    "curation.aggregates.compute": R(lambda w, u: _fn("curation.aggregates.compute")(w.ws, user=u)),
}
CHECKED = (access.MUTATES, access.READS_PERSONAL, access.READS)


def declared(*kinds) -> list[str]:
    public_functions()  # import every library module: their declarations register
    return sorted(name for name, d in access.REGISTRY.items() if d.kind in kinds
                  and not any(name.startswith(p + ".") for p in OUT_OF_SCOPE))


def test_every_declared_operation_has_a_recipe():
    missing = sorted(set(declared(*CHECKED)) - set(RECIPES))
    assert not missing, f"declared operations without a recipe in this test: {missing}"
    assert not set(RECIPES) - set(declared(*CHECKED)), "recipes for functions no longer declared"


def allowed_user(permission: str) -> str:
    from curation.roles import PERMISSIONS

    return next(user for role, user in USERS_BY_ROLE.items() if role in PERMISSIONS[permission])


def refused_users(permission: str) -> list[str]:
    from curation.roles import PERMISSIONS

    return [STRANGER] + [user for role, user in USERS_BY_ROLE.items() if role not in PERMISSIONS[permission]][:1]


@pytest.mark.parametrize("name", declared(*CHECKED))
def test_declared_function_refuses_the_unpermitted_and_audits_once(world, name):
    decl = access.REGISTRY[name]
    recipe = RECIPES[name]
    [permission] = decl.permissions
    if recipe.setup:
        recipe.setup(world)
    for user in refused_users(permission):
        before = fingerprint(world.ws)
        with pytest.raises(PermissionDenied):
            recipe.call(world, user)
        assert fingerprint(world.ws) == before, f"{name} wrote something for {user}, who was refused"
        assert not list(world.out.iterdir()), f"{name} left a file for {user}, who was refused"
    user = recipe.user or allowed_user(permission)
    seen = len(events(world.ws))
    recipe.call(world, user)
    new = events(world.ws)[seen:]
    if decl.kind == access.READS:
        assert new == [], f"{name} is declared a plain read but wrote audit events {[e.action for e in new]}"
    else:
        assert len(new) == 1, f"{name} should write exactly one audit event, wrote {[e.action for e in new]}"
        assert new[0].actor == user and fnmatch.fnmatch(new[0].action, decl.action), (new[0].actor, new[0].action)


@pytest.mark.parametrize("name", declared(access.WITHIN_OPERATION))
def test_building_blocks_refuse_to_run_outside_an_operation(world, name):
    fn = _fn(name)
    with pytest.raises(PermissionDenied, match="only inside an audited operation"):
        fn(world.ws, "x")  # the guard speaks before the arguments matter
    decl = access.REGISTRY[name]
    if decl.permissions and "users.list" not in decl.permissions:
        from curation.roles import authorised

        with authorised(world.ws, "users.list", user="admin"), pytest.raises(PermissionDenied, match="not part of"):
            fn(world.ws, "x")


def test_transitional_callers_are_other_work_in_progress_and_nobody_else_gets_through(world):
    """Only the packs' build may still call `script_for_clip` before its operation opens (the
    packs work moves the call inside); called from anywhere else it refuses."""
    assert access.TRANSITIONAL == {"curation.consent.reenactment.script_for_clip":
                                   {"curation.packs.build": "packs.build"}}
    from curation.consent.reenactment import script_for_clip

    with pytest.raises(PermissionDenied):
        script_for_clip(world.ws, world.clips["c2"])


def test_storage_helpers_take_what_the_caller_read_never_a_workspace():
    for name in declared(access.STORAGE):
        parameters = list(inspect.signature(_fn(name)).parameters)
        assert "ws" not in parameters and parameters[0] in ("conn", "row"), (name, parameters)
    for name in declared(access.CONFIGURATION, access.MECHANISM):
        assert access.REGISTRY[name].reason, name


def test_loading_a_transcript_directly_is_refused_even_to_a_curator(world):
    """The bypass the issue found: `load_transcript` gave a manager the text `read_transcript` refused."""
    from curation.catalogue import load_transcript, read_transcript
    from curation.roles import operation

    with pytest.raises(PermissionDenied, match="only inside an audited operation"):
        load_transcript(world.ws, "call1")
    with pytest.raises(PermissionDenied, match="may not read call transcripts"):
        read_transcript(world.ws, "call1", user="manager")
    with operation(world.ws, "aggregates.read", "test.read", user="manager"), \
            pytest.raises(PermissionDenied, match="not part of an operation with permission 'aggregates.read'"):
        load_transcript(world.ws, "call1")
    assert read_transcript(world.ws, "call1", user="trainer").words


# ---- the side doors the issue found, from the command line ------------------------------------------------

def test_an_unknown_user_is_refused_by_calls_and_users_list(world, monkeypatch, capsys):
    from tests._clip_fixtures import run_cli

    for command in (["calls"], ["users", "list"], ["clips", "list"], ["audit", "log"]):
        code, out, err = run_cli(monkeypatch, capsys, *command, "--workspace", world.ws.root, user=STRANGER)
        assert code == 3 and out == "" and "'stranger' is not known in this workspace" in err, (command, err)
    code, out, _ = run_cli(monkeypatch, capsys, "users", "list", "--workspace", world.ws.root, user="manager")
    assert code == 0 and "reviewer\tprivacy_reviewer" in out


def test_standalone_anonymise_of_a_workspace_original_needs_the_role_and_is_audited(world, monkeypatch, capsys):
    """`curation anonymise --audio originals/... --voice none --intervals []` copied an original out of
    the store for anyone; now it is the workspace's call: the role is checked and the audit records it."""
    from curation.catalogue import get_call
    from tests._clip_fixtures import run_cli

    original = world.ws.path_of(get_call(world.ws, "call1", user="trainer").audio_path)
    link = world.tmp / "innocent.wav"
    link.symlink_to(original)
    (world.tmp / "none.json").write_text("[]")
    for audio, user in ((original, "manager"), (link, "manager"), (original, STRANGER)):
        out = world.out / "copy.wav"
        before = fingerprint(world.ws)
        code, _, err = run_cli(monkeypatch, capsys, "anonymise", "--audio", audio, "--voice", "none",
                               "--intervals", world.tmp / "none.json", "--out", out, user=user)
        assert code == 3 and "may not" in err and not out.exists(), (audio, user, err)
        assert fingerprint(world.ws) == before
    seen = len(events(world.ws))
    code, out_text, err = run_cli(monkeypatch, capsys, "anonymise", "--audio", link, "--voice", "none",
                                  "--intervals", world.tmp / "none.json", "--out", world.out / "ok.wav",
                                  user="trainer")
    assert code == 0 and (world.out / "ok.wav").exists(), err
    [event] = events(world.ws)[seen:]
    assert (event.actor, event.action, event.object_id, event.details["original"]) == \
        ("trainer", "call.anonymise", "call1", True)


def test_the_plain_file_anonymiser_refuses_a_workspace_original(world):
    from curation.anonymise import anonymise_audio
    from curation.anonymise.pipeline import OriginalRecording
    from curation.catalogue import get_call

    original = world.ws.path_of(get_call(world.ws, "call1", user="trainer").audio_path)
    with pytest.raises(OriginalRecording, match="an original recording of workspace"):
        anonymise_audio(original, None, [], b"k" * 32, voice="none", out=world.out / "x.wav")
    assert not list(world.out.iterdir())
