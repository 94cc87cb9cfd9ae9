"""Manager-safe numbers about the workspace: counts and durations per category, state, outcome and period.

Every frame here is an aggregate: no call, clip, customer or user ids, no names, no transcript
text. Reading them needs only `aggregates.read`, so a manager's dashboard is built from this
module alone. Stages that have not run yet (no difficulty scores, no consent decisions) show
as an explicit "not analysed" / "undecided" bucket instead of failing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection

from curation.roles import actor, require
from curation.store.schema import audit_events, calls, clips, reviews
from curation.workspace import Workspace

CLIP_STATES = ("draft", "submitted", "changes_requested", "approved", "rejected", "packed", "revoked")
CONSENT_OUTCOMES = ("training_allowed", "reenactment_required", "excluded", "undecided")
NOT_ANALYSED = "not analysed"
ROUTINE = "routine"
SUBMIT_ACTIONS = frozenset({"submit", "submitted", "clip.submitted", "resubmit"})
DECISION_ACTIONS = frozenset({"approve", "approved", "reject", "rejected", "request_changes", "request-changes",
                              "changes_requested"})
ERASURE_MARK = "erasure"
CLOSED_STATES = frozenset({"packed", "rejected", "revoked"})
# originals already deleted are not due any more (the consent stage's deletion register, when installed)
_NOT_DELETED = {True: " AND r.call_id NOT IN (SELECT call_id FROM original_deletions)"}


@dataclass(frozen=True)
class Aggregates:
    """Everything the manager dashboard shows, as small frames without personal data."""

    totals: dict
    calls_by_category: pd.DataFrame
    clips_by_state: pd.DataFrame
    consent_outcomes: pd.DataFrame
    reenactment_backlog: int
    review_turnaround: pd.DataFrame
    retention_deletions: pd.DataFrame
    erasure_requests: pd.DataFrame
    trend: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _week(values: pd.Series) -> pd.Series:
    """Monday of the ISO week of each timestamp, as a date string (periods, never instants)."""
    stamps = pd.to_datetime(values, errors="coerce", utc=True).dt.tz_localize(None)
    return (stamps.dt.normalize() - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")


def _month(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce", utc=True).dt.strftime("%Y-%m")


def calls_by_category(conn: Connection) -> pd.DataFrame:
    """Number of calls per difficulty category (a call may be in several), plus routine and not analysed."""
    n_calls = conn.execute(select(func.count()).select_from(calls)).scalar_one()
    counts: dict[str, int] = {}
    analysed = 0
    if "difficulty_scores" in _tables(conn):
        rows = conn.execute(text("SELECT d.categories AS categories, d.difficult AS difficult, COUNT(*) AS n "
                                 "FROM difficulty_scores d JOIN calls c ON c.id = d.call_id "
                                 "GROUP BY d.categories, d.difficult")).all()
        for cats, difficult, n in rows:
            analysed += n
            names = [c for c in (cats or "").split(";") if c]
            if not names:
                names = ["difficult (no category)"] if difficult else [ROUTINE]
            for name in names:
                counts[name] = counts.get(name, 0) + n
    if n_calls - analysed:
        counts[NOT_ANALYSED] = n_calls - analysed
    frame = pd.DataFrame({"category": list(counts), "calls": list(counts.values())}, columns=["category", "calls"])
    return frame.sort_values(["calls", "category"], ascending=[False, True], ignore_index=True)


def clips_by_state(conn: Connection) -> pd.DataFrame:
    counts = dict(conn.execute(select(clips.c.state, func.count()).group_by(clips.c.state)).all())
    states = list(CLIP_STATES) + sorted(set(counts) - set(CLIP_STATES))
    return pd.DataFrame({"state": states, "clips": [int(counts.get(s, 0)) for s in states]})


def _decisions(conn: Connection) -> pd.DataFrame:
    """Consent outcome and lifecycle state per clip (kept in memory only; the ids never leave this module)."""
    rows = conn.execute(select(clips.c.id, clips.c.state, clips.c.details_json)).all()
    by_clip = {}
    for clip_id, state, details in rows:
        try:
            info = json.loads(details or "{}")
        except ValueError:
            info = {}
        consent = info.get("consent") if isinstance(info.get("consent"), dict) else {}
        by_clip[clip_id] = [state, consent.get("decision") or info.get("consent_decision")]
    tables = _tables(conn)
    if "consent_decisions" in tables:
        for clip_id, decision in conn.execute(text("SELECT clip_id, decision FROM consent_decisions")):
            if clip_id in by_clip and decision:
                by_clip[clip_id][1] = decision
    if "consent_overrides" in tables:  # a privacy reviewer's latest override wins ("policy" withdraws it)
        for clip_id, decision in conn.execute(text("SELECT clip_id, decision FROM consent_overrides ORDER BY id")):
            if clip_id in by_clip and decision and decision != "policy":
                by_clip[clip_id][1] = decision
    frame = pd.DataFrame([(s, d) for s, d in by_clip.values()], columns=["state", "decision"])
    frame["decision"] = frame["decision"].fillna("undecided")
    return frame


def consent_outcomes(decisions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Clips per consent outcome, and the re-enactment backlog: clips that need actors and are not done yet."""
    counts = decisions["decision"].value_counts().to_dict()
    names = list(CONSENT_OUTCOMES) + sorted(set(counts) - set(CONSENT_OUTCOMES))
    frame = pd.DataFrame({"outcome": names, "clips": [int(counts.get(n, 0)) for n in names]})
    backlog = int(((decisions["decision"] == "reenactment_required") & ~decisions["state"].isin(CLOSED_STATES)).sum())
    return frame, backlog


def review_turnaround(conn: Connection) -> pd.DataFrame:
    """Per week of decision: reviews decided and hours from submission to decision (median, 90th percentile)."""
    rows = conn.execute(select(reviews.c.clip_id, reviews.c.action, reviews.c.at)
                        .order_by(reviews.c.clip_id, reviews.c.at, reviews.c.id)).all()
    columns = ["week", "reviews", "median_hours", "p90_hours"]
    frame = pd.DataFrame(rows, columns=["clip_id", "action", "at"])
    frame["when"] = pd.to_datetime(frame["at"], utc=True, errors="coerce", format="ISO8601")
    action = frame["action"].str.lower()
    # each decision pairs with the latest submission of the same clip before it
    frame["submitted"] = frame["when"].where(action.isin(SUBMIT_ACTIONS)).groupby(frame["clip_id"]).ffill()
    decided = frame[action.isin(DECISION_ACTIONS) & frame["submitted"].notna() & frame["when"].notna()]
    if decided.empty:
        return pd.DataFrame(columns=columns)
    hours = (decided["when"] - decided["submitted"]).dt.total_seconds() / 3600.0
    out = pd.DataFrame({"week": _week(decided["at"]), "hours": hours})
    out = out.groupby("week")["hours"].agg(reviews="count", median_hours="median",
                                           p90_hours=lambda h: h.quantile(0.9)).reset_index()
    out[["median_hours", "p90_hours"]] = out[["median_hours", "p90_hours"]].round(2)
    return out[columns]


def retention_deletions(conn: Connection, today: date, months: int = 6) -> pd.DataFrame:
    """Originals whose retention date falls in each of the coming months (overdue ones in the first row)."""
    rows = conn.execute(text("SELECT r.retention_until FROM consent_records r JOIN calls c ON c.id = r.call_id "
                             "WHERE r.retention_until IS NOT NULL" + _NOT_DELETED.get(
                                 "original_deletions" in _tables(conn), ""))).scalars().all()
    periods = [(pd.Timestamp(today) + pd.DateOffset(months=i)).strftime("%Y-%m") for i in range(months)]
    counts = dict.fromkeys(periods, 0)
    overdue = 0
    if rows:
        months_of = _month(pd.Series(rows))
        first = periods[0]
        for m in months_of.dropna():
            if m < first:
                overdue += 1
            elif m in counts:
                counts[m] += 1
    frame = pd.DataFrame({"month": periods, "originals_due": list(counts.values())})
    frame.loc[0, "originals_due"] += overdue
    frame["overdue"] = [overdue] + [0] * (len(periods) - 1)
    return frame


def erasure_requests(conn: Connection) -> pd.DataFrame:
    """Erasure requests handled per month (the consent stage's request register, else the audit trail)."""
    if "subject_requests" in _tables(conn):
        rows = conn.execute(text("SELECT handled_at FROM subject_requests WHERE kind = 'erasure'")).scalars().all()
    else:
        rows = conn.execute(select(audit_events.c.at)
                            .where(audit_events.c.action.like(f"%{ERASURE_MARK}%"))).scalars().all()
    if not rows:
        return pd.DataFrame(columns=["month", "handled"])
    months = _month(pd.Series(rows)).value_counts().sort_index()
    return pd.DataFrame({"month": months.index.astype(str), "handled": months.to_numpy(dtype=int)})


def trend(conn: Connection) -> pd.DataFrame:
    """Per week: calls recorded, of which difficult; clips created and approved."""
    has_scores = "difficulty_scores" in _tables(conn)
    query = ("SELECT c.recorded_at AS at, " + ("COALESCE(d.difficult, 0)" if has_scores else "0") + " AS difficult "
             "FROM calls c" + (" LEFT JOIN difficulty_scores d ON d.call_id = c.id" if has_scores else ""))
    frame = pd.DataFrame(conn.execute(text(query)).all(), columns=["at", "difficult"])
    frame["week"] = _week(frame["at"])
    per_week = frame.groupby("week").agg(calls=("at", "size"), difficult_calls=("difficult", "sum"))
    made = pd.Series(conn.execute(select(clips.c.created_at)).scalars().all(), dtype=object)
    approved = pd.Series(conn.execute(select(reviews.c.at).where(
        reviews.c.action.in_(("approve", "approved")))).scalars().all(), dtype=object)
    per_week = per_week.join(_week(made).value_counts().rename("clips_created"), how="outer")
    per_week = per_week.join(_week(approved).value_counts().rename("clips_approved"), how="outer")
    per_week = per_week.fillna(0).astype(int).sort_index()
    per_week.index.name = "week"
    return per_week.reset_index()


def compute(ws: Workspace, user: str | None = None, today: date | None = None) -> Aggregates:
    """All dashboard numbers in one read, for any user holding `aggregates.read`."""
    who = actor(ws, user)
    require(who, "aggregates.read", "read aggregates")
    today = today or datetime.now(timezone.utc).date()
    with ws.engine.connect() as conn:
        by_category = calls_by_category(conn)
        by_state = clips_by_state(conn)
        decisions = _decisions(conn)
        outcomes, backlog = consent_outcomes(decisions)
        turnaround = review_turnaround(conn)
        deletions = retention_deletions(conn, today)
        erasures = erasure_requests(conn)
        weekly = trend(conn)
        n_calls = conn.execute(select(func.count()).select_from(calls)).scalar_one()
        hours = conn.execute(select(func.coalesce(func.sum(calls.c.duration), 0.0))).scalar_one()
    notes = []
    if NOT_ANALYSED in set(by_category["category"]):
        notes.append("some calls have no difficulty score yet")
    totals = {"calls": int(n_calls), "hours_of_audio": round(float(hours) / 3600.0, 1),
              "clips": int(by_state["clips"].sum()), "reenactment_backlog": backlog,
              "erasure_requests": int(erasures["handled"].sum()) if len(erasures) else 0,
              "originals_due_30_days": _due_within(ws, today, 30)}
    return Aggregates(totals, by_category, by_state, outcomes, backlog, turnaround, deletions, erasures, weekly, notes)


def _due_within(ws: Workspace, today: date, days: int) -> int:
    limit = (today + timedelta(days=days)).isoformat()
    with ws.engine.connect() as conn:
        query = ("SELECT COUNT(*) FROM consent_records r JOIN calls c ON c.id = r.call_id "
                 "WHERE r.retention_until IS NOT NULL AND r.retention_until <= :limit"
                 + _NOT_DELETED.get("original_deletions" in _tables(conn), ""))
        return int(conn.execute(text(query), {"limit": limit}).scalar_one())
