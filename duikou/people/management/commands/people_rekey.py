"""`duikou people_rekey`: re-encrypt personal data under the first key of DUIKOU_FIELD_KEY."""

from django.core.management.base import BaseCommand

from duikou.people.services import people_rekey


class Command(BaseCommand):
    help = (
        "把人员的身份证号、联系电话（含变更历史）用 DUIKOU_FIELD_KEY 的第一个密钥重新加密，"
        "并重算检索码。先把新密钥放在最前（新密钥,旧密钥），运行本命令，再去掉旧密钥。"
    )

    def handle(self, *args, **options):
        n = people_rekey()
        self.stdout.write(self.style.SUCCESS(f"已重新加密 {n} 人的个人信息。"))
