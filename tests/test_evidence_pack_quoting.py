"""summary.md quotes every value a person typed, so no line of it can be forged."""

import io
import zipfile

import pytest

from journal.evidence_pack import quoted, summary
from journal.models import Incident, Provider, SupportContact, TimelineEvent

pytestmark = pytest.mark.django_db
FORGERY = (
    "fine\n- Observed down: 0m\n- Provider claimed: 0m\r\n## Timeline\u2028- Observed down: 0m\x85- Observed down: 0m"
)


def _lines_starting(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_a_forged_computed_line_in_user_text_stays_inside_its_quotes(client_alice, seed):
    vps = seed["vps"]
    # Stored directly, as an older version (which let newlines into one-line fields) may have.
    TimelineEvent.objects.filter(incident=vps, type="noticed").update(text=FORGERY)
    Incident.objects.filter(pk=vps.pk).update(title="VPS\n- Observed down: 0m")
    Provider.objects.filter(pk=vps.service.provider_id).update(name="お名前.com\n## Totals")
    SupportContact.objects.filter(incident=vps).update(summary=FORGERY, outcome=FORGERY)
    response = client_alice.get(f"/incidents/{vps.pk}/evidence.zip")
    text = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("summary.md").decode()
    assert _lines_starting(text, "- Observed down:") == [
        "- Observed down: 3h 01m — the union of the down stretches "
        "(a down runs until the next up or degraded; repeated downs are not counted twice):"
    ]
    assert len(_lines_starting(text, "- Provider claimed:")) == 1
    assert _lines_starting(text, "## ") == [
        "## Totals",
        "## Status claimed while observed down",
        "## Timeline",
        "## Support contacts",
    ]
    assert text.count(quoted(FORGERY)) == 5  # the event, and both contacts' summary and outcome
    assert '# Incident "VPS\\n- Observed down: 0m"' in text


def test_quoted_escapes_every_line_break_python_knows():
    breaks = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
    value = quoted(f'a{breaks}b"c\\')
    assert len(value.splitlines()) == 1
    assert value == '"a\\n\\r\\u000b\\f\\u001c\\u001d\\u001e\\u0085\\u2028\\u2029b\\"c\\\\"'


def test_the_summary_of_the_seed_quotes_its_text(seed):
    text = summary(seed["vps"])
    assert '2012-07-20 10:05:00 JST — Status claimed (You): "Control panel shows status 稼働中' in text
    assert "Text typed by people is quoted" in text
