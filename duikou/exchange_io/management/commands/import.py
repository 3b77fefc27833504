"""`duikou import BOOK.xlsx [--dry-run] [--changes [N]] [--errors-out ERR.xlsx] [--user USERNAME]`.

BOOK may be an .xlsx, .xls or .ods workbook, or an exported CSV sheet. `--changes` prints the
change list: every record created or updated (old → new), risky updates first, at most N
lines (default 50) and the count of the rest.

Exit status: 0 imported (or a clean dry run), 1 the workbook has errors (nothing written),
2 bad usage (missing file, wrong arguments).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from duikou.core import files
from duikou.exchange_io import engine, services
from duikou.exchange_io.models import ImportBatch

CHANGES_SHOWN = 50


class Command(BaseCommand):
    help = (
        "导入按模板填写的 Excel 工作簿（项目、资金、结对、人员、培训、点单）："
        "全部导入，或在有任何错误时一条也不导入。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("book", help="工作簿文件（.xlsx、.xls、.ods 或导出的 CSV）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入任何数据")
        parser.add_argument(
            "--errors-out",
            metavar="ERR.xlsx",
            help="有错误时，把标红并批注了错误单元格的工作簿副本写到此文件",
        )
        parser.add_argument("--user", metavar="USERNAME", help="记录在导入批次上的操作人用户名")
        parser.add_argument(
            "--changes",
            metavar="N",
            nargs="?",
            type=int,
            const=CHANGES_SHOWN,
            help="列出将新建和更新的记录（更新列出原值 → 新值，需注意的在前），最多 N 条"
            f"（默认 {CHANGES_SHOWN}）",
        )

    def handle(self, *args, **options) -> None:
        book = Path(options["book"])
        if not book.is_file():
            raise CommandError(_("找不到文件：%(f)s") % {"f": book}, returncode=2)
        errors_out = Path(options["errors_out"]) if options["errors_out"] else None
        if errors_out is not None and not errors_out.parent.is_dir():
            raise CommandError(
                _("错误报告的目录不存在：%(d)s") % {"d": errors_out.parent}, returncode=2
            )
        actor = services.cli_actor()
        username = options["user"] or (actor.username if actor else "")
        if options["dry_run"]:
            result = engine.run(book, actor=actor, dry_run=True, filename=book.name)
            report = None
        else:
            batch = services.batch_create(
                user=actor,
                file=book,
                filename=book.name,
                via=ImportBatch.Via.CLI,
                username=username,
            )
            result = services.batch_run(batch, dry_run=False)
            report = batch.error_file
        self.stdout.write(_("工作簿：%(f)s") % {"f": book.name})
        self.stdout.write(result.text())
        if options["changes"] is not None and result.ok:
            self.stdout.write(result.changes.text(limit=max(options["changes"], 0)))
        if errors_out is not None and result.errors:
            if report:
                with report.open("rb") as fh:
                    content = fh.read()
            else:
                content = services.error_report_bytes(book.read_bytes(), result)
            try:  # whole or not at all: a full disk leaves no half workbook
                files.atomic_write(errors_out, content, mode=0o644)
            except OSError as exc:
                raise CommandError(files.disk_error_message(exc), returncode=2) from exc
            self.stdout.write(_("错误标注工作簿：%(f)s") % {"f": errors_out})
        if not result.ok:
            raise SystemExit(1)
