"""Upgrading: accounts made before roles existed could write, and keep writing (editors)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from journal.roles import Role, role_of


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_become_editors_and_superusers_stay_admins(django_user_model):
    before, after = [("journal", "0001_initial")], [("journal", "0002_accounts_share_links")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    state = executor.loader.project_state([*before, ("auth", "0012_alter_user_first_name_max_length")])
    old = state.apps.get_model("auth", "User")
    old.objects.create(username="old-hand", password="!")
    old.objects.create(username="root", password="!", is_superuser=True, is_staff=True)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        assert role_of(django_user_model.objects.get(username="old-hand")) == Role.EDITOR
        root = django_user_model.objects.get(username="root")
        assert role_of(root) == Role.ADMIN and root.groups.count() == 0
        assert role_of(django_user_model.objects.create_user("new-hand")) == Role.VIEWER
    finally:  # the tests after this one need every table back
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
