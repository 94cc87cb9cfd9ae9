"""Who is acting: the current user's name from the environment."""

from __future__ import annotations

import getpass
import os


DEMO_DEFAULT_VAR = "CURATION_DEMO_DEFAULT_USER"  # set by an app that filled in CURATION_USER as its demo role


def current_user() -> str:
    """`CURATION_USER` when set (scripts, tests), else JupyterHub's user, else the OS user."""
    return current_user_source()[0]


def current_user_source() -> tuple[str, str]:
    """The acting user's name and where it came from, in words people read."""
    for var, said in (("CURATION_USER", "CURATION_USER"), ("JUPYTERHUB_USER", "your JupyterHub sign-in")):
        value = os.environ.get(var, "").strip()
        if value:
            if var == "CURATION_USER" and os.environ.get(DEMO_DEFAULT_VAR, "").strip() == value:
                return value, "the demo's default for this app (CURATION_USER was not set)"
            return value, said
    try:
        return getpass.getuser(), "the operating-system user (CURATION_USER is not set)"
    except Exception:  # no passwd entry in some containers
        return f"uid{os.getuid()}", "the operating-system user id (CURATION_USER is not set)"
