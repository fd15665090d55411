"""The NinjaAPI: its routers, its errors, and its docs (Swagger UI served from this site's
static files — ``ninja`` is an installed app — so the page runs under the strict CSP)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from journal.api.auth import TokenAuth, token_for
from journal.api.writes import Invalid


def docs_access(view):
    """The docs page and openapi.json: for a signed-in person, or a request with a token."""

    @login_not_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated or token_for(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return api.create_response(request, {"detail": "Unauthorized"}, status=401)
        return redirect(f"{reverse('login')}?next={request.path}")

    return wrapped


api = NinjaAPI(
    title="Incident journal API",
    version="1",
    description=(
        "Providers, services, incidents and their evidence (timeline events, provider notices, "
        "support contacts, logs), totals and scorecards. Authenticate with "
        "`Authorization: Bearer <token>` (tokens: the “API tokens” page). Writes are validated "
        "like the forms: a refused value is a 422 naming the field; a stale `version` is a 409."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_access,
)


@api.exception_handler(Invalid)
def invalid(request, exc: Invalid):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    """Pydantic's errors, the body's located like the forms' (``["body", field]``)."""
    errors = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if loc[:2] == ["body", "payload"]:
            loc = ["body", *loc[2:]]
        errors.append({**error, "loc": loc})
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(ValidationError)
def model_validation_error(request, exc: ValidationError):
    errors = []
    for field, messages in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items():
        loc = ["body"] if field == "__all__" else ["body", field]
        errors += [{"loc": loc, "msg": m, "type": "invalid"} for m in messages]
    return api.create_response(request, {"detail": errors}, status=422)


from journal.api import catalog, evidence, incidents, scorecards  # noqa: E402

api.add_router("/", catalog.router)
api.add_router("/", incidents.router)
api.add_router("/", evidence.router)
api.add_router("/", scorecards.router)
