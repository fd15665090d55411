from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from journal.forms import ZoneInput
from journal.middleware import VIEWER_TZ_COOKIE
from journal.timezones import validate_time_zone


class TimeZoneForm(forms.Form):
    time_zone = forms.CharField(label="Show times in", widget=ZoneInput, validators=[validate_time_zone])
    next = forms.CharField(required=False, widget=forms.HiddenInput)


def set_time_zone(request: HttpRequest) -> HttpResponse:
    """Choose the zone times are shown in (kept in a cookie for a year), then go back."""
    form = TimeZoneForm(
        request.POST or None,
        initial={
            "time_zone": request.viewer_zone.key,
            "next": request.GET.get("next", "/"),
        },
    )
    if request.method == "POST":
        if form.is_valid():
            next_url = form.cleaned_data["next"]
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = "/"
            response = HttpResponseRedirect(next_url)  # a URL, never a view name to reverse
            response.set_cookie(
                VIEWER_TZ_COOKIE,
                form.cleaned_data["time_zone"],
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=settings.SECURE_COOKIES,
            )
            messages.success(request, f"Times are now shown in {form.cleaned_data['time_zone']}.")
            return response
        return render(request, "time_zone.html", {"form": form}, status=422)
    return render(request, "time_zone.html", {"form": form})
