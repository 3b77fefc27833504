from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    # The shared cache (settings.CACHES: Django's DatabaseCache unless DUIKOU_REDIS_URL) needs
    # its table; `migrate` makes it, so a deployment needs no separate step. A no-op for other
    # cache backends; idempotent.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="WorkerBeat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "worker_id",
                    models.CharField(max_length=64, unique=True, verbose_name="工作进程"),
                ),
                ("host", models.CharField(blank=True, max_length=255, verbose_name="主机")),
                ("pid", models.PositiveIntegerField(default=0, verbose_name="进程号")),
                ("started_at", models.DateTimeField(verbose_name="启动时间")),
                ("beat_at", models.DateTimeField(db_index=True, verbose_name="最近心跳")),
            ],
            options={"verbose_name": "工作进程心跳", "verbose_name_plural": "工作进程心跳"},
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
