from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers

from journal.preferences import Preferences
from journal.roles import may_request
from journal.timezones import get_zone

VIEWER_TZ_COOKIE = "viewer_tz"


class ViewerPreferencesMiddleware:
    """Show the page in the signed-in user's own language and zone (journal.preferences), else
    in the browser's language (LocaleMiddleware) and the zone cookie, else in TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = Preferences.of(request.user) if request.user.is_authenticated else None
        if chosen and chosen.language:
            translation.activate(chosen.language)  # LocaleMiddleware answers Content-Language from it
            request.LANGUAGE_CODE = chosen.language
        name = (chosen and chosen.time_zone) or request.COOKIES.get(VIEWER_TZ_COOKIE, settings.TIME_ZONE)
        try:
            zone = get_zone(name)
        except ValueError:
            zone = get_zone(settings.TIME_ZONE)
        request.viewer_zone = zone
        with timezone.override(zone):
            return self.get_response(request)


class NoStoreMiddleware:
    """Nothing the app answers is kept by a browser or proxy cache: pages, share pages, log
    downloads and ZIPs hold evidence. (Static files are answered by WhiteNoise before this.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RoleMiddleware:
    """Every write (a non-safe method), and every form page, that a signed-in user's role does
    not allow is refused with 403 before the view runs — one mechanism for every view
    (the rule is journal.roles.may_request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if not may_request(request.user, request.method, request.resolver_match.url_name):
            raise PermissionDenied(translation.gettext("Your role can read the journal but not change it."))
        return None


class RefusedUploadMiddleware:
    """Puts the file that ``journal.uploads.RefusingUploadHandler`` refused (too large) back
    in ``request.FILES`` as a ``RefusedUpload``, so the form reports the limit on its field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            files = request.FILES  # parses the body (if CSRF checking has not already)
            for field_name, placeholder in getattr(request, "refused_uploads", {}).items():
                files.setlist(field_name, [placeholder])
        return None
