"""`curation-service`: run the team-mode curation service (see README, "Team mode")."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys


MAX_BODY = 128 << 20  # one request: an upload of up to 64 MiB (curation.ingest.importer.UPLOAD_LIMIT), base64


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="curation-service", description=(
        "The curation service for team mode: runs as its own OS user beside JupyterHub, holds the "
        "workspace (database, audio, secret key) and runs library operations as the user of each "
        "request's JupyterHub token. JupyterHub passes JUPYTERHUB_API_TOKEN, JUPYTERHUB_API_URL and "
        "JUPYTERHUB_SERVICE_NAME when it starts the service (or set them yourself)."))
    p.add_argument("--workspace", "-w", default=os.environ.get("CURATION_WORKSPACE"),
                   help="the workspace folder (default: $CURATION_WORKSPACE)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=int(os.environ.get("CURATION_SERVICE_PORT", "10101")),
                   help="port (default: $CURATION_SERVICE_PORT or 10101)")
    p.add_argument("--prefix", default=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"),
                   help="URL prefix (default: $JUPYTERHUB_SERVICE_PREFIX or /)")
    p.add_argument("--original-minutes-per-hour", type=float, default=None, metavar="MIN",
                   help="minutes of original audio a user may receive per rolling hour; a request for a range "
                        "that would pass it is refused (HTTP 429) until the hour rolls over (trainers and privacy "
                        "reviewers hearing calls; default: 240)")
    args = p.parse_args(argv)
    if args.original_minutes_per_hour is not None and args.original_minutes_per_hour < 0:
        p.error("--original-minutes-per-hour must be 0 (nobody receives originals) or more")
    if not args.workspace:
        p.error("no workspace: pass --workspace or set CURATION_WORKSPACE")
    for name in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL"):
        if not os.environ.get(name):
            p.error(f"{name} is not set: run the service from JupyterHub's services config or set it")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.umask(0o077)
    from jupyterhub.services.auth import HubAuth

    from curation.errors import CurationError
    from curation.workspace import Workspace
    from hubservice.app import Service, make_app

    try:
        ws = Workspace.open(args.workspace)
        budget = {} if args.original_minutes_per_hour is None else {
            "original_minutes_per_hour": args.original_minutes_per_hour}
        service = Service(ws, HubAuth(), **budget)
    except CurationError as exc:
        print(f"curation-service: {exc}", file=sys.stderr)
        return 2

    async def serve():
        app = make_app(service, args.prefix)
        app.listen(args.port, address=args.ip, max_body_size=MAX_BODY)
        logging.getLogger("curation.service").info("serving %s on http://%s:%d%s", ws.root, args.ip, args.port,
                                                   args.prefix)
        await asyncio.Event().wait()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
