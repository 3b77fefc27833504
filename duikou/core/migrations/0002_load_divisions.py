"""Install the administrative divisions and the city↔county pairing table from reference data."""

from django.db import migrations


def load(apps, schema_editor):
    from duikou.core.reference import city_county_pairs, division_rows

    Division = apps.get_model("core", "Division")
    by_code = {}
    for row in division_rows():
        parent = by_code.get(row.pop("parent")) if row.get("parent") else None
        row.pop("parent", None)
        obj, _ = Division.objects.update_or_create(
            code=row["code"], defaults={**row, "parent": parent}
        )
        by_code[obj.code] = obj
    for city, county in city_county_pairs():
        Division.objects.filter(code=county).update(paired_city=by_code[city])


def unload(apps, schema_editor):
    # Leave divisions in place: organisations may already point at them.
    pass


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
