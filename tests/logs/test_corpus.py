"""Every excerpt of the log corpus (tests/corpus/logs) gives exactly the downs and ups a
careful admin reads from it: no false down from a daemon, a user session or a HUP, no missed
reboot, one suggestion per transition."""

import pytest

from tests.corpus.logs import HERE, cases, detected
from tests.factories import IncidentFactory

CASES = cases()


def test_the_corpus_is_large_and_each_case_says_where_its_shape_was_seen():
    assert len(CASES) >= 40
    assert sum(1 for case in CASES if not case.expect) >= 15  # negative cases
    assert {case.file for case in CASES} == {path.name for path in HERE.glob("*.log")}
    assert all(case.seen.strip() for case in CASES)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.file.removesuffix(".log"))
def test_each_case_gives_the_expected_downs_and_ups(case):
    incident = IncidentFactory(service__time_zone=case.zone)
    assert detected(case, incident) == case.expect
