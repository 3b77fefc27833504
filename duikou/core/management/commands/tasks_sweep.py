"""`duikou tasks_sweep`: mark imports and planning runs whose worker died as failed."""

from django.core.management.base import BaseCommand

from duikou.core import heartbeat


class Command(BaseCommand):
    help = (
        "把工作进程已停止响应（心跳超过 DUIKOU_TASK_STALE_SECONDS 秒）的导入批次和排班计算"
        "标记为失败，以便重新运行。可由定时任务每分钟运行一次。"
    )

    def handle(self, *args, **options):
        for name, n in heartbeat.sweep_all().items():
            self.stdout.write(f"{name}: {n}")
