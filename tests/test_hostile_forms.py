"""Hostile values through every form, query parameter and cookie: each is refused with a clear
message next to its field (422), or falls back / answers 400, and changes no row.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…): several of these broke only there
(NUL in text, years PostgreSQL stores but Python cannot read back).
"""

from dataclasses import dataclass, field

import pytest

from tests.helpers import text_of
from tests.rows import snapshot

BIG = "9" * 5000  # past int()'s 4,300-digit limit
LATER = "Later than now."
EARLY = "Before 1970-01-01."
ONE_LINE = "Contains a line break (this field is one line)."
NUL = "Null characters are not allowed."


@dataclass(frozen=True)
class Case:
    form: str
    values: dict
    message: str
    status: int = 422
    extra: dict = field(default_factory=dict)


def _forms(seed) -> dict:
    """For each form: its URL and a payload it accepts (the hostile value replaces one field)."""
    vps = seed["vps"]
    service, provider = vps.service, vps.service.provider
    event = vps.events.first()
    at = "2012-07-20T14:00:00"
    incident = {"service": service.pk, "title": "Mail down", "kind": "outage", "status": "open", "zone": "service"}
    return {
        "event": (
            f"/incidents/{vps.pk}/events/new/",
            {
                "events-at": at,
                "events-zone": "UTC",
                "events-type": "observation",
                "events-source": "person",
                "events-text": "ok",
            },
        ),
        "event_edit": (
            f"/incidents/{vps.pk}/events/{event.pk}/edit/",
            {
                "events-at": "2012-07-19T23:12:00",
                "events-zone": "UTC",
                "events-type": "down",
                "events-source": "log",
                "events-text": "ok",
                "events-version": event.version,
            },
        ),
        "notice": (
            f"/incidents/{vps.pk}/notices/new/",
            {"notices-retrieved_at": at, "notices-raw_text": "Resolved.", "notices-zone": "UTC"},
        ),
        "contact": (
            f"/incidents/{vps.pk}/contacts/new/",
            {
                "contacts-channel": "phone",
                "contacts-initiated_by": "user",
                "contacts-opened_at": at,
                "contacts-zone": "UTC",
            },
        ),
        "log": (
            f"/incidents/{vps.pk}/logs/new/",
            {"logs-name": "messages", "logs-text": "Jul 20 08:12:00 host sshd[1]: hi\n"},
        ),
        "incident": ("/incidents/new/", incident),
        "incident_edit": (
            f"/incidents/{vps.pk}/edit/",
            {**incident, "status": "resolved", "version": vps.version},
        ),
        "provider": ("/providers/new/", {"name": "Sakura"}),
        "provider_edit": (f"/providers/{provider.pk}/edit/", {"name": provider.name}),
        "service": ("/services/new/", {"provider": provider.pk, "name": "Mail", "time_zone": "UTC"}),
        "service_edit": (
            f"/services/{service.pk}/edit/",
            {"provider": provider.pk, "name": service.name, "time_zone": "Asia/Tokyo"},
        ),
        "channel": (
            f"/providers/{provider.pk}/channels/new/",
            {"channel": "form", "days": ["mon"], "time_zone": "UTC"},
        ),
        "time_zone": ("/time-zone/", {"time_zone": "Asia/Tokyo", "next": "/"}),
    }


CASES = [
    # times of things that happened: not ahead of now, not before 1970, not beyond the calendar
    Case("event", {"events-at": "2099-01-01T00:00:00"}, LATER),
    Case("event", {"events-at": "1969-12-31T23:59:59"}, EARLY),
    Case("event", {"events-at": "0001-01-01T00:00:00", "events-zone": "Asia/Tokyo"}, EARLY),
    Case("event", {"events-at": "0001-01-01T00:00:00", "events-zone": "America/New_York"}, EARLY),
    Case("event", {"events-at": "9999-12-31T23:59:59", "events-zone": "America/New_York"}, "Too far ahead."),
    Case("event", {"events-at": "9999-12-31T23:59:59", "events-zone": "Asia/Tokyo"}, LATER),
    Case("event", {"events-at": BIG}, "Enter a valid date/time."),
    Case("event", {"events-at": "2012-02-30T10:00:00"}, "Enter a valid date/time."),
    Case("event", {"events-text": "down\x00"}, NUL),
    Case("event", {"events-zone": "../../etc/passwd"}, "Select a valid choice."),
    Case("event", {"events-zone": "Asia/Tokyo\x00"}, "Select a valid choice."),
    Case("event", {"events-zone": "x" * 5000}, "Select a valid choice."),
    Case("event", {"events-type": "down\nup"}, "Select a valid choice."),
    Case("event_edit", {"events-at": "2099-01-01T00:00:00"}, LATER),
    Case("event_edit", {"events-at": "1900-01-01T00:00:00"}, EARLY),
    Case("notice", {"notices-retrieved_at": "2099-01-01T00:00:00"}, LATER),
    Case("notice", {"notices-retrieved_at": "1000-01-01T00:00:00"}, EARLY),
    Case("notice", {"notices-claimed_start": "2099-01-01T00:00:00"}, "More than two years ahead."),
    Case("notice", {"notices-claimed_end": "1960-01-01T00:00:00"}, EARLY),
    Case("notice", {"notices-target": "cnode-a1104\nObserved down: 0m"}, ONE_LINE),
    Case("notice", {"notices-url": "https://status.example/\nx"}, "Enter a valid URL."),
    Case("notice", {"notices-raw_text": "Resolved.\x00"}, NUL),
    Case("notice", {"notices-cause": "load\x00"}, NUL),
    Case("contact", {"contacts-opened_at": "2099-01-01T00:00:00"}, LATER),
    Case("contact", {"contacts-first_response_at": "2099-01-01T00:00:00"}, LATER),
    Case("contact", {"contacts-resolved_at": "0001-01-01T00:00:00", "contacts-zone": "Asia/Tokyo"}, EARLY),
    Case("contact", {"contacts-ticket_ref": "T-1\r\nT-2"}, ONE_LINE),
    Case("contact", {"contacts-agent": "Sato\u2028Observed down: 0m"}, ONE_LINE),
    Case("contact", {"contacts-agent": "Sato\x00"}, NUL),
    Case("contact", {"contacts-helpfulness": "6"}, "Ensure this value is less than or equal to 5."),
    Case("contact", {"contacts-helpfulness": BIG}, "Enter a whole number."),
    Case("contact", {"contacts-helpfulness": "-1"}, "Ensure this value is greater than or equal to 0."),
    Case("contact", {"contacts-helpfulness": "0"}, "Ensure this value is greater than or equal to 1."),
    Case("log", {"logs-name": "messages\nforged"}, ONE_LINE),
    Case("log", {"logs-text": "line\x00"}, NUL),
    Case("incident", {"title": "Down\nObserved down: 0m"}, ONE_LINE),
    Case("incident", {"title": "Down\x85again"}, ONE_LINE),
    Case("incident", {"title": "Down\x00"}, NUL),
    Case("incident", {"down_at": "2099-01-01T00:00:00"}, LATER),
    Case("incident", {"down_at": "0001-01-01T00:00:00"}, EARLY),
    Case("incident", {"status": "resolved", "resolved_at": "2099-01-01T00:00:00"}, LATER),
    Case("incident", {"service": BIG}, "Select a valid choice."),
    Case("incident", {"zone": "Mars/Base"}, "Select a valid choice."),
    Case("incident_edit", {"title": "a\rb"}, ONE_LINE),
    Case("incident_edit", {"resolved_at": "9999-12-31T23:59:59"}, LATER),
    Case("provider", {"name": "Sakura\nInternet"}, ONE_LINE),
    Case("provider", {"name": "Sakura\x00"}, NUL),
    Case("provider", {"notes": "fine\x00"}, NUL),
    Case("provider", {"url": "https://sakura.example/\x00"}, NUL),
    Case("provider_edit", {"name": "a\x0bb"}, ONE_LINE),
    Case("service", {"name": "Mail\nServer"}, ONE_LINE),
    Case("service", {"host": "mx1\x1emx2"}, ONE_LINE),
    Case("service", {"started_on": "1969-12-31"}, EARLY),
    Case("service", {"started_on": "0001-01-01"}, EARLY),
    Case("service", {"ended_on": "9999-12-31"}, "More than two years ahead."),
    Case("service", {"sla_claim_days": "5000"}, "Not a whole number from 0 to 3660."),
    Case("service", {"sla_claim_days": "4000"}, "Not a whole number from 0 to 3660."),
    Case("service", {"sla_claim_days": BIG}, "Enter a whole number."),
    Case("service", {"sla_uptime": "1e999999"}, "Ensure that there are no more than 6 digits in total."),
    Case("service", {"sla_uptime": "NaN"}, "Enter a number."),
    Case("service", {"time_zone": "x" * 5000}, "Ensure this value has at most 64 characters"),
    Case("service", {"time_zone": "Asia/../../etc/passwd"}, "is not a time zone"),
    Case("service", {"sla_credits": "99.9: 10\x00"}, NUL),
    Case("service_edit", {"name": "VPS\n(KVM)"}, ONE_LINE),
    Case("channel", {"notes": "closed\non holidays"}, ONE_LINE),
    Case("channel", {"time_zone": "Asia/Tokyo\x00"}, NUL),
    Case("time_zone", {"time_zone": "x" * 5000}, "is not a time zone"),
    Case("time_zone", {"time_zone": "Asia/Tokyo\x00"}, NUL),
]


def _post(client, seed, case: Case):
    url, valid = _forms(seed)[case.form]
    return client.post(url, {**valid, **case.values})


@pytest.mark.parametrize("form", sorted({case.form for case in CASES}))
def test_each_form_accepts_its_valid_payload(client_alice, seed, form):
    """The refusals below are the hostile value's doing, not the payload's."""
    before = snapshot()
    response = _post(client_alice, seed, Case(form, {}, ""))
    assert response.status_code == 302, text_of(response)[:2000]
    assert snapshot() != before or form in {"time_zone", "provider_edit"}


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}-{c.form}" for i, c in enumerate(CASES)])
def test_a_hostile_form_value_is_refused_and_changes_nothing(client_alice, seed, case):
    before = snapshot()
    response = _post(client_alice, seed, case)
    assert response.status_code == case.status
    assert case.message in text_of(response)
    assert snapshot() == before


QUERIES = [
    ("/incidents/?year=9999", 400, "Not a year between 1970 and"),
    ("/incidents/?year=0", 400, "Not a year between 1970 and"),
    ("/incidents/?year=" + BIG, 400, "Enter a whole number."),
    ("/incidents/?page=" + BIG, 200, "VPS down twice"),
    ("/incidents/?page=-1", 200, "VPS down twice"),
    ("/incidents/?page=99999999999999999999", 200, "VPS down twice"),
    ("/incidents/?provider=99999999999999999999", 400, "Select a valid choice."),
    ("/incidents/?service=%00", 400, "Null characters are not allowed."),
    ("/incidents/?kind=%00", 400, "Select a valid choice."),
    ("/providers/{provider}/scorecard/?year=9999", 200, "All time"),
    ("/providers/{provider}/scorecard/?year=" + BIG, 200, "All time"),
    ("/providers/{provider}/scorecard/?year=1969", 200, "All time"),
    ("/providers/compare/?p={provider}&p={other}&year=9999", 200, "Not a year between 1970 and"),
    ("/providers/compare/?p={provider}&p=" + BIG, 200, "is not a valid value."),
    ("/incidents/99999999999999999999/", 404, ""),
]


@pytest.mark.parametrize(("url", "status", "message"), QUERIES)
def test_a_hostile_query_parameter_falls_back_or_is_refused(client_alice, seed, url, status, message):
    provider, other = seed["vps"].service.provider_id, seed["cert"].service.provider_id
    before = snapshot()
    response = client_alice.get(url.format(provider=provider, other=other))
    assert response.status_code == status
    assert message in text_of(response)
    assert snapshot() == before


@pytest.mark.parametrize("cookie", ["x" * 4000, "Asia/Tokyo\x00", "../../etc/passwd", "", "Asia/Tokyo\n"])
def test_a_hostile_viewer_zone_cookie_falls_back_to_the_default_zone(client_alice, seed, cookie):
    client_alice.cookies["viewer_tz"] = cookie
    response = client_alice.get(f"/incidents/{seed['vps'].pk}/")
    assert response.status_code == 200
    assert "Times in UTC" in text_of(response)
