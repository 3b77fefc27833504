"""`duikou notices_sweep`: notify what the periodic checks find new (e.g. projects' alerts)."""

from django.core.management.base import BaseCommand

from duikou.notices import sweeps


class Command(BaseCommand):
    help = (
        "运行各台账登记的定期检查（如新出现的项目预警），向相关用户发送通知。"
        "每个事件每人只通知一次；可由定时任务每天运行一次。"
    )

    def handle(self, *args, **options):
        for name, n in sweeps.run_all().items():
            self.stdout.write(f"{name}: {n}")
