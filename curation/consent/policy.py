"""The consent policy (an editable TOML file) and the pure decision it makes for a consent record.

Rules are data: each has conditions on the record, a decision and a reason in Dutch and English.
The most restrictive decision among the rules that fire wins; see default_policy.toml for the format.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from curation.access import configuration
from curation.consent.facts import LEGAL_BASES, ConsentRecord
from curation.consent.lexicon import PURPOSES, SPECIAL_CATEGORIES
from curation.errors import CurationError
from curation.vocabulary import CONSENT_DECISIONS as DECISIONS  # in order of restriction
from curation.vocabulary import EXCLUDED, REENACTMENT_REQUIRED, TRAINING_ALLOWED

SEVERITY = {d: i for i, d in enumerate(DECISIONS)}
# which use of a clip each decision allows
USES = {TRAINING_ALLOWED: frozenset({"audio", "reenactment"}), REENACTMENT_REQUIRED: frozenset({"reenactment"}),
        EXCLUDED: frozenset()}
BOOL_CONDITIONS = ("notice_played", "customer_objected", "employee_informed", "secret_recording", "minor",
                   "special_category")
LIST_CONDITIONS = {"notice_purposes_include": PURPOSES, "notice_purposes_lack": PURPOSES,
                   "legal_basis_in": LEGAL_BASES, "special_categories_include": SPECIAL_CATEGORIES}
POLICY_FILE = "policy.toml"


class PolicyError(CurationError):
    """A policy file that cannot be used: names the file and the problem."""


@dataclass(frozen=True)
class Rule:
    id: str
    when: dict
    decision: str
    nl: str
    en: str
    overridable: bool = True

    def fires(self, facts: dict) -> bool:
        for key, want in self.when.items():
            if key in BOOL_CONDITIONS:
                ok = facts[key] == want
            elif key == "notice_purposes_include":
                ok = bool(facts["notice_purposes"] & set(want))
            elif key == "notice_purposes_lack":
                ok = not (facts["notice_purposes"] & set(want))
            elif key == "legal_basis_in":
                ok = facts["legal_basis"] in want
            else:  # special_categories_include
                ok = bool(facts["special_categories"] & set(want))
            if not ok:
                return False
        return True


@dataclass(frozen=True)
class Reason:
    """Why a decision was made: the rule id and its explanation in Dutch and English (no personal data)."""

    rule: str
    decision: str
    nl: str
    en: str

    def text(self, language: str = "nl") -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class Policy:
    name: str
    version: int
    rules: tuple[Rule, ...]
    default_decision: str
    default_nl: str
    default_en: str
    default_legal_basis: str = "legitimate_interest"
    retention_days: int = 180
    source: str = "default"
    text: str = field(default="", repr=False)

    @property
    def digest(self) -> str:
        """Identifies the rules' content (not the comments): decisions record which policy made them."""
        body = json.dumps({"rules": [r.__dict__ for r in self.rules], "default": self.default_decision,
                           "basis": self.default_legal_basis, "days": self.retention_days}, sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass(frozen=True)
class ConsentDecision:
    """The decision for a clip (or call) with every reason; `override` is set when a privacy reviewer
    overrode the policy (then `policy_decision` keeps what the policy said)."""

    decision: str
    reasons: tuple[Reason, ...]
    policy_name: str
    policy_digest: str
    clip_id: str | None = None
    call_id: str | None = None
    policy_decision: str | None = None
    override: dict | None = None
    overridable: bool = True
    frozen: bool = False  # decision kept from when the clip was approved/packed/revoked
    lapsed_override: dict | None = None  # an override made when the policy said something else

    @property
    def outcome(self) -> str:
        return self.decision

    def allows(self, use: str) -> bool:
        """`use` is "audio" (the anonymised recording) or "reenactment" (an actor script)."""
        return use in USES[self.decision]

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def reenactment_only(self) -> bool:
        return self.decision == REENACTMENT_REQUIRED

    def explain(self, language: str = "nl") -> list[str]:
        lines = [r.text(language) for r in self.reasons]
        if self.overridden:
            label = "Overschreven door privacy-beoordelaar" if language != "en" else "Overridden by privacy reviewer"
            lines.insert(0, f"{label} {self.override['by']}: {self.override['reason']}")
        elif self.lapsed_override:
            lines.insert(0, "Eerdere overschrijving vervallen: het beleid besliste inmiddels anders." if language != "en"
                         else "An earlier override lapsed: the policy's decision has changed since.")
        return lines

    @property
    def allows_use(self) -> bool:
        """Some use of the clip is allowed (its audio, or an actor re-enactment of it)."""
        return bool(USES[self.decision])

    def brief(self) -> dict:
        """What an approval keeps and a pack shows: the decision, the rules' texts (never personal
        data) and whether a privacy reviewer overrode the policy."""
        return {"decision": self.decision, "reasons": [{"rule": r.rule, "nl": r.nl, "en": r.en} for r in self.reasons],
                "override": self.overridden}

    def to_json(self) -> dict:
        return {"clip_id": self.clip_id, "call_id": self.call_id, "decision": self.decision,
                "policy_decision": self.policy_decision or self.decision,
                "reasons": [r.__dict__ for r in self.reasons], "override": self.override,
                "lapsed_override": self.lapsed_override,
                "overridden": self.overridden, "allows": sorted(USES[self.decision]),
                "policy": {"name": self.policy_name, "digest": self.policy_digest}, "frozen": self.frozen}


def decide(record: ConsentRecord, policy: Policy) -> ConsentDecision:
    """The policy's decision for a consent record: the most restrictive fired rule, every fired rule as a reason."""
    facts = record.facts()
    fired = [r for r in policy.rules if r.fires(facts)]
    if fired:
        fired.sort(key=lambda r: -SEVERITY[r.decision])
        decision = fired[0].decision
        reasons = tuple(Reason(r.id, r.decision, r.nl, r.en) for r in fired)
    else:
        decision = policy.default_decision
        reasons = (Reason("default", decision, policy.default_nl, policy.default_en),)
    overridable = all(r.overridable for r in fired if r.decision == decision)
    return ConsentDecision(decision, reasons, policy.name, policy.digest, call_id=record.call_id,
                           policy_decision=decision, overridable=overridable)


# ---- loading ---------------------------------------------------------------------------------------

def default_policy_text() -> str:
    return resources.files("curation.consent").joinpath("default_policy.toml").read_text(encoding="utf-8")


def parse_policy(text: str, source: str = "policy.toml") -> Policy:
    """Read and check a policy; every problem names the file (and rule) it is in."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML ({exc})") from None
    head = doc.get("policy", {})
    unknown = set(doc) - {"policy", "rule", "legal_basis", "retention"}
    if unknown:
        raise PolicyError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
    default = head.get("default_decision", REENACTMENT_REQUIRED)
    if default not in DECISIONS:
        raise PolicyError(f"{source}: [policy] default_decision {default!r} must be one of {', '.join(DECISIONS)}")
    basis = doc.get("legal_basis", {}).get("default", "legitimate_interest")
    if basis not in LEGAL_BASES:
        raise PolicyError(f"{source}: [legal_basis] default {basis!r} must be one of {', '.join(LEGAL_BASES)}")
    days = doc.get("retention", {}).get("default_days", 180)
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise PolicyError(f"{source}: [retention] default_days must be a whole number of days >= 0, not {days!r}")
    rules, seen = [], set()
    raw_rules = doc.get("rule", [])
    if not isinstance(raw_rules, list):
        raise PolicyError(f"{source}: rules must be written as [[rule]] tables")
    for n, raw in enumerate(raw_rules, start=1):
        rules.append(_rule(raw, f"{source}: rule {raw.get('id', n)!r}"))
        if rules[-1].id in seen:
            raise PolicyError(f"{source}: rule id {rules[-1].id!r} is used twice")
        seen.add(rules[-1].id)
    return Policy(name=str(head.get("name", "unnamed policy")), version=int(head.get("version", 1)),
                  rules=tuple(rules), default_decision=default,
                  default_nl=str(head.get("default_nl", "Geen regel van het beleid was van toepassing.")),
                  default_en=str(head.get("default_en", "No rule of the policy applied.")),
                  default_legal_basis=basis, retention_days=days, source=source, text=text)


def _rule(raw: dict, where: str) -> Rule:
    for key in ("id", "when", "decision", "nl", "en"):
        if key not in raw:
            raise PolicyError(f"{where}: missing {key!r}")
    extra = set(raw) - {"id", "when", "decision", "nl", "en", "overridable"}
    if extra:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    if raw["decision"] not in DECISIONS:
        raise PolicyError(f"{where}: decision {raw['decision']!r} must be one of {', '.join(DECISIONS)}")
    when = raw["when"]
    if not isinstance(when, dict) or not when:
        raise PolicyError(f"{where}: 'when' must be a table with at least one condition")
    for key, value in when.items():
        if key in BOOL_CONDITIONS:
            if not isinstance(value, bool):
                raise PolicyError(f"{where}: condition {key} must be true or false, not {value!r}")
        elif key in LIST_CONDITIONS:
            allowed = LIST_CONDITIONS[key]
            if not isinstance(value, list) or not value or any(v not in allowed for v in value):
                raise PolicyError(f"{where}: condition {key} must be a list drawn from {', '.join(allowed)}")
        else:
            known = ", ".join(BOOL_CONDITIONS + tuple(LIST_CONDITIONS))
            raise PolicyError(f"{where}: unknown condition {key!r} (known: {known})")
    for key in ("nl", "en"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise PolicyError(f"{where}: {key!r} must be a non-empty explanation")
    return Rule(id=str(raw["id"]), when=dict(when), decision=raw["decision"], nl=raw["nl"].strip(),
                en=raw["en"].strip(), overridable=bool(raw.get("overridable", True)))


def load_policy(path: str | Path) -> Policy:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the policy ({exc})") from None
    return parse_policy(text, str(path))


def default_policy() -> Policy:
    return parse_policy(default_policy_text(), "default_policy.toml")


@configuration("the organisation's consent policy file: no personal data")
def workspace_policy(ws) -> Policy:
    """The workspace's policy: W/policy.toml when present, else the default."""
    path = Path(ws.root) / POLICY_FILE
    return load_policy(path) if path.exists() else default_policy()
