"""Operations: the worker heartbeat, /healthz, the request log, the read-replica router.

An app of its own (label "ops") listed before the task backend's app, so that its `db_worker`
command (the backend's worker plus a heartbeat row) is the one `duikou db_worker` runs.
docs/deploy.md describes the deployment these serve.
"""
