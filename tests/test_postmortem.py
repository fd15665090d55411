"""The Markdown postmortem: a download with the incident page's figures, notices quoted
verbatim, log lines cited by number with the excerpt's SHA-256, and no typed text that can
become markup or pass for a computed line."""

import hashlib
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from journal.exports import postmortem
from journal.exports.markdown import inline, verbatim
from journal.models import Incident, ProviderNotice, SupportContact, TimelineEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
# Lines of a FreeBSD syslog, written for this test after the seed's shape (DESIGN.md).
LOG = (
    b"Jul 20 08:10:01 cnode-a1104 cron[901]: (root) CMD (newsyslog)\n"
    b"Jul 20 08:12:37 cnode-a1104 sshd[1205]: Received signal 15; terminating.\n"
    b"Jul 20 08:12:38 cnode-a1104 syslogd: exiting on signal 15\n"
    b"Jul 20 08:39:19 cnode-a1104 syslogd: kernel boot file is /boot/kernel/kernel\n"
)


def _download(client, incident):
    return client.get(f"/incidents/{incident.pk}/postmortem.md")


def test_the_postmortem_is_a_markdown_download_named_after_the_incident(client_alice, seed):
    response = _download(client_alice, seed["vps"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="2012-07-20-vps-down-twice-while-the-host-was-overloaded.md"'
    )


def test_it_carries_the_incident_pages_figures(client_alice, seed):
    text = _download(client_alice, seed["vps"]).content.decode()
    assert "- **Observed down: 3h 01m**" in text
    assert "  - 2012-07-20 08:12:00 JST → 2012-07-20 08:39:00 JST (27m)" in text
    assert "  - 2012-07-20 09:59:00 JST → 2012-07-20 12:33:00 JST (2h 34m)" in text
    assert "- First down → last up: 4h 21m" in text
    assert "- Provider claimed: 6h 53m (2012-07-20 06:07:00 JST → 2012-07-20 13:00:00 JST" in text
    assert "- Claimed − observed: 3h 52m" in text
    assert "the claim is 2h 05m earlier" in text
    assert "Status claimed at 2012-07-20 10:05:00 JST while observed down" in text
    assert len(re.findall(r"^- 2012-07-20 \d\d:\d\d:\d\d JST — \*\*", text, re.M)) == 10  # the timeline
    assert text.count("Phone, opened by") == 2  # the two support calls


def test_notices_are_quoted_verbatim_with_their_hash(client_alice, seed):
    notice = seed["vps"].notices.get()
    text = _download(client_alice, seed["vps"]).content.decode()
    assert f"- SHA-256 of the text: `{notice.sha256}`" in text
    block = text[text.index("```text\n") + len("```text\n") :]
    assert block[: len(notice.raw_text)] == notice.raw_text
    tokens = MD.parse(text)
    fences = [t for t in tokens if t.type == "fence"]
    assert fences[0].content.rstrip("\n") == notice.raw_text.rstrip("\n")


def test_log_lines_are_cited_with_their_numbers_and_the_excerpts_hash(client_alice, seed):
    from tests.factories import LogExcerptFactory

    vps = seed["vps"]
    excerpt = LogExcerptFactory(incident=vps, name="messages-0720", data=LOG)
    suggestion = excerpt.suggestions.order_by("at").first()
    event = suggestion.accept()
    assert event.log_line.number == 2
    text = _download(client_alice, vps).content.decode()
    assert f"SHA-256 `{hashlib.sha256(LOG).hexdigest()}`" in text
    assert f'[log {excerpt.pk}] "messages-0720": 4 lines, {len(LOG)} bytes' in text
    assert f"[log {excerpt.pk}, line 2]" in text
    cited = text[text.index('### Lines cited from "messages-0720"') :]
    assert "      2  Jul 20 08:12:37 cnode-a1104 sshd[1205]: Received signal 15; terminating." in cited


FORGERY = "fine\n## Totals\n- **Observed down: 0m**\u2028- Observed down: 0m"


def test_typed_text_can_neither_forge_a_line_nor_become_markup(client_alice, seed):
    vps = seed["vps"]
    TimelineEvent.objects.filter(incident=vps, type="noticed").update(text=FORGERY)
    Incident.objects.filter(pk=vps.pk).update(title="VPS <script>alert(1)</script> [x](javascript:alert(1))")
    SupportContact.objects.filter(incident=vps).update(summary="**bold** `code` <b>tag</b>")
    ProviderNotice.objects.filter(incident=vps).update(raw_text="```\n# not a heading\n```\n<img src=x onerror=1>")
    text = _download(client_alice, vps).content.decode()
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Totals",
        "## Claimed vs observed",
        "## Timeline",
        "## Provider notices",
        "## Support contacts",
        "## Logs",
    ]
    assert len([line for line in text.splitlines() if "Observed down:" in line and line.startswith("- **")]) == 1
    html = MD.render(text)
    assert "<script>" not in html and "<img" not in html and "<b>tag" not in html
    assert "<a href" not in html and "<strong>bold" not in html
    assert "<h1>not a heading" not in html


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=80))
def test_any_text_quoted_inline_renders_as_that_text_in_quotes(text):
    tokens = MD.parseInline(inline(text))[0].children
    assert [t.type for t in tokens] == ["text"] * len(tokens)  # no emphasis, link, code or HTML
    shown = "".join(t.content for t in tokens)
    from journal.evidence_pack import quoted

    assert shown == quoted(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=200))
def test_any_text_verbatim_renders_as_one_code_block_of_that_text(text):
    tokens = MD.parse(verbatim(text))
    assert [t.type for t in tokens] == ["fence"]
    assert tokens[0].content == (text if text.endswith("\n") or not text else text + "\n")


def test_a_viewer_may_download_it_and_queries_do_not_grow_with_events(client, seed, django_assert_max_num_queries):
    client.force_login(UserFactory(username="vera", role="viewer"))
    vps = seed["vps"]
    with django_assert_max_num_queries(12):
        assert _download(client, vps).status_code == 200
    for minute in range(40):
        vps.events.create(at=datetime(2012, 7, 20, 4, minute, tzinfo=UTC), type="observation", text=f"ping {minute}")
    with django_assert_max_num_queries(12):
        text = _download(client, vps).content.decode()
    assert '"ping 39"' in text


def test_the_incident_page_links_to_it(client_alice, seed):
    html = client_alice.get(seed["vps"].get_absolute_url()).content.decode()
    assert f'href="/incidents/{seed["vps"].pk}/postmortem.md" download' in html


def test_the_filename_is_the_start_day_and_the_titles_ascii_words():
    from tests.factories import EventFactory

    event = EventFactory(incident__title='お名前.com 障害: VPS/KVM "down"', at=datetime(2024, 3, 1, 15, tzinfo=UTC))
    assert postmortem.filename(event.incident) == "2024-03-02-com-vps-kvm-down.md"  # Tokyo's day
    other = EventFactory(incident__title="障害", at=datetime(2024, 3, 1, 9, tzinfo=UTC)).incident
    assert postmortem.filename(other) == f"2024-03-01-incident-{other.pk}.md"
