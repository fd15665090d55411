"""Bearer tokens for the API. ``ApiTokenMiddleware`` signs a request to /api/ in as the
token's user before anything reads the request (uploads are only read for a signed-in user,
and the audit history takes its user from the request); ``TokenAuth`` then lets the
operation run, or answers 401. A token that may not write (read-only, or its user a viewer)
is answered 403 on any write."""

from __future__ import annotations

from django.http import JsonResponse
from ninja.security import HttpBearer

from journal.api.models import ApiToken
from journal.roles import SAFE_METHODS, can_edit

API_PREFIX = "/api/"


def bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_for(request) -> ApiToken | None:
    """The request's active token (looked up once per request)."""
    if not hasattr(request, "_api_token"):
        token = bearer(request)
        request._api_token = ApiToken.objects.find(token) if token else None
    return request._api_token


def may_write(token: ApiToken) -> bool:
    return not token.read_only and can_edit(token.user)


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX) and (token := token_for(request)) is not None:
            request.user = token.user
            token.note_use()
            if request.method not in SAFE_METHODS and not may_write(token):
                why = (
                    "This token is read-only."
                    if token.read_only
                    else "Your role can read the journal but not change it."
                )
                return JsonResponse({"detail": why}, status=403)
        return self.get_response(request)


class TokenAuth(HttpBearer):
    openapi_description = "A token from the “API tokens” page: `Authorization: Bearer ij_…`."

    def authenticate(self, request, token):
        found = token_for(request)
        if found is None:
            return None
        request.user = found.user
        return found
