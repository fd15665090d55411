"""Commands take --year within journal.bounds: a clear error, never a traceback."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

BIG = "9" * 5000


@pytest.mark.parametrize(
    ("command", "year", "message"),
    [
        (["scorecard", "お名前.com"], "9999", "argument --year: not a year between 1970 and"),
        (["scorecard", "お名前.com"], "1969", "argument --year: not a year between 1970 and"),
        (["scorecard", "お名前.com"], BIG, "argument --year: '99999999999999999999' is not a year"),
        (["parse_notice", "notice.txt"], "0", "argument --year: not a year between 1970 and"),
        (["import_log", "messages", "--incident", "1"], "10000", "argument --year: not a year between 1970 and"),
    ],
)
def test_a_year_out_of_range_is_refused(seed, command, year, message):
    with pytest.raises(CommandError, match=message):
        call_command(*command, "--year", year)


def test_a_year_in_range_is_taken(seed, capsys):
    call_command("scorecard", "お名前.com", "--year", "2012")
    assert "お名前.com, 2012: 1 incidents" in capsys.readouterr().out
