"""`duikou export iati --year Y [-o FILE.xml]`: the open-data exports of the programme."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from duikou.core.files import atomic_write, disk_error_message
from duikou.reports import iati


class Command(BaseCommand):
    help = (
        "Export the programme's open data: `iati` writes the IATI 2.03 activity file of a plan "
        "year (one iati-activity per project), checked against the 2.03 schema and codelists."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        i = sub.add_parser("iati", help="the IATI 2.03 activity file (XML) of a plan year")
        i.add_argument("--year", type=int, required=True, help="plan year, e.g. 2023")
        i.add_argument(
            "-o", "--output", default="-", help="the .xml file to write (default '-': stdout)"
        )

    def handle(self, *args, what, year, output, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不在 2000–2100 之间")
        try:
            content = iati.build(year)
        except iati.NothingToExport as exc:
            raise CommandError(f"{year} 年度没有项目，IATI 文件至少须有一个活动") from exc
        found = iati.problems(content)
        if found:
            shown = "\n".join(found[:20])
            raise CommandError(f"生成的文件不符合 IATI 2.03（{len(found)} 处），未写出：\n{shown}")
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            try:
                # Open data, to be published: readable by all, like any exported document.
                atomic_write(Path(output), content, mode=0o644)
            except OSError as exc:
                raise CommandError(disk_error_message(exc)) from exc
        counts = iati.summary(content)
        self.stderr.write(
            f"{year} 年度：{counts['activities']} 个活动，{counts['transactions']} 笔交易，"
            f"已通过 IATI 2.03 XSD 和代码表校验"
            + ("" if output == "-" else f"；已写入 {output}（{len(content):,} 字节）")
        )
        if iati.org_ref() == iati.DEFAULT_ORG_REF:
            self.stderr.write(
                f"提示：报告机构标识为默认值 {iati.DEFAULT_ORG_REF}（未注册）；"
                "发布到 IATI Registry 前请设置 DUIKOU_IATI_ORG_REF（见 docs/iati.md）。"
            )
