"""Property: random datetimes (the whole calendar), zones and strings (NUL, line breaks, lone
surrogates, 5,000-digit numbers) through every form and the JSON importer never give a 5xx or
a traceback, and a refusal changes no row and leaves no file."""

import copy
import json
from datetime import timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import bounds, demo
from journal.portability import DocumentError, import_document, parse
from tests.rows import snapshot
from tests.test_hostile_forms import _forms

pytestmark = pytest.mark.django_db
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati", "Pacific/Honolulu", "Mars/Base", "\x00"]
walls = st.datetimes()  # year 1 to 9999
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
strings = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a\nb", "a\u2028b", "\r", "9" * 5000, "-1", "1e999999", "NaN", "0", " ", "\ud800"]),
    walls.map(lambda d: d.isoformat(timespec="seconds")),
    walls.map(lambda d: d.date().isoformat()),
    st.integers().map(str),
)
# A request's body is bytes decoded as UTF-8: it cannot carry a lone surrogate, JSON can.
form_strings = strings.filter(lambda value: bounds.unicode_problem(value) is None)


@given(data=st.data())
@SETTINGS
def test_no_form_answers_5xx_and_a_refusal_changes_nothing(client_alice, seed, data):
    seed["vps"].refresh_from_db()  # an earlier example's accepted edit moved its version on
    forms = _forms(seed)
    url, valid = forms[data.draw(st.sampled_from(sorted(forms)), label="form")]
    payload = dict(valid)
    for name in data.draw(st.lists(st.sampled_from(sorted(valid)), min_size=1, max_size=3, unique=True)):
        payload[name] = data.draw(form_strings, label=name)
    zone_fields = [name for name in valid if name.endswith("zone")]
    if zone_fields:
        payload[zone_fields[0]] = data.draw(st.sampled_from(ZONES), label="zone")
    before = snapshot()
    response = client_alice.post(url, payload)
    assert response.status_code < 500
    if response.status_code != 302:
        # 409: a drawn version older than the record (an earlier example's edit moved it on)
        assert response.status_code in {409, 422}
        assert snapshot() == before


def _leaves(node, path=()):
    """Paths to every value in the document (objects' members and list items)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield (*path, key)
        yield from _leaves(value, (*path, key))


DOCUMENT = demo.document()
PATHS = sorted(_leaves(DOCUMENT), key=str)
values = st.one_of(
    strings,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.tuples(walls, offsets).map(lambda w: w[0].replace(tzinfo=w[1]).isoformat()),
    st.none(),
    st.booleans(),
    st.builds(list),  # a fresh one each draw: a later path may write into it
    st.builds(dict),
)


@given(data=st.data())
@SETTINGS
def test_the_importer_refuses_with_a_place_or_imports_never_crashes(db, data):
    document = copy.deepcopy(DOCUMENT)
    for path in data.draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        node = document
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = data.draw(values, label=str(path))
        except (KeyError, IndexError, TypeError):  # an earlier change removed this place
            continue
    before = snapshot()
    try:
        import_document(parse(json.dumps(document)))
    except DocumentError as refusal:
        assert ": " in str(refusal)
        assert snapshot() == before
