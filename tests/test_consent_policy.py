"""The consent record (manifest + transcript merged) and the policy's pure decision for it: every
decision path of the default policy, an edited policy, and policy files that are refused."""

from __future__ import annotations

import pytest

from curation.consent.detect import detect
from curation.consent.policy import (EXCLUDED, REENACTMENT_REQUIRED, TRAINING_ALLOWED, PolicyError, decide,
                                     default_policy, default_policy_text, load_policy, parse_policy)
from curation.consent.record import ConsentRecordError, build_record

POLICY = default_policy()
GOOD = {"notice_played": True, "notice_purposes": ["quality", "training"], "customer_objected": False,
        "employee_informed": True, "secret_recording": False}


def record(manifest=None, text: str | None = None, **kw):
    detection = detect(text, "nl") if text is not None else None
    return build_record("c1", {**GOOD, **(manifest or {})}, detection, recorded_at="2026-01-10T10:00:00",
                        default_retention_days=POLICY.retention_days, **kw)


def rules(decision):
    return [r.rule for r in decision.reasons]


def test_notice_with_training_purpose_and_no_objection_allows_training():
    d = decide(record(), POLICY)
    assert d.decision == TRAINING_ALLOWED and rules(d) == ["default"]
    assert d.allows("audio") and d.allows("reenactment")
    assert "training" in d.explain("en")[0] and "training" in d.explain("nl")[0]


def test_notice_without_training_purpose_requires_reenactment():
    d = decide(record({"notice_purposes": ["quality", "evidence"]}), POLICY)
    assert d.decision == REENACTMENT_REQUIRED and rules(d) == ["notice_without_training"]
    assert not d.allows("audio") and d.allows("reenactment")
    assert "did not name training" in d.explain("en")[0]


def test_no_notice_requires_reenactment():
    d = decide(record({"notice_played": False, "notice_purposes": []}), POLICY)
    assert d.decision == REENACTMENT_REQUIRED and rules(d) == ["no_notice"]


def test_objection_detected_in_the_transcript_requires_reenactment_even_if_the_manifest_says_none():
    rec = record({"customer_objected": False}, text="Ik wil niet dat dit gesprek voor trainingen wordt gebruikt.")
    assert rec.customer_objected and rec.sources["customer_objected"] == "transcript"
    assert any("manifest says no" in c for c in rec.conflicts)
    assert rec.evidence["objection"]["quote"].startswith("Ik wil niet")
    d = decide(rec, POLICY)
    assert d.decision == REENACTMENT_REQUIRED and "customer_objected" in rules(d)


@pytest.mark.parametrize("flags,rule", [
    ({"secret_recording": True}, "secret_recording"),
    ({"minor": True}, "minor"),
    ({"special_category": True}, "special_category"),
])
def test_exclusion_flags_exclude_the_call(flags, rule):
    d = decide(record(flags), POLICY)
    assert d.decision == EXCLUDED and rules(d)[0] == rule
    assert not d.allows("audio") and not d.allows("reenactment")


def test_health_mentioned_in_the_transcript_excludes_and_says_which_category():
    rec = record(text="Ik lig sinds vorige week in het ziekenhuis.")
    assert rec.special_category and rec.special_categories == ("health",)
    assert decide(rec, POLICY).decision == EXCLUDED


def test_the_most_restrictive_rule_wins_and_every_fired_rule_is_a_reason():
    d = decide(record({"secret_recording": True, "notice_played": False, "employee_informed": False}), POLICY)
    assert d.decision == EXCLUDED
    assert rules(d) == ["secret_recording", "no_notice", "employee_not_informed"]
    assert not d.overridable  # the secret-recording rule may not be overridden


def test_contract_basis_does_not_cover_training():
    d = decide(record({"legal_basis": "contract"}), POLICY)
    assert d.decision == REENACTMENT_REQUIRED and rules(d) == ["contract_basis"]


def test_manifest_notice_wins_but_transcript_fills_what_the_manifest_lacks():
    text = "Dit gesprek kan worden opgenomen voor kwaliteitsdoeleinden en om medewerkers te trainen."
    rec = build_record("c1", {}, detect(text, "nl"), default_retention_days=30, recorded_at="2026-01-10T10:00:00")
    assert rec.notice_played and rec.notice_purposes == ("quality", "training")
    assert rec.sources["notice_played"] == "transcript" and rec.evidence["notice"]["quote"].startswith("Dit gesprek")
    assert rec.retention_until == "2026-02-09" and rec.sources["retention_until"] == "policy default"
    rec = build_record("c1", {"notice_played": False}, detect(text, "nl"))
    assert rec.notice_played is False and rec.notice_purposes == ()
    assert any("transcript contains one" in c for c in rec.conflicts)


def test_unknown_legal_basis_is_refused():
    with pytest.raises(ConsentRecordError, match="legal basis"):
        record({"legal_basis": "vibes"})


def test_an_edited_policy_changes_the_decision():
    text = default_policy_text().replace(
        'id = "customer_objected"\nwhen = { customer_objected = true }\ndecision = "reenactment_required"',
        'id = "customer_objected"\nwhen = { customer_objected = true }\ndecision = "excluded"')
    strict = parse_policy(text, "strict.toml")
    rec = record({"customer_objected": True})
    assert decide(rec, POLICY).decision == REENACTMENT_REQUIRED
    assert decide(rec, strict).decision == EXCLUDED
    assert strict.digest != POLICY.digest


def test_a_custom_rule_on_purposes_and_categories(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[policy]\nname = "x"\ndefault_decision = "reenactment_required"\n'
                    '[[rule]]\nid = "evidence_only"\nwhen = { notice_purposes_include = ["evidence"], '
                    'notice_purposes_lack = ["training", "quality"] }\ndecision = "excluded"\n'
                    'nl = "Alleen bewijs."\nen = "Evidence only."\n', encoding="utf-8")
    policy = load_policy(path)
    assert decide(record({"notice_purposes": ["evidence"]}), policy).decision == EXCLUDED
    d = decide(record(), policy)
    assert d.decision == REENACTMENT_REQUIRED and rules(d) == ["default"]


@pytest.mark.parametrize("body,problem", [
    ('[[rule]]\nid = "a"\nwhen = { colour = "red" }\ndecision = "excluded"\nnl = "x"\nen = "x"\n', "unknown condition 'colour'"),
    ('[[rule]]\nid = "a"\nwhen = { minor = true }\ndecision = "maybe"\nnl = "x"\nen = "x"\n', "decision 'maybe'"),
    ('[[rule]]\nid = "a"\nwhen = { minor = "yes" }\ndecision = "excluded"\nnl = "x"\nen = "x"\n', "true or false"),
    ('[[rule]]\nid = "a"\nwhen = { minor = true }\ndecision = "excluded"\nnl = "x"\n', "missing 'en'"),
    ('[[rule]]\nid = "a"\nwhen = { notice_purposes_lack = ["coffee"] }\ndecision = "excluded"\nnl = "x"\nen = "x"\n',
     "notice_purposes_lack"),
    ('[retention]\ndefault_days = -3\n', "default_days"),
    ('[policy\n', "not valid TOML"),
])
def test_bad_policy_files_are_refused_naming_the_file(tmp_path, body, problem):
    path = tmp_path / "bad_policy.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert str(path) in str(err.value) and problem in str(err.value)
    assert "\n" not in str(err.value)
