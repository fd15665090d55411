"""Names unique as people read them: case, full-/half-width forms and spacing do not make a
second provider (or a second service at one provider)."""

import importlib

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from journal.housekeeping import removal
from journal.housekeeping.names import KEY_MAX, name_key
from journal.models import Provider, Service
from tests.factories import ProviderFactory, ServiceFactory
from tests.helpers import text_of

# --------------------------------------------------------------------------- the key (pure)


def test_case_width_and_spacing_collide():
    assert name_key("Hetzner") == name_key("hetzner") == name_key("ＨＥＴＺＮＥＲ") == name_key("  Hetzner ")
    assert name_key("さくら  VPS") == name_key("さくら　ＶＰＳ")  # ideographic space, full-width letters
    assert name_key("ｻｸﾗ") == name_key("サクラ")  # half-width katakana
    assert name_key("Straße") == name_key("STRASSE")  # case folding, not lower()
    assert name_key("Hetzner") != name_key("Hetzner Cloud")


@given(st.text(max_size=300))
def test_the_key_is_idempotent_and_bounded(name):
    key = name_key(name)
    assert name_key(key) == key or len(key) > 300  # a digested key is not re-keyed to itself
    assert len(key) <= KEY_MAX
    assert key == key.strip() and "  " not in key


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=50))
def test_full_width_and_any_case_of_ascii_collide(name):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in name)  # U+FF01..U+FF5E
    assert name_key(full_width) == name_key(name) == name_key(name.swapcase())


@given(st.text(max_size=100), st.text(alphabet=" \t\u3000\u00a0", min_size=1, max_size=5))
def test_surrounding_and_repeated_whitespace_never_matters(name, spaces):
    assert name_key(spaces + name.replace(" ", spaces) + spaces) == name_key(name)


def test_a_very_long_expanding_name_keeps_a_bounded_distinct_key():
    long_a, long_b = "ﷺ" * 200, "ﷺ" * 199 + "x"  # NFKC makes each 18 characters
    assert len(name_key(long_a)) <= KEY_MAX and name_key(long_a) != name_key(long_b)


# --------------------------------------------------------------------------- forms and constraint


@pytest.mark.django_db
def test_a_provider_with_the_same_name_is_refused_with_a_link(client_alice):
    hetzner = ProviderFactory(name="Hetzner")
    response = client_alice.post("/providers/new/", {"name": "ｈｅｔｚｎｅｒ", "url": "https://typed.example/"})
    assert response.status_code == 422
    html = response.content.decode()
    assert f'A provider named “<a href="{hetzner.get_absolute_url()}">Hetzner</a>” already exists.' in html
    assert 'value="https://typed.example/"' in html  # nothing typed is lost
    assert Provider.objects.count() == 1


@pytest.mark.django_db
def test_the_error_escapes_the_existing_name(client_alice):
    ProviderFactory(name="<b>Evil</b>")
    html = client_alice.post("/providers/new/", {"name": "<B>EVIL</B>"}).content.decode()
    assert "“<a href=" in html and "&lt;b&gt;Evil&lt;/b&gt;</a>” already exists." in html


@pytest.mark.django_db
def test_renaming_a_provider_to_itself_in_another_case_is_allowed(client_alice):
    provider = ProviderFactory(name="hetzner")
    response = client_alice.post(f"/providers/{provider.pk}/edit/", {"name": "Hetzner"}, follow=True)
    assert "Saved provider “Hetzner”." in text_of(response)
    provider.refresh_from_db()
    assert provider.name == "Hetzner" and provider.name_key == "hetzner"


@pytest.mark.django_db
def test_a_service_name_is_unique_per_provider_only(client_alice):
    vps = ServiceFactory(name="VPS 1G")
    data = {"provider": vps.provider.pk, "name": "vps　１g", "time_zone": "UTC"}
    response = client_alice.post("/services/new/", data)
    assert response.status_code == 422
    assert (
        f'A service named “<a href="{vps.get_absolute_url()}">VPS 1G</a>” already exists at {vps.provider.name}.'
        in response.content.decode()
    )
    other = ProviderFactory()
    response = client_alice.post("/services/new/", {**data, "provider": other.pk}, follow=True)
    assert "Created service “vps" in text_of(response)
    assert Service.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_colliding_current_name_but_not_a_deleted_one():
    first = ProviderFactory(name="Hetzner")
    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.create(name="HETZNER")
    removal.delete(first, None)
    again = Provider.objects.create(name="HETZNER")  # the deleted one no longer holds the name
    assert again.name_key == "hetzner"


def test_the_migration_renames_colliding_names_oldest_first(capsys):
    migration = importlib.import_module("journal.migrations.0008_housekeeping")

    class Row:
        class _meta:  # noqa: N801  (as a model's)
            model_name = "provider"

        def __init__(self, pk, name, scope=None):
            self.pk, self.name, self.provider_id, self.saved = pk, name, scope, None

        def save(self, update_fields):
            self.saved = (self.name, self.name_key)

    rows = [Row(1, "Sakura"), Row(2, "sakura (2)"), Row(3, "ＳＡＫＵＲＡ"), Row(4, "Other")]
    migration._dedupe(rows, lambda row: None)
    assert [row.saved for row in rows] == [
        ("Sakura", "sakura"),
        ("sakura (2)", "sakura (2)"),
        ("ＳＡＫＵＲＡ (3)", "sakura (3)"),  # “(2)” was taken already
        ("Other", "other"),
    ]
    assert "renamed provider 3 “ＳＡＫＵＲＡ” to “ＳＡＫＵＲＡ (3)”" in capsys.readouterr().out
    services = [Row(1, "VPS", scope=1), Row(2, "vps", scope=2), Row(3, "Vps", scope=1)]
    migration._dedupe(services, lambda row: row.provider_id)
    assert [row.saved[0] for row in services] == ["VPS", "vps", "Vps (2)"]  # per provider
