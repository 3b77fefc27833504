"""`duikou demo`: migrate, load the demo programme, show the demo sign-ins, serve."""

import os
import subprocess
import sys
import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from duikou.core.models import Department, Organisation, Pairing
from duikou.core.vocab import OrgKind, PairingKind
from duikou.demo.loader import DEMO_PASSWORD, NotADemoDatabase, load_demo


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
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库中已有非演示数据时仍然载入（不设置公开的演示密码，不改动已有账号）",
        )

    def handle(self, *args, no_serve=False, addr="127.0.0.1:8000", force=False, **options):
        self.stdout.write("正在迁移数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("正在载入演示数据……")
        try:
            with transaction.atomic():
                signins = load_demo(stdout=self.stdout, force=force)
        except NotADemoDatabase as exc:
            raise CommandError(
                f"未载入演示数据：该数据库不是演示数据库（{exc}）。演示账号使用公开密码，"
                "请换用空数据库（如 DUIKOU_DATA_DIR 指向新目录）；确需载入请加 --force"
                "（不会设置公开密码，也不会改动已有账号）。"
            ) from exc

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
        passwords = {s["password"] for s in signins}
        if passwords == {DEMO_PASSWORD}:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        else:
            self.stdout.write(
                "演示账号（新建账号的密码见下表，首次登录后须修改；已有账号密码不变）："
            )
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
