"""Soft delete for providers, services and incidents (with the Deletion that undoes one), and
names compared as people read them (``name_key``: NFKC, case-folded, spaces collapsed).

Existing names that collide once compared so (“Hetzner” and “hetzner”) are de-duplicated,
never merged: the oldest keeps its name, each later one gets “ (2)”, “ (3)” … appended and is
printed here, to be merged by hand afterwards (Merge on the provider or service page)."""

import hashlib
import unicodedata

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _key(name):
    """journal.housekeeping.names.name_key as of this migration."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    key = " ".join(folded.split())
    if len(key) > 400:
        key = f"{key[:300]}#{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def _dedupe(rows, scope):
    """Give each row its key; a later row whose key is taken in its scope is renamed."""
    taken = set()
    for row in rows:
        key = (scope(row), _key(row.name))
        name, n = row.name, 1
        while key in taken:
            n += 1
            name = f"{row.name[:190]} ({n})"
            key = (scope(row), _key(name))
        if name != row.name:
            print(
                f"\n  journal 0008: renamed {row._meta.model_name} {row.pk} “{row.name}” to “{name}” (same name once compared)"
            )
        row.name, row.name_key = name, key[1]
        row.save(update_fields=["name", "name_key"])
        taken.add(key)


def fill_name_keys(apps, schema_editor):
    _dedupe(apps.get_model("journal", "Provider").objects.order_by("pk"), lambda p: None)
    _dedupe(apps.get_model("journal", "Service").objects.order_by("pk"), lambda s: s.provider_id)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0007_log_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Deletion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "what",
                    models.CharField(
                        choices=[("provider", "provider"), ("service", "service"), ("incident", "incident")],
                        max_length=10,
                    ),
                ),
                ("object_id", models.PositiveIntegerField()),
                ("label", models.CharField(help_text="What was deleted, as it was called then.", max_length=500)),
                ("deleted_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "providers",
                    models.JSONField(default=list, help_text="Ids of the providers removed by this deletion."),
                ),
                ("services", models.JSONField(default=list, help_text="Ids of the services removed by this deletion.")),
                (
                    "incidents",
                    models.JSONField(default=list, help_text="Ids of the incidents removed by this deletion."),
                ),
            ],
            options={
                "ordering": ["-deleted_at", "-id"],
            },
        ),
        migrations.AlterModelOptions(
            name="incident",
            options={"default_manager_name": "objects", "ordering": ["-created_at"]},
        ),
        migrations.AlterModelOptions(
            name="provider",
            options={"default_manager_name": "objects", "ordering": ["name"]},
        ),
        migrations.AlterModelOptions(
            name="service",
            options={"default_manager_name": "objects", "ordering": ["provider__name", "name"]},
        ),
        migrations.AlterModelOptions(
            name="supportcontact",
            options={"default_manager_name": "objects", "ordering": ["opened_at", "id"]},
        ),
        migrations.RemoveConstraint(
            model_name="service",
            name="unique_service_per_provider",
        ),
        migrations.AddField(
            model_name="historicalincident",
            name="removal_reason",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="historicalincident",
            name="removed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalincident",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalprovider",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="historicalprovider",
            name="removal_reason",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="historicalprovider",
            name="removed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalprovider",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalservice",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="historicalservice",
            name="removal_reason",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="historicalservice",
            name="removed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalservice",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="incident",
            name="removal_reason",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="incident",
            name="removed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="incident",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="provider",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="provider",
            name="removal_reason",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="provider",
            name="removed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="provider",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="service",
            name="removal_reason",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="service",
            name="removed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="service",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalprovider",
            name="name",
            field=models.CharField(max_length=200),
        ),
        migrations.AlterField(
            model_name="provider",
            name="name",
            field=models.CharField(max_length=200),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="provider",
            constraint=models.UniqueConstraint(
                condition=models.Q(("removed_at__isnull", True)), fields=("name_key",), name="unique_provider_name_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="service",
            constraint=models.UniqueConstraint(
                condition=models.Q(("removed_at__isnull", True)),
                fields=("provider", "name_key"),
                name="unique_service_name_key_per_provider",
            ),
        ),
        migrations.AddField(
            model_name="deletion",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
