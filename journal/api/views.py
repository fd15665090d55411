"""The "API tokens" page: each person makes and revokes their own tokens. A token is shown
once, when made; only its SHA-256 is kept."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from journal import bounds
from journal.api.models import ApiToken
from journal.roles import can_edit


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What will use it, e.g. “backup script”."))
    read_only = forms.BooleanField(
        required=False, label=_("Read only"), help_text=_("It can read but never change anything.")
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if problem := bounds.text_problem(name, single_line=True):
            raise bounds.refusal(problem)
        return name


def _page(request: HttpRequest, form: TokenForm, status: int = 200, **extra) -> HttpResponse:
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "writes": can_edit(request.user),
        "docs_url": reverse("api:openapi-view"),
        "base_url": request.build_absolute_uri(reverse("api:api-root")),
        **extra,
    }
    return render(request, "api/tokens.html", context, status=status)


def token_list(request: HttpRequest) -> HttpResponse:
    return _page(request, TokenForm())


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Make a token and show it, this once (the answer is not cached: Cache-Control no-store)."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    token, secret = ApiToken.create(request.user, form.cleaned_data["name"], form.cleaned_data["read_only"])
    return _page(request, TokenForm(), status=201, made=token, secret=secret)


@require_POST
def token_revoke(request: HttpRequest, item: int) -> HttpResponse:
    get_object_or_404(ApiToken, pk=item, user=request.user).revoke()
    return redirect("api_tokens")
