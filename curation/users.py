"""Who is acting: the current user's name from the environment."""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    """`CURATION_USER` when set (scripts, tests), else JupyterHub's user, else the OS user."""
    for var in ("CURATION_USER", "JUPYTERHUB_USER"):
        value = os.environ.get(var, "").strip()
        if value:
            return value
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return f"uid{os.getuid()}"
