"""A provider's scorecard, as its page and `manage.py scorecard --format json` compute it."""

from django.shortcuts import get_object_or_404
from ninja import Router

from journal import bounds
from journal.api import writes
from journal.scorecard import build, provider_for_scorecard

router = Router(tags=["scorecards"])


@router.get("/providers/{provider_id}/scorecard", response=dict)
def provider_scorecard(request, provider_id: int, year: int | None = None):
    """Per year (in each service's zone) or all time: incidents, downtime, availability per
    month, time to recovery, notices' accuracy, support. Durations in seconds."""
    if year is not None and (problem := bounds.year_problem(year)):
        raise writes.Invalid(
            [{"loc": ["query", "year"], "msg": bounds.refusal(problem).message, "type": "out_of_range"}]
        )
    provider = get_object_or_404(provider_for_scorecard(), pk=provider_id)
    return build(provider, year).as_json()
