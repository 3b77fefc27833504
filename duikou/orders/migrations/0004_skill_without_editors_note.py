"""The reference vocabulary's "高原病科 (非名录, local)" is shown as 高原病科 (core.reference.
display_name): demands that asked for it under the old spelling keep matching the vocabulary."""

from django.db import migrations

OLD, NEW = "高原病科 (非名录, local)", "高原病科"


def forwards(apps, schema_editor):
    apps.get_model("orders", "Demand").objects.filter(skill=OLD).update(skill=NEW)


def backwards(apps, schema_editor):
    apps.get_model("orders", "Demand").objects.filter(skill=NEW).update(skill=OLD)


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_plan_edit_details_by_name")]

    operations = [migrations.RunPython(forwards, backwards)]
