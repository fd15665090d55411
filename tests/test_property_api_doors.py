"""Property: random bodies through the webhook reader and the ingest URL, and random values
through the API's writes, never give a 5xx; a refusal (400 / 422) changes no incident, event
or notice; times that are kept are aware, in range, and what the body said."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import bounds
from journal.api.models import ApiToken
from journal.hooks import formats
from journal.hooks.models import HookFormat, WebHook
from journal.models import Incident, ProviderNotice, TimelineEvent
from tests.factories import EventFactory, IncidentFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
CORPUS = Path(__file__).parent / "corpus" / "hooks"

walls = st.datetimes()  # year 1 to 9999
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\x00", "a\nb", "\ud800", "9" * 5000, "0001-01-01T00:00:00Z", "2099-01-01T00:00:00Z", ""]),
    st.builds(lambda d, z: d.replace(tzinfo=z).isoformat(), walls, offsets),
    walls.map(lambda d: d.isoformat(sep=" ", timespec="milliseconds")),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


def _mutations(document, data):
    """The document with a few of its values replaced by random ones."""
    paths = list(_leaves(document))
    chosen = data.draw(st.lists(st.sampled_from(paths), max_size=3, unique=True)) if paths else []
    for path in sorted(chosen, key=len, reverse=True):  # deepest first: a replaced parent drops its children
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = data.draw(json_values, label="/".join(map(str, path)))
    return document


def _leaves(node, path=()):
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield (*path, key)
        yield from _leaves(value, (*path, key))


SHAPES = [
    "kuma_down.json",
    "kuma_up.json",
    "hc_down.json",
    "hc_json_check.json",
    "am_firing.json",
    "am_resolved_one.json",
]


@given(data=st.data())
@SETTINGS
def test_the_reader_refuses_with_a_reason_or_reads_aware_utc_times(data):
    document = json.loads((CORPUS / data.draw(st.sampled_from(SHAPES), label="shape")).read_bytes())
    body = json.dumps(_mutations(document, data)).encode()
    try:
        reading = formats.read(body, "application/json", data.draw(st.sampled_from(HookFormat.values)))
    except formats.BadBody as exc:
        assert str(exc)
        return
    for message in reading.messages:
        assert message.state in ("down", "up", "")
        assert len(message.key) == 64
        if message.at is not None:
            assert message.at.tzinfo is UTC


@given(
    raw=st.binary(max_size=300),
    kind=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
    ),
)
@SETTINGS
def test_any_bytes_are_read_or_refused_with_a_reason(raw, kind):
    try:
        formats.read(raw, kind)
    except formats.BadBody as exc:
        assert str(exc)


@pytest.fixture
def hook(db):
    hook, token = WebHook.create(ServiceFactory(), "fuzz", HookFormat.AUTO)
    hook.token = token
    return hook


@given(data=st.data())
@SETTINGS
def test_the_ingest_url_never_answers_5xx_and_keeps_times_in_range(hook, data):
    document = json.loads((CORPUS / data.draw(st.sampled_from(SHAPES), label="shape")).read_bytes())
    body = json.dumps(_mutations(document, data)).encode()
    response = Client().post(f"/hooks/{hook.token}/", body, content_type="application/json")
    assert response.status_code in (200, 400), response.content
    for at in TimelineEvent.objects.filter(incident__service=hook.service).values_list("at", flat=True):
        assert bounds.happened_problem(at) is None


@pytest.fixture
def api_setup(db):
    incident = IncidentFactory(status=Incident.Status.OPEN)
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    _, token = ApiToken.create(UserFactory(username="fuzzer"), "fuzz")
    return incident, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


VALID = {
    "events": {"at": "2024-03-01T10:00:00Z", "type": "up", "text": "ok"},
    "notices": {
        "raw_text": "Down 9-10",
        "claimed_start": "2024-03-01T09:00:00Z",
        "claimed_end": "2024-03-01T10:00:00Z",
    },
    "contacts": {"channel": "phone", "opened_at": "2024-03-01T10:00:00Z", "helpfulness": 3},
}


@given(data=st.data())
@SETTINGS
def test_api_writes_never_answer_5xx_and_a_refusal_changes_nothing(api_setup, data):
    incident, headers = api_setup
    kind = data.draw(st.sampled_from(sorted(VALID)), label="kind")
    payload = dict(VALID[kind])
    for name in data.draw(st.lists(st.sampled_from(sorted(payload)), min_size=1, max_size=2, unique=True)):
        payload[name] = data.draw(json_values, label=name)
    before = (TimelineEvent.objects.count(), ProviderNotice.all_objects.count(), incident.support_contacts.count())
    response = Client().post(
        f"/api/incidents/{incident.pk}/{kind}", json.dumps(payload), content_type="application/json", **headers
    )
    assert response.status_code in (201, 422), response.content
    if response.status_code == 422:
        assert all(error["loc"] for error in response.json()["detail"])
        after = (TimelineEvent.objects.count(), ProviderNotice.all_objects.count(), incident.support_contacts.count())
        assert after == before
