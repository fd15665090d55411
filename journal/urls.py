from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from journal.views import (
    accounts,
    dashboard,
    evidence,
    incidents,
    journal_io,
    logs,
    preferences,
    providers,
    scorecards,
    share,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", accounts.SignIn.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChange.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("users/", accounts.user_list, name="user_list"),
    path("users/<int:pk>/role/", accounts.user_role, name="user_role"),
    path("users/<int:pk>/active/", accounts.user_active, name="user_active"),
    path("users/<int:pk>/password/", accounts.user_password, name="user_password"),
    path("share/<str:token>/", share.shared_incident, name="shared_incident"),
    path("share/<str:token>/logs/<int:item>/", share.shared_log, name="shared_log"),
    path("share/<str:token>/logs/<int:item>/raw/", share.shared_log_download, name="shared_log_download"),
    path("time-zone/", preferences.set_time_zone, name="set_time_zone"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/evidence.zip", incidents.evidence_pack, name="evidence_pack"),
    path("incidents/<int:pk>/share/", share.share_links, name="share_new"),
    path("incidents/<int:pk>/share/<int:item>/revoke/", share.share_revoke, name="share_revoke"),
    path("incidents/<int:pk>/<slug:kind>/new/", evidence.evidence_new, name="evidence_new"),
    path("incidents/<int:pk>/<slug:kind>/<int:item>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("incidents/<int:pk>/<slug:kind>/<int:item>/delete/", evidence.evidence_delete, name="evidence_delete"),
    path("incidents/<int:pk>/<slug:kind>/<int:item>/restore/", evidence.evidence_restore, name="evidence_restore"),
    path("incidents/<int:pk>/logs/<int:item>/raw/", evidence.log_download, name="log_download"),
    path("incidents/<int:pk>/logs/<int:item>/", logs.log_excerpt, name="log_excerpt"),
    path("incidents/<int:pk>/logs/<int:item>/read/", logs.log_reread, name="log_reread"),
    path("incidents/<int:pk>/suggestions/accept-all/", logs.suggestions_accept_all, name="suggestions_accept_all"),
    path(
        "incidents/<int:pk>/suggestions/accept-all/<int:job>/", journal_io.accept_all_status, name="accept_all_status"
    ),  # noqa: E501
    path("journal/export/", journal_io.journal_export, name="journal_export"),
    path("journal/export/<int:pk>/download/", journal_io.journal_export_download, name="journal_export_download"),
    path("journal/import/", journal_io.journal_import, name="journal_import"),
    path("incidents/<int:pk>/suggestions/<int:suggestion>/accept/", logs.suggestion_accept, name="suggestion_accept"),
    path(
        "incidents/<int:pk>/suggestions/<int:suggestion>/dismiss/", logs.suggestion_dismiss, name="suggestion_dismiss"
    ),
    path(
        "incidents/<int:pk>/suggestions/<int:suggestion>/use-log-time/",
        logs.suggestion_use_log_time,
        name="suggestion_use_log_time",
    ),
    path("providers/", providers.provider_list, name="provider_list"),
    path("providers/new/", providers.provider_new, name="provider_new"),
    path("providers/compare/", scorecards.compare, name="provider_compare"),
    path("providers/<int:pk>/scorecard/", scorecards.provider_scorecard, name="provider_scorecard"),
    path("providers/<int:pk>/channels/new/", providers.channel_new, name="channel_new"),
    path("providers/<int:pk>/channels/<int:item>/delete/", providers.channel_delete, name="channel_delete"),
    path("providers/<int:pk>/", providers.provider_detail, name="provider"),
    path("providers/<int:pk>/edit/", providers.provider_edit, name="provider_edit"),
    path("services/new/", providers.service_new, name="service_new"),
    path("services/<int:pk>/", providers.service_detail, name="service"),
    path("services/<int:pk>/edit/", providers.service_edit, name="service_edit"),
    path("admin/", admin.site.urls),
]
