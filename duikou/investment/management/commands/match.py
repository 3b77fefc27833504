"""`duikou match --enterprise CODE_OR_NAME [--on DATE] [--json]`: the policies an enterprise
is eligible for on a date, best first, with reasons (templates.md "Matching")."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from duikou.investment import matching
from duikou.investment.models import Enterprise, Policy
from duikou.lib.checkdigits import normalise_code


class Command(BaseCommand):
    help = "为招商企业匹配海西招商政策（按行业大类、门类、全行业和共同关键词排序，附理由）。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprise", required=True, help="统一社会信用代码或企业名称")
        parser.add_argument("--on", help="日期（YYYY-MM-DD），默认今天")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        raw = options["enterprise"].strip()
        code = normalise_code(raw)
        found = list(
            Enterprise.objects.select_related("organisation").filter(
                Q(organisation__credit_code=code)
                | Q(organisation__name=raw)
                | Q(organisation__short_name=raw)
            )[:2]
        )
        if not found:
            raise CommandError(f"没有找到企业：{raw}")
        if len(found) > 1:
            raise CommandError(f"“{raw}”对应多家企业，请用统一社会信用代码。")
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日期应为 YYYY-MM-DD：{options['on']}") from exc
        policies = Policy.objects.select_related("region")
        doc = matching.match_json(found[0], policies, on)
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        e = doc["enterprise"]
        self.stdout.write(f"{e['name']}（{e['code']}）  {doc['on']}")
        if not doc["policies"]:
            self.stdout.write("  没有符合条件的政策。")
        for i, p in enumerate(doc["policies"], 1):
            self.stdout.write(f"{i}. {p['title']} {p['doc_no']}  [{p['level']}] {p['score']}")
            for reason in p["reasons"]:
                self.stdout.write(f"     · {reason}")
