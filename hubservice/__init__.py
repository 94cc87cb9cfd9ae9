"""Team mode: the curation service that runs beside JupyterHub (`curation-service`).

It alone holds the workspace (database credentials, audio store, secret key); users' kernels
hold only their JupyterHub token and talk to it with `curation.remote.RemoteWorkspace`. The
service identifies the user from that token with JupyterHub's own `HubAuth`, runs the library
function asked for as that user (the library checks the role and writes the audit trail), and
never accepts an identity from the request. Kept out of `curation/` because it imports JupyterHub.
"""
