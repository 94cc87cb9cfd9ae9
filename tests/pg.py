"""A throw-away PostgreSQL cluster for tests: initdb in a temporary folder, a private port and socket."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} not found: install the Debian package postgresql (make setup does)")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_cluster(password: str | None = None):
    """Yield a SQLAlchemy URL of a fresh database; the cluster is stopped and removed afterwards.
    Without `password` every local connection is trusted; with one, the server asks every connection,
    socket or TCP, for the password of user `curation` (scram-sha-256), and the URL carries it."""
    root = Path(tempfile.mkdtemp(prefix="curation-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    auth = ["--auth=trust"]
    if password is not None:
        pwfile = root / "pwfile"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        if as_user:
            shutil.chown(pwfile, "postgres")
        auth = ["--auth-local=scram-sha-256", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
    subprocess.run(as_user + [_bin("initdb"), "-D", str(data), "-U", "curation", *auth, "-E", "UTF8"],
                   check=True, capture_output=True)
    if password is not None:
        pwfile.unlink()
    subprocess.run(as_user + [_bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                              f"-p {port} -k {sock} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    try:
        for _ in range(50):
            if subprocess.run([_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        if password is None:
            yield f"postgresql+psycopg://curation@127.0.0.1:{port}/postgres"
        else:
            from urllib.parse import quote

            yield f"postgresql+psycopg://curation:{quote(password, safe='')}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


SUITE_ENV = "CURATION_TEST_DATABASE"  # "postgresql": every workspace a test creates lives on one throw-away server


def clone_database(url: str) -> str:
    """A new database on the same server, copied from the one at `url` (which nobody may be connected to)."""
    import secrets

    import sqlalchemy as sa

    source = sa.engine.make_url(url)
    name = f"{source.database[:40]}_{secrets.token_hex(3)}"
    engine = sa.create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(50):
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
                break
            except sa.exc.OperationalError as exc:  # another copy of the same template is being made
                if "being accessed by other users" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
    finally:
        engine.dispose()
    return source.set(database=name).render_as_string(hide_password=False)


def copy_workspace(src: Path, dst: Path) -> Path:
    """Copy a (closed) workspace folder; a workspace on PostgreSQL gets its own copy of the database."""
    import json

    shutil.copytree(src, dst)
    cfg = Path(dst) / "workspace.json"
    config = json.loads(cfg.read_text())
    if str(config.get("database_url") or "").startswith("postgresql"):
        config["database_url"] = clone_database(config["database_url"])
        cfg.write_text(json.dumps(config, indent=2) + "\n")
    return Path(dst)


def refuse(conn, name: str, when: str, table: str, message: str) -> None:
    """A trigger that makes the database itself refuse `when` (e.g. "BEFORE DELETE") on `table`
    with `message`: a real database error in the middle of a transaction, on SQLite or PostgreSQL."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {when} ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END")
    else:
        conn.exec_driver_sql(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                             f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$")
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")


def allow(conn, name: str, table: str) -> None:
    """Remove a `refuse` trigger."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    else:
        conn.exec_driver_sql(f"DROP TRIGGER {name} ON {table}")
        conn.exec_driver_sql(f"DROP FUNCTION {name}()")
