"""The HTTP side of the curation service: token -> JupyterHub user -> library call as that user."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import importlib
import inspect
import io
import json
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from enum import Enum
from pathlib import Path

from tornado import web

from curation.access import MUTATES, READS, READS_PERSONAL, declaration
from curation.errors import CurationError, NotFound, PermissionDenied
from curation.remote import decode_arguments

log = logging.getLogger("curation.service")

# What a kernel may ask for: user-facing operations that check the acting user's permission
# themselves (declared `mutates`, `reads` or `reads_personal`), take that user as `user=`, and
# neither take nor return paths on the service's disk. Originals are not on the list: they stay
# with the service (authorised staff hear them through the service's own player, not a kernel).
ALLOWED = (
    "curation.catalogue.call_ids",
    "curation.catalogue.calls_frame",
    "curation.catalogue.get_call",
    "curation.difficulty.browse.difficult_calls_frame",
    "curation.difficulty.store.call_signals",
    "curation.clips.edit.list_clips",
    "curation.clips.edit.get_clip",
    "curation.clips.edit.create_clip",
    "curation.clips.edit.clip_transcript",
    "curation.clips.edit.redacted_transcript",
    "curation.clips.anonymise.anonymise_clip",
    "curation.clips.audio.load_clip_audio",
    "curation.clips.audio.play_clip",
    "curation.clips.listening.record_listening",
    "curation.clips.listening.listening_status",
    "curation.consent.analysis.consent_summary",
    "curation.consent.analysis.call_consent",
    "curation.consent.decisions.decide_clip",
    "curation.review.submit",
    "curation.review.approve",
    "curation.review.reject",
    "curation.review.request_changes",
    "curation.review.approval_problems",
    "curation.clips.edit.redaction_spans",
    "curation.clips.worklist.my_clips",
    "curation.clips.worklist.my_decisions",
    "curation.consent.decisions.override_decision",
    "curation.aggregates.compute",
    "curation.roles.list_users",
    # coaching: trainers evaluate, agents open and acknowledge what was assigned to them
    "curation.coaching.formstore.list_forms",
    "curation.coaching.formstore.get_form",
    "curation.coaching.evaluations.evaluate",
    "curation.coaching.evaluations.answer",
    "curation.coaching.evaluations.get_evaluation",
    "curation.coaching.assignments.assignments",
    "curation.coaching.assignments.assignment_clip_audio",
    "curation.coaching.assignments.acknowledge",
    "curation.coaching.assignments.completion",
    "curation.coaching.dashboard.coaching_numbers",
    # the trainer's apps: cut clips by the transcript (originals stay with the service), check redactions,
    # anonymise, submit, and build and download packs (built into the service's W/packs/)
    "curation.catalogue.read_transcript",
    "curation.clips.edit.add_redaction",
    "curation.clips.edit.decide_redaction",
    "curation.clips.worklist.anonymisation_state",
    "curation.consent.decisions.call_outcomes",
    "curation.packs.build.build_pack",
    "curation.packs.download.downloadable_builds",
    "curation.packs.download.download_pack",
    # originals, for the roles that may hear them (trainer, privacy reviewer): audited per range, metered
    "curation.clips.audio.original_audio",
    # scoring calls that have no difficulty score yet (the pick-calls app's button), run where the audio is;
    # a weights file (a place) is refused, the service's own batch plan is used
    "curation.difficulty.store.analyse_workspace",
    # recordings and transcripts sent as bytes (the CLI's ingest in team mode), imported as the token's user
    "curation.ingest.importer.ingest_upload",
)
ORIGINAL_MINUTES_PER_HOUR = 240.0
IDENTITY_PARAMETERS = ("user", "actor")
# arguments that name a place on the service's own disk: the service keeps its files where it keeps them.
# A parameter is a place if it has one of these names or its annotation admits a Path (see place_parameters).
PLACE_PARAMETERS = ("out", "path", "folder", "destination")
STATUS = {PermissionDenied: 403, NotFound: 404}


class ServiceConfigError(CurationError):
    exit_code = 2


def resolve(name: str):
    """The library function `name`, checked: declared as a permission-checked operation with a `user` parameter."""
    module, _, attr = name.rpartition(".")
    fn = getattr(importlib.import_module(module), attr, None)
    d = declaration(fn) if fn else None
    if d is None or d.kind not in (MUTATES, READS, READS_PERSONAL):
        raise ServiceConfigError(f"{name}: not a declared, permission-checked library operation")
    if "user" not in inspect.signature(fn).parameters:
        raise ServiceConfigError(f"{name}: takes no user= parameter, so the service cannot make it act as the caller")
    return fn


def place_parameters(fn) -> tuple[str, ...]:
    """The parameters of `fn` (after the workspace) that name a place on disk: by name, or because their
    annotation admits a `Path` (`Path`, `str | Path | None`, ...). Read from the signature, so an operation
    added to the allow-list later cannot slip a place past the service under a name nobody listed."""
    names = []
    for i, (name, p) in enumerate(inspect.signature(fn).parameters.items()):
        annotation = str(getattr(p.annotation, "__name__", p.annotation))  # "Path", "str | Path | None", ...
        if i and (name in PLACE_PARAMETERS or re.search(r"\b(Path|PathLike|StrPath)\b", annotation)):
            names.append(name)
    return tuple(names)


def jsonable(value, root: str | None = None):
    """A library result as JSON: dataclasses as objects, bytes and data frames tagged for the client.
    With `root` (the service's workspace folder), any text naming a place under it is cut to the part
    below it ("packs/elders.zip"), so no result tells a kernel where the service keeps its files."""
    def again(v):
        return jsonable(v, root)

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_json"):
            return again(value.to_json())
        return {f.name: again(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): again(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [again(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return again(value.value)
    if isinstance(value, Path):  # only the file's name: the service's folders are none of a kernel's business
        return value.name
    if type(value).__name__ == "DataFrame":
        return {"__frame__": again(json.loads(value.to_json(orient="split", date_format="iso")))}
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if isinstance(value, str) and root and root in value:
        return value.replace(root + "/", "").replace(root, ".")
    return value


class ListeningBudget:
    """How much original audio (seconds) a user may receive per rolling hour. A request reserves the
    length it asks for before it runs (under a lock, so requests sent side by side cannot each slip
    under the limit), is refused with HTTP 429 when that would cross the limit, and is settled to the
    length actually sent afterwards (released if it failed). Hearing originals is what a trainer's or
    reviewer's role allows, one audited range at a time; the budget turns a script that would pull the
    archive through a kernel into a refusal (and an audit trail that shows it trying), without getting
    in the way of people listening. Kept in memory and restored from the audit trail when the service
    starts, so a restart does not hand anyone a fresh hour."""

    def __init__(self, seconds_per_hour: float, clock=time.monotonic):
        self.limit, self.clock = float(seconds_per_hour), clock
        self.spent: dict[str, list[list[float]]] = {}  # user -> [time, seconds] entries of the last hour
        self.lock = threading.Lock()

    def _recent(self, user: str) -> list[list[float]]:
        now = self.clock()
        recent = [e for e in self.spent.get(user, []) if now - e[0] < 3600.0]
        self.spent[user] = recent
        return recent

    def used(self, user: str) -> float:
        with self.lock:
            return sum(e[1] for e in self._recent(user))

    def reserve(self, user: str, seconds: float) -> list[float]:
        """Book `seconds` for `user` or raise 429; returns the entry to `settle`."""
        seconds = max(0.0, float(seconds))
        with self.lock:
            used = sum(e[1] for e in self._recent(user))
            if seconds > self.limit:
                raise web.HTTPError(429, reason=f"a range of {seconds / 60:.1f} min of original audio is more than the "
                                                f"service lets anyone receive in an hour ({self.limit / 60:.0f} min); "
                                                "ask for a shorter range")
            if used + seconds > self.limit:
                raise web.HTTPError(429, reason=f"{user} received {used / 60:.0f} min of original audio in the last "
                                                f"hour; {seconds / 60:.1f} min more would pass the service's limit "
                                                f"({self.limit / 60:.0f} min); try again later or ask the administrator "
                                                "(curation-service --original-minutes-per-hour)")
            entry = [self.clock(), seconds]
            self.spent.setdefault(user, []).append(entry)
            return entry

    def settle(self, entry: list[float], seconds: float) -> None:
        """The length actually sent (0 when the request failed) replaces what was reserved."""
        with self.lock:
            entry[1] = max(0.0, float(seconds))

    def restore(self, heard: list[tuple[str, float, float]]) -> None:
        """What users received before this service started: (user, seconds ago, seconds) entries, e.g.
        from the audit trail (`heard_in_the_last_hour`), so a restart does not hand out a fresh hour."""
        now = self.clock()
        with self.lock:
            for user, ago, seconds in heard:
                if 0.0 <= ago < 3600.0 and seconds > 0:
                    self.spent.setdefault(user, []).append([now - ago, float(seconds)])


def heard_in_the_last_hour(ws) -> list[tuple[str, float, float]]:
    """(user, seconds ago, seconds of original audio) of every `call.original_played` event of the last
    hour in the audit trail: the budget's memory survives a restart of the service."""
    from datetime import datetime, timedelta, timezone

    from curation.audit import events

    now = datetime.now(timezone.utc)
    since = (now - timedelta(hours=1)).replace(microsecond=0).isoformat()
    heard = []
    with ws.engine.connect() as conn:
        for e in events(conn, action="call.original_played", since=since):
            seconds = e.details.get("seconds")
            if seconds is None and e.details.get("end") is not None:  # an export: its range
                seconds = float(e.details["end"]) - float(e.details.get("start") or 0.0)
            try:
                ago = (now - datetime.fromisoformat(e.at)).total_seconds()
                heard.append((e.actor, max(0.0, ago), float(seconds or 0.0)))
            except (TypeError, ValueError):
                continue
    return heard


def original_seconds(ws, arguments: dict, user: str) -> float:
    """Seconds of original audio an `original_audio` request asks for: its range, cut to the call."""
    from curation.catalogue import get_call

    if not isinstance(arguments.get("call_id"), str):
        raise web.HTTPError(400, reason="original_audio: give the call id")
    try:
        duration = float(get_call(ws, arguments["call_id"], user=user).duration)
        start = max(0.0, float(arguments.get("start") or 0.0))
        end = duration if arguments.get("end") is None else min(float(arguments["end"]), duration)
    except (TypeError, ValueError):
        raise web.HTTPError(400, reason="original_audio: start and end are seconds") from None
    return max(0.0, end - start)


# operations whose result is original audio: each user may receive so much of it per rolling hour; the
# function tells the seconds a request asks for, booked before the operation runs
METERED = {"curation.clips.audio.original_audio": original_seconds}


def wav_seconds(data: bytes) -> float:
    import soundfile

    return float(soundfile.info(io.BytesIO(data)).duration)


class Service:
    """The workspace, the Hub authentication and the allowed operations, shared by the handlers."""

    def __init__(self, ws, hub_auth, allowed=ALLOWED, original_minutes_per_hour: float = ORIGINAL_MINUTES_PER_HOUR):
        self.ws = ws
        self.budget = ListeningBudget(original_minutes_per_hour * 60.0)
        self.budget.restore(heard_in_the_last_hour(ws))  # a restart does not reset anyone's hour
        self.hub_auth = hub_auth
        self.operations = {name: resolve(name) for name in allowed}
        self.root = str(Path(ws.root).resolve())  # cut from any text a result sends (see jsonable)
        self.places = {name: place_parameters(fn) for name, fn in self.operations.items()}
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="curation-op")


class ServiceHandler(web.RequestHandler):
    def initialize(self, service: Service):
        self.service = service

    def check_xsrf_cookie(self):  # token-authenticated API: no cookies are accepted at all
        return

    async def identify(self) -> str:
        """The JupyterHub user behind the request's token (checked with the Hub on every request, so a
        revoked or expired token stops working at once), with the scope to use this service."""
        scheme, _, token = self.request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            raise web.HTTPError(401, reason="no JupyterHub token: send 'Authorization: token <your token>'")
        auth = self.service.hub_auth
        model = await auth.user_for_token(token.strip(), use_cache=False, sync=False)
        if not model or model.get("kind", "user") != "user":
            raise web.HTTPError(403, reason="the JupyterHub token is not valid (expired or revoked?) or not a user's")
        if auth.access_scopes and not auth.check_scopes(auth.access_scopes, model):
            raise web.HTTPError(403, reason=f"the token lacks the scope {', '.join(sorted(auth.access_scopes))}")
        return model["name"]

    def write_error(self, status_code, **kwargs):
        self.finish({"error": self._reason or "error", "status": status_code})

    async def run(self, fn, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.service.pool, lambda: fn(*args, **kwargs))


class WhoAmIHandler(ServiceHandler):
    async def get(self):
        from curation.roles import whoami

        name = await self.identify()
        identity = await self.run(whoami, self.service.ws, user=name)
        self.finish({"name": name, "roles": list(identity.roles), "source": "JupyterHub token"})


class CallHandler(ServiceHandler):
    async def post(self, name: str):
        user = await self.identify()
        fn = self.service.operations.get(name)
        if fn is None:
            raise web.HTTPError(403, reason=f"{name} is not an operation the service offers")
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, reason="the request body is not JSON") from None
        args, kwargs = body.get("args", []), body.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise web.HTTPError(400, reason="send {\"args\": [...], \"kwargs\": {...}}")
        try:  # bytes arrive tagged (an upload): {"__bytes__": base64}
            args, kwargs = decode_arguments(args), decode_arguments(kwargs)
        except ValueError:
            raise web.HTTPError(400, reason="an argument tagged as bytes is not base64") from None
        forged = sorted(set(kwargs) & set(IDENTITY_PARAMETERS))
        if forged:
            raise web.HTTPError(400, reason=f"{', '.join(forged)}= is not accepted: the service acts as the "
                                            "user of your JupyterHub token")
        try:  # bound as the function will see them: a place sent positionally is caught too
            bound = inspect.signature(fn).bind_partial(self.service.ws, *args, **kwargs).arguments
        except TypeError as exc:
            raise web.HTTPError(400, reason=f"{name}: {exc}") from None
        places = sorted(k for k in self.service.places[name] if bound.get(k) is not None)
        if places:
            raise web.HTTPError(400, reason=f"{', '.join(places)}= is not accepted: in team mode the service keeps "
                                            "its files in the workspace (download what it built instead)")
        booked, sent = None, 0.0
        try:
            if name in METERED:  # the length asked for is booked first: side-by-side requests cannot slip through
                booked = self.service.budget.reserve(user, await self.run(METERED[name], self.service.ws, bound, user))
            result = await self.run(fn, self.service.ws, *args, user=user, **kwargs)
            if booked is not None:
                sent = wav_seconds(result)
        except CurationError as exc:
            status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
            raise web.HTTPError(status, reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        except TypeError as exc:
            raise web.HTTPError(400, reason=f"{name}: {exc}") from None
        finally:
            if booked is not None:  # settled to what was sent; a failed request costs nothing
                self.service.budget.settle(booked, sent)
        log.info("%s ran %s", user, name)  # names of operations only, never arguments (they may quote people)
        self.finish({"result": jsonable(result, self.service.root)})


class HealthHandler(web.RequestHandler):
    def get(self):
        self.finish({"ok": True})


def make_app(service: Service, prefix: str = "/") -> web.Application:
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    return web.Application([
        (rf"{prefix}api/health", HealthHandler),
        (rf"{prefix}api/whoami", WhoAmIHandler, {"service": service}),
        (rf"{prefix}api/call/([A-Za-z0-9_.]+)", CallHandler, {"service": service}),
    ])
