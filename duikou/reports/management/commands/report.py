"""`duikou report summary|workbook`: the year-end summary and the statistical workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from duikou.reports import render, summary, workbook


class Command(BaseCommand):
    help = (
        "Write the year-end summary (工作综述: md, html, docx, pdf) or the statistical workbook "
        "(统计报表, xlsx) of a year from the records."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        s = sub.add_parser("summary", help="the year-end summary")
        s.add_argument("--year", type=int, required=True)
        s.add_argument("--format", dest="fmt", default="md", help="md, html, docx or pdf")
        s.add_argument("-o", "--output", required=True, help="file to write ('-' for md/html)")
        w = sub.add_parser("workbook", help="the statistical workbook")
        w.add_argument("--year", type=int, required=True)
        period = w.add_mutually_exclusive_group()
        period.add_argument("--quarter", type=int)
        period.add_argument("--month", type=int)
        w.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, what, year, output, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不在 2000–2100 之间")
        if what == "summary":
            fmt = options["fmt"]
            if fmt not in render.FORMATS:
                raise CommandError(f"未知的格式 {fmt}：可选 {'、'.join(render.FORMATS)}")
            try:
                content = render.render(summary.build(year), fmt)
            except render.RenderError as exc:
                raise CommandError(str(exc)) from exc
        else:
            try:
                content = workbook.build(year, quarter=options["quarter"], month=options["month"])
            except workbook.PeriodError as exc:
                raise CommandError(str(exc)) from exc
        if output == "-" and what == "summary" and options["fmt"] in ("md", "html"):
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        Path(output).write_bytes(content)
        self.stderr.write(f"已写入 {output}（{len(content):,} 字节）")
