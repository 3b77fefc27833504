"""`duikou db_worker`: django-tasks-db's worker, plus a heartbeat row for /healthz.

Safe to run many times over, on several machines against one PostgreSQL: the backend claims
each task with `SELECT … FOR UPDATE SKIP LOCKED` inside a transaction and marks it running
before the lock is released, so each task runs once (tests/test_deploy.py runs two workers).
Give each worker a unique --worker-id (the systemd unit uses host and instance).
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as BaseWorkerCommand

from duikou.core.ops.beat import Heartbeat


class Command(BaseWorkerCommand):
    help = (
        "运行后台任务工作进程（导入、排班计算、通知、导出），并每隔数秒写入心跳供 /healthz 检查。"
    )

    def handle(self, *args, **options):
        heartbeat = Heartbeat(options["worker_id"]).start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
