"""The edit log names demands by organisation · skill: drop the planner's ids (“D12（都兰县人民医院
· 神经内科）” → “都兰县人民医院 · 神经内科”) from the details written before."""

import re

from django.db import migrations

ID_THEN_NAME = re.compile(r"D\d+（([^（）]*)）")


def forwards(apps, schema_editor):
    PlanEdit = apps.get_model("orders", "PlanEdit")
    for edit in PlanEdit.objects.filter(detail__contains="D").only("pk", "detail").iterator():
        detail = ID_THEN_NAME.sub(r"\1", edit.detail)
        if detail != edit.detail:
            PlanEdit.objects.filter(pk=edit.pk).update(detail=detail)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_planningrun_heartbeat_at")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
