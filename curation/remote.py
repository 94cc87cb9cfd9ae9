"""The client side of team mode: a kernel's way to the curation service (no workspace, no key, no database).

    from curation.remote import RemoteWorkspace
    ws = RemoteWorkspace()                    # $CURATION_SERVICE_URL and the kernel's $JUPYTERHUB_API_TOKEN
    ws.whoami()                               # {'name': 'rita', 'roles': ['privacy_reviewer'], ...}
    ws.call("curation.review.approve", clip_id, "Goedgekeurd na luisteren.")

Every call runs on the service as the user of the token; an identity cannot be passed. Errors
come back as the library's own exceptions with the service's one-line message.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request

from curation.errors import CurationError, NotFound, PermissionDenied

SERVICE_URL_ENV = "CURATION_SERVICE_URL"
ERRORS = {403: PermissionDenied, 404: NotFound}


class ServiceUnavailable(CurationError):
    exit_code = 2


def _decode(value):
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        if set(value) == {"__frame__"}:
            import pandas as pd

            split = value["__frame__"]
            return pd.DataFrame(split["data"], columns=split["columns"], index=split["index"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class RemoteWorkspace:
    """The workspace as the curation service offers it to the holder of `token`."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 120.0):
        self.url = (url or os.environ.get(SERVICE_URL_ENV) or "").rstrip("/")
        self.token = token or os.environ.get("JUPYTERHUB_API_TOKEN")
        if not self.url:
            raise CurationError(f"no curation service: set {SERVICE_URL_ENV} (team mode) or open a local workspace")
        if not self.token:
            raise CurationError("no JupyterHub token: JUPYTERHUB_API_TOKEN is not set in this kernel")
        self.timeout = timeout

    def _request(self, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/api/{path}", data=data, method="GET" if body is None else "POST",
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read() or b"{}").get("error") or exc.reason
            except ValueError:
                message = exc.reason
            raise ERRORS.get(exc.code, CurationError)(f"curation service: {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ServiceUnavailable(f"curation service at {self.url} unreachable ({getattr(exc, 'reason', exc)}); "
                                     "nothing was done, try again") from None

    def whoami(self) -> dict:
        return self._request("whoami")

    def call(self, operation: str, *args, **kwargs):
        """Run the library operation `operation` (its dotted name) on the service as this token's user."""
        return _decode(self._request(f"call/{operation}", {"args": list(args), "kwargs": kwargs})["result"])
