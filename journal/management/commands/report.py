import json

from django.core.management.base import BaseCommand, CommandError

from journal.downtime import format_duration
from journal.filters import incidents_with_start
from journal.models import Provider


def incident_summary(incident) -> dict:
    totals = incident.totals

    def iso(moment):
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    def seconds(value):
        return None if value is None else int(value.total_seconds())

    return {
        "id": incident.pk,
        "uid": str(incident.uid),
        "provider": incident.service.provider.name,
        "service": incident.service.name,
        "title": incident.title,
        "kind": incident.kind,
        "status": incident.status,
        "first_down": iso(totals.first_down),
        "last_up": iso(totals.last_up),
        "observed_downtime_s": seconds(totals.observed),
        "degraded_s": seconds(totals.degraded_time),
        "span_s": seconds(totals.span),
        "claimed_s": seconds(totals.claimed_duration),
        "claimed_minus_observed_s": seconds(totals.claimed_minus_observed),
    }


class Command(BaseCommand):
    help = "Print every incident with its downtime totals, as text or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="Only this provider's incidents (exact name).")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, provider=None, format="text", **options):
        incidents = incidents_with_start().order_by("started", "id")
        if provider is not None:
            if not Provider.objects.filter(name=provider).exists():
                raise CommandError(f"No provider named {provider!r}.")
            incidents = incidents.filter(service__provider__name=provider)
        rows = [incident_summary(i) for i in incidents]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No incidents.")
        for row in rows:
            claimed = format_duration(row["claimed_s"]) if row["claimed_s"] is not None else "—"
            self.stdout.write(
                f"#{row['id']} {row['provider']} › {row['service']}: {row['title']} [{row['kind']}, {row['status']}]\n"
                f"    observed {format_duration(row['observed_downtime_s'])} · first down → last up "
                f"{format_duration(row['span_s'])} · claimed {claimed}"
            )
