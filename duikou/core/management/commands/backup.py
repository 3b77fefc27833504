"""`duikou backup -o DIR_OR_FILE`: database + uploads + keys' fingerprints in one archive."""

from django.core.management.base import BaseCommand, CommandError

from duikou.core import backup


class Command(BaseCommand):
    help = (
        "备份数据库（SQLite 在线备份 / pg_dump）和上传文件为一个 .tar.gz，附清单（各表行数、"
        "文件校验值、密钥指纹）。密钥本身不在备份中，请另行保管。"
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份文件或目录")

    def handle(self, *args, **options):
        try:
            path, manifest = backup.backup(options["output"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {path}：{manifest['engine']}，{rows} 行，"
                f"{len(manifest['media'])} 个上传文件。"
            )
        )
