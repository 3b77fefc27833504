"""`duikou restore FILE [--force]`: put a `duikou backup` archive back."""

from django.core.management.base import BaseCommand, CommandError

from duikou.core import backup


class Command(BaseCommand):
    help = (
        "从 duikou backup 的备份文件恢复数据库和上传文件。配置的密钥与备份清单中的指纹不符，"
        "或当前数据库已有账号时拒绝恢复，除非加 --force。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（.tar.gz）")
        parser.add_argument("--force", action="store_true", help="密钥不符或数据库非空时仍恢复")

    def handle(self, *args, **options):
        try:
            manifest = backup.restore(options["archive"], force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = backup.table_counts()
        differ = [t for t, n in manifest["tables"].items() if counts.get(t) != n]
        if differ:
            raise CommandError("恢复后行数与备份清单不符：" + "、".join(differ[:10]))
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {manifest['created_at']} 的备份："
                f"{sum(manifest['tables'].values())} 行，{len(manifest['media'])} 个上传文件。"
            )
        )
