"""A task that does nothing but say who ran it: proves the queue end to end.

`duikou shell -c "from duikou.core.ops.tasks import ping; print(ping.enqueue().id)"` then the
task's result (the admin's 后台任务) names the worker process that took it. The two-worker test
(tests/test_deploy.py) enqueues many and checks that each ran exactly once.
"""

from __future__ import annotations

import os
import socket
import time

from django_tasks import task


@task()
def ping(n: int = 0, hold: float = 0.0) -> dict:
    """`hold` keeps the worker busy that many seconds (at most 5): a second worker then takes
    its share of a batch, which shows that several workers split one queue."""
    if hold > 0:
        time.sleep(min(hold, 5.0))
    return {"n": n, "host": socket.gethostname(), "pid": os.getpid()}
