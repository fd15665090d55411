"""The viewer's language and time zone: a page for both (kept with the account), the header's
zone switch, and the language switch every page's footer offers (also before signing in)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from journal.forms import ZoneInput
from journal.middleware import VIEWER_TZ_COOKIE
from journal.preferences import Preferences
from journal.timezones import validate_time_zone

YEAR = 365 * 24 * 3600


class TimeZoneForm(forms.Form):
    time_zone = forms.CharField(label=gettext_lazy("Show times in"), widget=ZoneInput, validators=[validate_time_zone])
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["language", "time_zone"]
        widgets = {"time_zone": ZoneInput}
        help_texts = {
            "language": gettext_lazy("The language of every page, whichever browser you sign in from."),
            "time_zone": gettext_lazy("Times are shown in this zone. Empty: the zone chosen in the header, else UTC."),
        }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


def _back(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    return HttpResponseRedirect(next_url)  # a URL, never a view name to reverse


def _cookie(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=YEAR, samesite="Lax", httponly=True, secure=settings.SECURE_COOKIES)


def set_time_zone(request: HttpRequest) -> HttpResponse:
    """Choose the zone times are shown in (a cookie for a year, and the account's own zone), then
    go back."""
    form = TimeZoneForm(
        request.POST or None,
        initial={"time_zone": request.viewer_zone.key, "next": request.GET.get("next", "/")},
    )
    if request.method == "POST":
        if form.is_valid():
            zone = form.cleaned_data["time_zone"]
            response = _back(request, form.cleaned_data["next"])
            _cookie(response, VIEWER_TZ_COOKIE, zone)
            Preferences.remember(request.user, time_zone=zone)
            messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": zone})
            return response
        return render(request, "time_zone.html", {"form": form}, status=422)
    return render(request, "time_zone.html", {"form": form})


def preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in user's language and time zone."""
    form = PreferencesForm(request.POST or None, instance=Preferences.of(request.user))
    if request.method == "POST":
        if form.is_valid():
            chosen = form.save()
            translation.activate(chosen.language or translation.get_language_from_request(request))
            response = HttpResponseRedirect(request.path)
            if chosen.language:
                _cookie(response, settings.LANGUAGE_COOKIE_NAME, chosen.language)
            if chosen.time_zone:
                _cookie(response, VIEWER_TZ_COOKIE, chosen.time_zone)
            messages.success(request, _("Your language and time zone are saved."))
            return response
        return render(request, "preferences.html", {"form": form}, status=422)
    return render(request, "preferences.html", {"form": form})


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's language switch: a cookie for everyone, and the account's language when
    signed in (so it follows the user to other browsers)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _back(request, request.POST.get("next", "/"))
    language = form.cleaned_data["language"]
    response = _back(request, form.cleaned_data["next"] or "/")
    _cookie(response, settings.LANGUAGE_COOKIE_NAME, language)
    if request.user.is_authenticated:
        Preferences.remember(request.user, language=language)
    return response
