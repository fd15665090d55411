import json

from django.core.management.base import BaseCommand, CommandError

from journal import bounds
from journal.downtime import format_duration
from journal.scorecard import build, provider_for_scorecard


class Command(BaseCommand):
    help = "A provider's record for a year or all time: incidents, downtime, availability, notices, support."

    def add_arguments(self, parser):
        parser.add_argument("provider", help="The provider's exact name.")
        parser.add_argument("--year", type=bounds.year_argument)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, provider, year=None, format="text", **options):
        found = provider_for_scorecard().filter(name=provider).first()
        if found is None:
            raise CommandError(f"No provider named {provider!r}.")
        card = build(found, year)
        data = card.as_json()
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        support, notices = data["support"], data["notices"]
        lines = [
            f"{card.provider.name}, {year or 'all time'}: {data['incidents']} incidents "
            f"({', '.join(f'{k} {v}' for k, v in data['incidents_by_kind'].items()) or 'none'})",
            f"  observed down {format_duration(card.observed)}, maintenance {format_duration(card.maintenance)}, "
            f"mean time to recovery {format_duration(card.mttr)}",
            "  availability: "
            + (", ".join(f"{k} {v:.2f}%" for k, v in data["availability_by_month"].items()) or "no data"),
            f"  notices: median start error {format_duration(notices['median_start_error_s'])}, "
            f"end error {format_duration(notices['median_end_error_s'])}, "
            f"latency {format_duration(notices['median_latency_s'])}",
            f"  support: {support['contacts']} contacts, median first response "
            f"{format_duration(support['median_first_response_s'])}, provider-initiated "
            f"{_share(support['provider_initiated_share'])}, within hours {_share(support['within_hours_share'])}, "
            f"helpfulness {support['mean_helpfulness'] if support['mean_helpfulness'] is not None else '—'}",
        ]
        self.stdout.write("\n".join(lines))


def _share(value) -> str:
    return "—" if value is None else f"{value:.0%}"
