"""What the journal holds, to assert that a refused input changed nothing."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def snapshot() -> dict:
    """Every row of every journal model, and every stored file's name."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("journal").get_models()
    }
    media = Path(settings.MEDIA_ROOT)
    rows["files"] = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return rows
