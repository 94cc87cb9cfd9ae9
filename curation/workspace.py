"""A workspace: one folder with the catalogue database, the audio store and the secret key.

    W/workspace.json   format, version, database URL (SQLite file in W by default)
    W/catalogue.sqlite the catalogue (unless the URL points elsewhere, e.g. PostgreSQL; with
                       CURATION_DATABASE_SERVER set, each new workspace gets its own database there)
    W/originals/       original recordings, owner-only; never served or exported (unless the
                       workspace names another audio store: any fsspec URL, e.g. s3://bucket/prefix;
                       `curation.store.audio_store`)
    W/derived/         clips and anonymised audio
    W/packs/           exported clip packs
    W/exports/         subject-access exports
    W/keys/secret.key  random key for keyed hashes and voice disguise

Everything is created owner-only (folders 0700, files 0600): the folder holds original recordings
and transcripts. `curation doctor` reports a workspace whose permissions are too open.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from curation.errors import WorkspaceError
from curation.store import current_revision, head_revision, migrate
from curation.store.audio_store import AudioStore, FsspecAudioStore, open_audio_store, store_settings
from curation.store.personal_data import DATABASE_FILES

WORKSPACE_FILE = "workspace.json"
FORMAT = "curation-workspace"
FOLDERS = ("originals", "derived", "packs", "exports", "tmp", "keys")
DATABASE_SERVER_ENV = "CURATION_DATABASE_SERVER"


def utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@contextmanager
def owner_only() -> Iterator[None]:
    """Files and folders created inside are readable and writable by their owner only (umask 077).
    The umask is per process: callers also chmod what they create when it matters."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")  # deleted and overwritten content is zeroed in the file
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class Workspace:
    """An open workspace. Create with `Workspace.create`, open with `Workspace.open`."""

    def __init__(self, root: Path, engine: Engine, config: dict):
        self.root = root
        self.engine = engine
        self.config = config
        self._audio_store: AudioStore | None = None

    # ---- locations -------------------------------------------------------------------
    @property
    def originals(self) -> Path:
        return self.root / "originals"

    @property
    def derived(self) -> Path:
        return self.root / "derived"

    @property
    def packs(self) -> Path:
        return self.root / "packs"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def key_path(self) -> Path:
        return self.root / "keys" / "secret.key"

    @property
    def audio_store(self) -> AudioStore:
        """Where the originals are: this folder's `originals/`, or the fsspec URL of the settings."""
        if self._audio_store is None:
            self._audio_store = open_audio_store(self.root, self.config.get("audio_store"))
        return self._audio_store

    def path_of(self, relative: str) -> Path:
        """Absolute path of a file stored in the workspace (refuses paths that leave it)."""
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents:
            raise WorkspaceError(f"{relative}: path leaves the workspace")
        return path

    # ---- secrets -----------------------------------------------------------------------
    def secret_key(self) -> bytes:
        try:
            return bytes.fromhex(self.key_path.read_text().strip())
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"{self.key_path}: cannot read the workspace key ({exc})") from exc

    def keyed_hash(self, value: str, purpose: str = "customer-ref") -> str:
        """HMAC-SHA256 of a normalised identifier; the identifier itself is never stored."""
        normalised = " ".join(value.split()).upper()
        digest = hmac.new(self.secret_key(), f"{purpose}:{normalised}".encode(), hashlib.sha256)
        return digest.hexdigest()

    # ---- database ----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """The one write path: a connection inside a transaction, committed on success."""
        with self.engine.begin() as conn:
            yield conn

    def schema_revision(self) -> str | None:
        return current_revision(self.engine)

    # ---- life cycle --------------------------------------------------------------------
    @classmethod
    def create(cls, root: str | os.PathLike, database_url: str | None = None,
               database_server: str | None = None, audio_store: str | None = None,
               audio_store_options: dict | None = None) -> "Workspace":
        """A new workspace in an empty folder. Its catalogue is `database_url`, else a new database
        on `database_server` (or the server in CURATION_DATABASE_SERVER), else a SQLite file in it.
        Its originals go to `audio_store` (an fsspec URL; connection options such as `endpoint_url`
        in `audio_store_options`, credentials from the environment), else to its `originals/` folder;
        a store URL is checked (write, read, delete a probe object) before anything is created."""
        root = Path(root).absolute()
        if (root / WORKSPACE_FILE).exists():
            raise WorkspaceError(f"{root}: a workspace already exists here")
        if root.exists() and any(root.iterdir()):
            raise WorkspaceError(f"{root}: folder is not empty; choose a new folder for the workspace")
        store = store_settings(audio_store, audio_store_options)
        if store is not None:
            FsspecAudioStore(store["url"], store.get("options"), root / "tmp").check()
        server = database_server or (None if database_url else os.environ.get(DATABASE_SERVER_ENV))
        if database_url is None and server:
            database_url = new_server_database(server, root.name)
        with owner_only():
            root.mkdir(parents=True, exist_ok=True)
            os.chmod(root, 0o700)
            for sub in FOLDERS:
                (root / sub).mkdir(mode=0o700, exist_ok=True)
                os.chmod(root / sub, 0o700)
            key_path = root / "keys" / "secret.key"
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            config = {"format": FORMAT, "version": 1, "database_url": database_url, "created_at": utcnow(),
                      **({"audio_store": store} if store else {})}
            fd = os.open(root / WORKSPACE_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(json.dumps(config, indent=2) + "\n")
            ws = cls.open(root)  # creates the SQLite file (and its -wal/-shm) under the umask
        for name in DATABASE_FILES:
            if (root / name).exists():
                os.chmod(root / name, 0o600)
        return ws

    @classmethod
    def open(cls, root: str | os.PathLike, upgrade: bool = True, read_only: bool = False) -> "Workspace":
        """Open the workspace in `root`; `read_only` (batch workers) opens its database so that no
        write can succeed (SQLite `mode=ro`, PostgreSQL read-only transactions) and never upgrades."""
        root = Path(root).absolute()
        cfg_path = root / WORKSPACE_FILE
        if not cfg_path.is_file():
            raise WorkspaceError(f"{root}: not a workspace (no {WORKSPACE_FILE}); create one with `curation demo` or `curation init`")
        try:
            config = json.loads(cfg_path.read_text())
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"{cfg_path}: unreadable workspace file ({exc})") from exc
        if config.get("format") != FORMAT:
            raise WorkspaceError(f"{cfg_path}: not a curation workspace file")
        url = os.environ.get("CURATION_DATABASE_URL") or config.get("database_url") or f"sqlite:///{root / 'catalogue.sqlite'}"
        engine = _read_only_engine(url) if read_only else create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        ws = cls(root, engine, config)
        if upgrade and not read_only:
            ws.upgrade()
        return ws

    def upgrade(self) -> None:
        """Bring the schema to the newest version; existing rows are kept."""
        if current_revision(self.engine) != head_revision():
            migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"


def _read_only_engine(url: str) -> Engine:
    """An engine on the catalogue through which nothing can be written."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "").absolute()
        from urllib.parse import quote

        return create_engine(f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true", future=True)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, future=True, connect_args={"options": "-c default_transaction_read_only=on"})
    return create_engine(parsed, future=True)


def new_server_database(server_url: str, label: str = "") -> str:
    """Create an empty database on a PostgreSQL server (`postgresql+psycopg://user[:pw]@host:port/db`,
    the database part only used to connect) and return the URL of the new one."""
    try:
        url = make_url(server_url)
    except ArgumentError as exc:
        raise WorkspaceError(f"database server {server_url!r}: not a SQLAlchemy URL ({exc})") from None
    if url.get_backend_name() != "postgresql":
        raise WorkspaceError(f"database server {url.render_as_string()}: only PostgreSQL servers can hold "
                             "workspace databases (give a SQLite file with --database-url instead)")
    slug = "".join(c if c.isalnum() else "_" for c in label.lower())[:24].strip("_")
    name = "_".join(part for part in ("curation", slug, secrets.token_hex(4)) if part)
    _on_server(url.set(database=url.database or "postgres"), f'CREATE DATABASE "{name}"',
               f"database server {url.render_as_string()}: cannot create a database")
    return url.set(database=name).render_as_string(hide_password=False)


def _on_server(url, statement: str, failure: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE); a failure is one line."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    except SQLAlchemyError as exc:
        first = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        raise WorkspaceError(f"{failure} ({first})") from None
    finally:
        engine.dispose()


def drop_server_database(database_url: str | None) -> bool:
    """Drop a PostgreSQL database that `new_server_database` made (its name starts with `curation_`),
    closing the connections still open to it; any other URL is left alone. True when one was dropped."""
    if not database_url:
        return False
    try:
        url = make_url(database_url)
    except ArgumentError:
        return False
    if url.get_backend_name() != "postgresql" or not (url.database or "").startswith("curation_"):
        return False
    _on_server(url.set(database="postgres"), f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)',
               f"database {url.render_as_string()}: cannot drop it")
    return True


def workspace_database_url(root: str | os.PathLike) -> str | None:
    """The database URL a workspace folder's workspace.json names (None when absent or unreadable)."""
    try:
        return json.loads((Path(root) / WORKSPACE_FILE).read_text()).get("database_url")
    except (OSError, ValueError):
        return None


def resolve_workspace(path: str | os.PathLike | None) -> Path:
    """The workspace folder from an explicit path or CURATION_WORKSPACE."""
    path = path or os.environ.get("CURATION_WORKSPACE")
    if not path:
        raise WorkspaceError("no workspace given: pass --workspace DIR or set CURATION_WORKSPACE")
    return Path(path)
