from django.core.management.base import BaseCommand, CommandError

from journal.totals.store import check, refresh_all


class Command(BaseCommand):
    help = (
        "Rebuild every incident's and service's stored totals from the events and notices (and "
        "whether each support contact was opened within its channel's hours); "
        "with --check, only list the rows that disagree with them (exit status 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report disagreements, change nothing.")

    def handle(self, *args, **options):
        if options["check"]:
            problems = check()
            for problem in problems:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} stored row(s) disagree with the evidence: run refresh_totals.")
            self.stdout.write("Stored totals agree with the events and notices.")
            return
        counts = refresh_all()
        self.stdout.write(
            f"Stored totals rebuilt: {counts['incidents']} incidents, {counts['services']} services, "
            f"{counts['contacts']} support contacts."
        )
