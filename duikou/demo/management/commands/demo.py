"""`duikou demo`: migrate, load the demo programme, show the demo sign-ins, serve."""

import os
import subprocess
import sys
import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count

from duikou.core.models import Department, Organisation, Pairing
from duikou.core.vocab import OrgKind, PairingKind
from duikou.demo.loader import load_demo


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "载入演示数据（浙江对口支援海西），列出演示账号，并启动本地服务。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只载入数据，不启动服务")
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="服务地址，默认 127.0.0.1:8000"
        )

    def handle(self, *args, no_serve=False, addr="127.0.0.1:8000", **options):
        self.stdout.write("正在迁移数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("正在载入演示数据……")
        with transaction.atomic():
            signins = load_demo(stdout=self.stdout)

        self.stdout.write("")
        self.stdout.write("数据库现有：")
        orgs = dict(Organisation.objects.order_by().values_list("kind").annotate(n=Count("pk")))
        self.stdout.write(
            f"  单位 {sum(orgs.values())} 个（"
            + "，".join(f"{k.label} {orgs[k.value]}" for k in OrgKind if orgs.get(k.value))
            + "）"
        )
        self.stdout.write(f"  科室 {Department.objects.count()} 个")
        pairings = dict(Pairing.objects.order_by().values_list("kind").annotate(n=Count("pk")))
        self.stdout.write(
            f"  结对 {sum(pairings.values())} 对（"
            + "，".join(
                f"{k.label} {pairings[k.value]}" for k in PairingKind if pairings.get(k.value)
            )
            + "）"
        )

        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {signins[0]['password'] if signins else '—'}）：")
        header = ["用户名", "密码", "角色", "可见范围"]
        rows = [[s["username"], s["password"], s["role"], s["scope"]] for s in signins]
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            cells = [_pad(row[i], widths[i]) for i in range(3)] + [row[3]]
            self.stdout.write("  " + "  ".join(cells))

        url = f"http://{addr}/" if "://" not in addr else addr
        self.stdout.write("")
        if no_serve:
            self.stdout.write(f"数据已就绪。启动服务：duikou runserver {addr}，然后打开 {url}")
            return
        self.stdout.write(self.style.SUCCESS(f"正在启动服务：{url}（按 Ctrl+C 停止）"))
        # The background worker runs imports and reports beside the server (django-tasks).
        worker = subprocess.Popen(
            [sys.executable, "-m", "duikou.cli", "db_worker", "--interval", "0.5"],
            env={**os.environ},
        )
        self.stdout.write(f"后台任务进程已启动（PID {worker.pid}）。")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
