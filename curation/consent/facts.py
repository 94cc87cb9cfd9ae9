"""The consent record of one call: manifest metadata merged with what the transcript says, each
field with its source and evidence, the legal basis, exclusion flags and the retention date.

Pure: values and `build_record`; reading and storing records in a workspace is `curation.consent.record`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from curation.consent.detect import ConsentDetection
from curation.consent.lexicon import PURPOSES
from curation.errors import CurationError

LEGAL_BASES = ("legitimate_interest", "contract", "consent")
MANIFEST_FIELDS = ("notice_played", "notice_purposes", "legal_basis", "customer_objected", "employee_informed",
                   "secret_recording", "minor", "special_category", "retention_until")
ANALYSED = "manifest+transcript"


class ConsentRecordError(CurationError):
    """A consent record or its metadata cannot be used as given."""


@dataclass(frozen=True)
class ConsentRecord:
    """Consent facts of one call. `sources` says per field where the value came from
    (manifest | transcript | manifest+transcript | policy default | unknown); `evidence` holds quotes."""

    call_id: str
    notice_played: bool | None
    notice_purposes: tuple[str, ...]
    legal_basis: str
    customer_objected: bool
    employee_informed: bool | None
    secret_recording: bool
    minor: bool
    special_category: bool
    special_categories: tuple[str, ...] = ()
    retention_until: str | None = None
    sources: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()

    def facts(self) -> dict:
        """The values policy rules test (unknown notice/informed count as not shown: False)."""
        return {"notice_played": bool(self.notice_played), "notice_purposes": set(self.notice_purposes),
                "legal_basis": self.legal_basis, "customer_objected": self.customer_objected,
                "employee_informed": bool(self.employee_informed), "secret_recording": self.secret_recording,
                "minor": self.minor, "special_category": self.special_category,
                "special_categories": set(self.special_categories)}

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("notice_purposes", "special_categories", "conflicts"):
            data[key] = list(data[key])
        return data


def purposes_of(value) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(";") if isinstance(value, str) else list(value)
    items = [p.strip() for p in items if p and p.strip()]
    unknown = [p for p in items if p not in PURPOSES]
    return tuple(p for p in PURPOSES if p in items) + (("other",) if unknown and "other" not in items else ())


def retention_date(manifest_value: str | None, recorded_at: str | None, default_days: int,
                   fallback: str | None = None) -> tuple[str | None, str]:
    """The retention date (ISO) and where it came from."""
    if manifest_value:
        return date.fromisoformat(str(manifest_value)[:10]).isoformat(), "manifest"
    base = recorded_at or fallback
    if base and default_days:
        try:
            start = datetime.fromisoformat(str(base).replace("Z", "+00:00")).date()
        except ValueError:
            return None, "unknown"
        return (start + timedelta(days=int(default_days))).isoformat(), "policy default"
    return None, "unknown"


def build_record(call_id: str, manifest: dict | None, detection: ConsentDetection | None, *,
                 recorded_at: str | None = None, imported_at: str | None = None,
                 default_legal_basis: str = "legitimate_interest", default_retention_days: int = 0,
                 corrections: dict | None = None) -> ConsentRecord:
    """Merge manifest metadata and transcript detection into one record.

    The manifest wins for what it states about the notice (an IVR notice may precede the transcript);
    an objection, minor or special-category mention counts when either source reports it (fail safe);
    a secret recording is known from metadata only. `corrections` (field -> value, set by a person) win last.
    """
    m = {k: v for k, v in (manifest or {}).items() if v is not None and v != ""}
    d = detection or ConsentDetection(language="nl")
    sources, conflicts = {}, []
    evidence = d.evidence() if detection is not None else {}

    def either(key: str, detected: bool) -> bool:
        stated = m.get(key)
        sources[key] = ("manifest+transcript" if stated and detected else "transcript" if detected
                        else "manifest" if key in m else "transcript" if detection is not None else "unknown")
        if stated is False and detected:
            conflicts.append(f"{key}: manifest says no, transcript says yes")
        return bool(stated) or detected

    if "notice_played" in m:
        notice = bool(m["notice_played"])
        sources["notice_played"] = "manifest+transcript" if notice and d.notice else "manifest"
        if notice is False and d.notice:
            conflicts.append("notice_played: manifest says no notice, transcript contains one")
        if notice is True and detection is not None and not d.notice:
            conflicts.append("notice_played: manifest says a notice was played, none found in the transcript")
    elif detection is not None:
        notice, sources["notice_played"] = d.notice is not None, "transcript"
    else:
        notice, sources["notice_played"] = None, "unknown"
    if "notice_purposes" in m and purposes_of(m["notice_purposes"]):
        purposes, sources["notice_purposes"] = purposes_of(m["notice_purposes"]), "manifest"
        if d.purposes and set(d.purposes) != set(purposes):
            conflicts.append(f"notice_purposes: manifest {';'.join(purposes)}, transcript {';'.join(d.purposes)}")
    else:
        purposes, sources["notice_purposes"] = (d.purposes, "transcript") if d.notice else ((), sources["notice_played"])
    if not notice:
        purposes = ()
    basis = m.get("legal_basis") or default_legal_basis
    if basis not in LEGAL_BASES:
        raise ConsentRecordError(f"call {call_id}: legal basis {basis!r} is not one of {', '.join(LEGAL_BASES)}")
    sources["legal_basis"] = "manifest" if m.get("legal_basis") else "policy default"
    if "employee_informed" in m:
        informed, sources["employee_informed"] = bool(m["employee_informed"]), "manifest"
    elif d.employee_informed is not None:
        informed, sources["employee_informed"] = True, "transcript"
    else:
        informed, sources["employee_informed"] = None, "unknown"
    objected = either("customer_objected", d.objection is not None)
    minor = either("minor", d.minor is not None)
    special = either("special_category", bool(d.special_category))
    secret = bool(m.get("secret_recording"))
    sources["secret_recording"] = "manifest" if "secret_recording" in m else "unknown"
    retention, sources["retention_until"] = retention_date(m.get("retention_until"), recorded_at,
                                                           default_retention_days, imported_at)
    values = dict(notice_played=notice, notice_purposes=purposes, legal_basis=basis, customer_objected=objected,
                  employee_informed=informed, secret_recording=secret, minor=minor, special_category=special,
                  retention_until=retention)
    for key, value in (corrections or {}).items():
        values[key] = purposes_of(value) if key == "notice_purposes" else value
        sources[key] = "correction"
    return ConsentRecord(call_id=call_id, special_categories=d.special_categories, sources=sources,
                         evidence=evidence, conflicts=tuple(conflicts), **values)
