"""How right the downtime detector is on the log corpus (tests/corpus/logs): each excerpt read
by the real importer, its downs and ups compared with what a careful admin reads from it.

Figures: cases, cases exactly right, false downs (a down suggested where the host did not go
away, or at another time), missed downs (a down the log shows that was not suggested), and the
same two for ups. Runs in a transaction that is rolled back.
"""

from django.core.management import call_command
from django.db import transaction


def detector_accuracy() -> dict[str, int]:
    from journal.models import Incident, Provider, Service
    from tests.corpus.logs import cases, detected

    call_command("migrate", verbosity=0)
    results = dict.fromkeys(["cases", "exactly_right", "false_downs", "missed_downs", "false_ups", "missed_ups"], 0)
    with transaction.atomic():
        provider = Provider.objects.create(name="Log corpus (detector accuracy)")
        for case in cases():
            service = Service.objects.create(provider=provider, name=case.file, time_zone=case.zone)
            found = set(detected(case, Incident.objects.create(service=service, title=case.file)))
            expected = set(case.expect)
            results["cases"] += 1
            results["exactly_right"] += found == expected
            for kind in ("down", "up"):
                results[f"false_{kind}s"] += sum(1 for event in found - expected if event[0] == kind)
                results[f"missed_{kind}s"] += sum(1 for event in expected - found if event[0] == kind)
        transaction.set_rollback(True)
    return {f"log_detector_{name}": value for name, value in results.items()}
