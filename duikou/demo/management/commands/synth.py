"""`duikou synth`: fill the database with a large, deterministic synthetic programme (issue 16)."""

from django.core.management.base import BaseCommand, CommandError

from duikou.demo.management.commands.demo import _pad, _width
from duikou.demo.synth import DEFAULTS, SynthRefused, scaled, synthesise


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= step:
            return f"{n / step:,.1f} {unit}"
    return f"{n} B"


class Command(BaseCommand):
    help = (
        "生成大规模合成数据（十年的项目、资金流水、人员和消费帮扶销售），用于性能测试。"
        "同一 --seed 生成相同的记录；--scale 按比例缩放四个数量。"
    )

    def add_arguments(self, parser):
        for name, label in (
            ("projects", "项目数"),
            ("flows", "资金流水数"),
            ("people", "人员数"),
            ("sales", "销售记录数"),
        ):
            parser.add_argument(
                f"--{name}", type=int, default=None, help=f"{label}，默认 {DEFAULTS[name]:,}"
            )
        parser.add_argument("--seed", type=int, default=1, help="随机种子，默认 1")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="四个数量的倍数，如 0.001（测试用）"
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="数据库中已有项目时仍然写入（在已有数据旁追加，不改动已有记录和账号）",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="新建的合成数据账号的密码（默认随机生成并显示）",
        )

    def handle(self, *args, seed=1, scale=1.0, append=False, password=None, **options):
        if not 0 < scale <= 100:
            raise CommandError("--scale 应大于 0 且不超过 100")
        for name in DEFAULTS:
            value = options.get(name)
            if value is not None and value < 0:
                raise CommandError(f"--{name} 不能为负数")
        sizes = scaled({name: options.get(name) for name in DEFAULTS}, scale)
        self.stdout.write(
            "正在生成合成数据：项目 {projects:,}，资金流水 {flows:,}，人员 {people:,}，"
            "销售记录 {sales:,}（种子 {seed}）……".format(seed=seed, **sizes)
        )
        try:
            report = synthesise(
                sizes,
                seed=seed,
                append=append,
                out=lambda line: self.stdout.write(line),
                password=password,
            )
        except SynthRefused as exc:
            raise CommandError(f"未生成合成数据：{exc}") from exc

        self.stdout.write("")
        self.stdout.write("速度：")
        for t in report.tables:
            self.stdout.write(
                f"  {_pad(t.label, 10)}{t.rows:>12,} 行  {t.seconds:8.1f} 秒  "
                f"{t.rate:>12,.0f} 行/秒"
            )
        overall = report.rows / report.seconds if report.seconds else 0
        self.stdout.write(
            f"  {_pad('合计', 10)}{report.rows:>12,} 行  {report.seconds:8.1f} 秒  "
            f"{overall:>12,.0f} 行/秒（含准备与统计）"
        )
        self.stdout.write(f"数据库大小：{_size(report.database_bytes)}")
        self.stdout.write("")
        self.stdout.write("合成数据账号（新建账号的密码见下表；已有账号密码不变）：")
        header = ["用户名", "密码", "角色", "可见范围"]
        rows = [[s["username"], s["password"], s["role"], s["scope"]] for s in report.signins]
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            cells = [_pad(row[i], widths[i]) for i in range(3)] + [row[3]]
            self.stdout.write("  " + "  ".join(cells))
