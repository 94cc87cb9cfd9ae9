"""Manager-safe numbers about the workspace: counts and durations per category, state, outcome and period.

The database does the counting (GROUP BY day or month) so the work does not grow with the number
of calls in Python; weeks are then formed from the few distinct days. Periods are the calendar
date as written in each timestamp. Every frame here is an aggregate: no call, clip, customer or user ids, no names, no transcript
text. Reading them needs only `aggregates.read`, so a manager's dashboard is built from this
module alone. Stages that have not run yet (no difficulty scores) show as an explicit "not
analysed" bucket instead of failing. Consent outcomes are the effective decisions every other
reader sees (`curation.consent.effective`); only the counts leave this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import case, func, inspect, select, text
from sqlalchemy.engine import Connection

from curation.access import reads, storage
from curation.roles import authorised
from curation.store.schema import audit_events, calls, clips, reviews
from curation.vocabulary import CLIP_STATES, CONSENT_DECISIONS, REENACTMENT_REQUIRED
from curation.workspace import Workspace

UNDECIDED = "undecided"  # only when no decision can be made at all (e.g. an unreadable policy file)
CONSENT_OUTCOMES = CONSENT_DECISIONS + (UNDECIDED,)
# The only stored columns the manager's numbers are computed from (table -> columns), in one place;
# a test checks each against the personal-data inventory (`curation.inventory.is_personal`).
# Consent outcomes come from `curation.consent.effective`, which reads records inside the library
# and hands out decision names only.
MANAGER_SAFE_COLUMNS: dict[str, tuple[str, ...]] = {
    "calls": ("id", "duration", "recorded_at"),
    "difficulty_scores": ("call_id", "categories", "difficult"),
    "clips": ("id", "state", "created_at"),
    "reviews": ("clip_id", "action", "at", "id"),
    "consent_records": ("call_id", "retention_until"),
    "original_deletions": ("call_id",),
    "subject_requests": ("kind", "handled_at"),
    "audit_events": ("action", "at"),
}
# Of those, the ones the inventory declares personal: read only to be grouped, never shown as they are.
GROUPED_ONLY: dict[tuple[str, str], str] = {
    ("calls", "recorded_at"): "calls are counted per week of recording (the Monday's date), never listed",
}
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


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _monday(stamp) -> str | None:
    """'YYYY-MM-DD' of the Monday of the week of a timestamp's (written) date; None when unreadable."""
    day = str(stamp or "")[:10]
    if not _DAY.fullmatch(day):
        return None
    try:
        d = date.fromisoformat(day)
    except ValueError:
        return None
    return (d - timedelta(days=d.weekday())).isoformat()


def _month_of(stamp) -> str | None:
    day = str(stamp or "")[:10]
    return day[:7] if _DAY.fullmatch(day) and _monday(day) else None


def _per_week(day_counts) -> dict[str, list[int]]:
    """Sum rows of (day, count, ...) into weeks (Monday's date); unreadable days are left out."""
    weeks: dict[str, list[int]] = {}
    for day, *counts in day_counts:
        week = _monday(day)
        if week is None:
            continue
        acc = weeks.setdefault(week, [0] * len(counts))
        for i, n in enumerate(counts):
            acc[i] += int(n or 0)
    return weeks


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600.0


def _parse(stamp) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _quantile(values: list[float], q: float) -> float:
    """Linear-interpolated quantile (pandas' default) of a non-empty list."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@storage("manager-safe counts through the caller's connection")
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


@storage("manager-safe counts through the caller's connection")
def clips_by_state(conn: Connection) -> pd.DataFrame:
    counts = dict(conn.execute(select(clips.c.state, func.count()).group_by(clips.c.state)).all())
    states = list(CLIP_STATES) + sorted(set(counts) - set(CLIP_STATES))
    return pd.DataFrame({"state": states, "clips": [int(counts.get(s, 0)) for s in states]})


def _decisions(ws: Workspace, conn: Connection) -> tuple[pd.DataFrame, list[str]]:
    """Effective consent decision and lifecycle state per clip (kept in memory only; the ids never
    leave this module), and a note when no decision could be made."""
    from curation.consent.effective import effective_decisions
    from curation.errors import CurationError

    states = dict(conn.execute(select(clips.c.id, clips.c.state)).all())
    try:
        decided = {clip_id: d.decision for clip_id, d in effective_decisions(ws, conn=conn).items()}
        notes = []
    except CurationError as exc:
        decided, notes = {}, [f"consent decisions unavailable: {exc}"]
    frame = pd.DataFrame([(state, decided.get(clip_id, UNDECIDED)) for clip_id, state in states.items()],
                         columns=["state", "decision"])
    return frame, notes


def consent_outcomes(decisions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Clips per consent outcome, and the re-enactment backlog: clips that need actors and are not done yet."""
    counts = decisions["decision"].value_counts().to_dict()
    names = list(CONSENT_OUTCOMES) + sorted(set(counts) - set(CONSENT_OUTCOMES))
    frame = pd.DataFrame({"outcome": names, "clips": [int(counts.get(n, 0)) for n in names]})
    backlog = int(((decisions["decision"] == REENACTMENT_REQUIRED) & ~decisions["state"].isin(CLOSED_STATES)).sum())
    return frame, backlog


@storage("manager-safe counts through the caller's connection")
def review_turnaround(conn: Connection) -> pd.DataFrame:
    """Per week of decision: reviews decided and hours from submission to decision (median, 90th percentile)."""
    actions = sorted(SUBMIT_ACTIONS | DECISION_ACTIONS)
    rows = conn.execute(select(reviews.c.clip_id, reviews.c.action, reviews.c.at)
                        .where(func.lower(reviews.c.action).in_(actions))
                        .order_by(reviews.c.clip_id, reviews.c.at, reviews.c.id)).all()
    columns = ["week", "reviews", "median_hours", "p90_hours"]
    hours_by_week: dict[str, list[float]] = {}
    clip, submitted = None, None
    for clip_id, action, at in rows:  # each decision pairs with the latest submission of the same clip before it
        if clip_id != clip:
            clip, submitted = clip_id, None
        when = _parse(at)
        if action.lower() in SUBMIT_ACTIONS:
            submitted = when or submitted
        elif submitted is not None and when is not None and _monday(at):
            hours_by_week.setdefault(_monday(at), []).append(_hours(submitted, when))
    if not hours_by_week:
        return pd.DataFrame(columns=columns)
    weeks = sorted(hours_by_week)
    return pd.DataFrame({"week": weeks, "reviews": [len(hours_by_week[w]) for w in weeks],
                         "median_hours": [round(_quantile(hours_by_week[w], 0.5), 2) for w in weeks],
                         "p90_hours": [round(_quantile(hours_by_week[w], 0.9), 2) for w in weeks]}, columns=columns)


@storage("manager-safe counts through the caller's connection")
def retention_deletions(conn: Connection, today: date, months: int = 6) -> pd.DataFrame:
    """Originals whose retention date falls in each of the coming months (overdue ones in the first row)."""
    rows = conn.execute(text("SELECT substr(r.retention_until, 1, 7) AS month, COUNT(*) AS n "
                             "FROM consent_records r JOIN calls c ON c.id = r.call_id "
                             "WHERE r.retention_until IS NOT NULL" + _NOT_DELETED.get(
                                 "original_deletions" in _tables(conn), "") +
                             " GROUP BY substr(r.retention_until, 1, 7)")).all()
    periods = [(pd.Timestamp(today) + pd.DateOffset(months=i)).strftime("%Y-%m") for i in range(months)]
    counts = dict.fromkeys(periods, 0)
    overdue = 0
    first = periods[0]
    for month, n in rows:
        if not month or not _month_of(f"{month}-01"):
            continue
        if month < first:
            overdue += int(n)
        elif month in counts:
            counts[month] += int(n)
    frame = pd.DataFrame({"month": periods, "originals_due": list(counts.values())})
    frame.loc[0, "originals_due"] += overdue
    frame["overdue"] = [overdue] + [0] * (len(periods) - 1)
    return frame


@storage("manager-safe counts through the caller's connection")
def erasure_requests(conn: Connection) -> pd.DataFrame:
    """Erasure requests handled per month (the consent stage's request register, else the audit trail)."""
    if "subject_requests" in _tables(conn):
        rows = conn.execute(text("SELECT substr(handled_at, 1, 10) AS day, COUNT(*) AS n FROM subject_requests "
                                 "WHERE kind = 'erasure' GROUP BY substr(handled_at, 1, 10)")).all()
    else:
        day = func.substr(audit_events.c.at, 1, 10)
        rows = conn.execute(select(day, func.count()).where(audit_events.c.action.like(f"%{ERASURE_MARK}%"))
                            .group_by(day)).all()
    months: dict[str, int] = {}
    for day, n in rows:
        month = _month_of(day)
        if month:
            months[month] = months.get(month, 0) + int(n)
    if not months:
        return pd.DataFrame(columns=["month", "handled"])
    ordered = sorted(months)
    return pd.DataFrame({"month": ordered, "handled": [months[m] for m in ordered]})


@storage("manager-safe counts through the caller's connection")
def trend(conn: Connection) -> pd.DataFrame:
    """Per week: calls recorded, of which difficult; clips created and approved."""
    day = func.substr(calls.c.recorded_at, 1, 10)
    if "difficulty_scores" in _tables(conn):
        from curation.difficulty.tables import difficulty_scores as scores

        query = (select(day, func.count(), func.sum(case((scores.c.difficult, 1), else_=0)))
                 .select_from(calls.outerjoin(scores, scores.c.call_id == calls.c.id)).group_by(day))
    else:
        query = select(day, func.count(), func.sum(0)).group_by(day)
    called = _per_week(conn.execute(query).all())
    made_day = func.substr(clips.c.created_at, 1, 10)
    made = _per_week(conn.execute(select(made_day, func.count()).group_by(made_day)).all())
    approved_day = func.substr(reviews.c.at, 1, 10)
    approved = _per_week(conn.execute(select(approved_day, func.count())
                                      .where(reviews.c.action.in_(("approve", "approved")))
                                      .group_by(approved_day)).all())
    weeks = sorted(set(called) | set(made) | set(approved))
    return pd.DataFrame({"week": weeks,
                         "calls": [called.get(w, [0, 0])[0] for w in weeks],
                         "difficult_calls": [called.get(w, [0, 0])[1] for w in weeks],
                         "clips_created": [made.get(w, [0])[0] for w in weeks],
                         "clips_approved": [approved.get(w, [0])[0] for w in weeks]},
                        columns=["week", "calls", "difficult_calls", "clips_created", "clips_approved"])


@reads("aggregates.read")
def compute(ws: Workspace, user: str | None = None, today: date | None = None) -> Aggregates:
    """All dashboard numbers in one read, for any user holding `aggregates.read`."""
    today = today or datetime.now(timezone.utc).date()
    with authorised(ws, "aggregates.read", user, "read aggregates"), ws.engine.connect() as conn:
        by_category = calls_by_category(conn)
        by_state = clips_by_state(conn)
        decisions, notes = _decisions(ws, conn)
        outcomes, backlog = consent_outcomes(decisions)
        turnaround = review_turnaround(conn)
        deletions = retention_deletions(conn, today)
        erasures = erasure_requests(conn)
        weekly = trend(conn)
        n_calls = conn.execute(select(func.count()).select_from(calls)).scalar_one()
        hours = conn.execute(select(func.coalesce(func.sum(calls.c.duration), 0.0))).scalar_one()
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
