"""`duikou people_export`: a copy of everything held about one person (PIPL art. 45)."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from duikou.core.files import atomic_write
from duikou.people.management.commands._request import actor_of, find_person
from duikou.people.services import person_export


class Command(BaseCommand):
    help = (
        "导出一名人员在平台上的全部信息（含完整身份证号、电话、派驻、培训、成效、可出诊时间、"
        "出诊、查看记录、变更历史）为 JSON 文件，供本人查阅；须填写理由，并记入个人信息查看记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--person", required=True, help="记录编号或身份证号")
        parser.add_argument("--reason", required=True, help="理由，如 本人申请（2025-03-01）")
        parser.add_argument("-o", "--output", required=True, help="写入的 JSON 文件")
        parser.add_argument("--user", help="办理人的账号（指挥部）；默认记为命令行用户")

    def handle(self, *args, **options):
        person = find_person(options["person"])
        actor, username = actor_of(options["user"])
        try:
            data = person_export(
                actor=actor, person=person, reason=options["reason"], username=username
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        text = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        try:
            atomic_write(options["output"], text.encode("utf-8"), mode=0o600)
        except OSError as exc:
            raise CommandError(f"写入 {options['output']} 失败：{exc.strerror or exc}") from exc
        # Only the record id here: the clear values are in the file alone.
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出人员 #{person.pk} 的个人信息到 {options['output']}（已记录）。"
            )
        )
