"""`duikou people_erase`: erase one person's personal data on request (PIPL art. 47)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from duikou.people.management.commands._request import actor_of, find_person
from duikou.people.services import person_erase


class Command(BaseCommand):
    help = (
        "删除一名人员的个人信息（身份证号、电话、照片、备注、可出诊时间，姓名改为“已删除人员#编号”，"
        "变更历史中的旧值一并清除）；派驻、培训、成效、出诊记录和统计数字保留。须填写理由，并记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--person", required=True, help="记录编号或身份证号")
        parser.add_argument("--reason", required=True, help="理由，如 本人申请（2025-03-01）")
        parser.add_argument("--user", help="办理人的账号（指挥部）；默认记为命令行用户")
        parser.add_argument("--yes", action="store_true", help="不再询问确认")

    def handle(self, *args, **options):
        person = find_person(options["person"])
        actor, username = actor_of(options["user"])
        if not (options["reason"] or "").strip():
            raise CommandError("请填写理由（--reason）。")
        if not options["yes"]:
            answer = input(
                f"将删除人员 #{person.pk}（{person.name}）的个人信息，不可恢复。输入 yes 确认："
            )
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未作任何修改。")
        try:
            person = person_erase(
                actor=actor, person=person, reason=options["reason"], username=username
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(self.style.SUCCESS(f"已删除人员 #{person.pk} 的个人信息（已记录）。"))
