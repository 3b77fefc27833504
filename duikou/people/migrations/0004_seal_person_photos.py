"""People's photos stored before they were sealed: sealed now (the clear file is removed)."""

from django.core.files.base import ContentFile
from django.db import migrations


def seal_photos(apps, schema_editor):
    from duikou.core import crypto

    Person = apps.get_model("people", "Person")
    for person in Person.objects.exclude(photo="").exclude(photo__isnull=True).iterator():
        try:
            with person.photo.open("rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            continue
        if data.startswith(crypto.SEALED):
            continue
        old = person.photo.name
        storage = person.photo.storage
        person.photo.save("photo.enc", ContentFile(crypto.seal(data)), save=False)
        Person.objects.filter(pk=person.pk).update(photo=person.photo.name)
        storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_alter_accesslog_action")]

    operations = [migrations.RunPython(seal_photos, migrations.RunPython.noop, elidable=True)]
