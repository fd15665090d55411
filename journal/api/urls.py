"""/api/: the operations answer 401 without a token themselves (not the sign-in redirect)."""

from django.urls import path

from journal.api import views
from journal.api.main import api

ninja_patterns, ninja_app, ninja_namespace = api.urls
for pattern in ninja_patterns:  # the docs and openapi.json check access themselves (main.docs_access)
    pattern.callback.login_required = False

urlpatterns = [
    path("api/", (ninja_patterns, ninja_app, ninja_namespace)),
    path("api-tokens/", views.token_list, name="api_tokens"),
    path("api-tokens/create/", views.token_create, name="api_token_create"),
    path("api-tokens/<int:item>/revoke/", views.token_revoke, name="api_token_revoke"),
]
