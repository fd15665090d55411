from django.conf import settings
from django.utils import timezone

from journal.timezones import get_zone

VIEWER_TZ_COOKIE = "viewer_tz"


class ViewerTimeZoneMiddleware:
    """Show times in the zone the viewer chose (a cookie), else in settings.TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            zone = get_zone(request.COOKIES.get(VIEWER_TZ_COOKIE, settings.TIME_ZONE))
        except ValueError:
            zone = get_zone(settings.TIME_ZONE)
        request.viewer_zone = zone
        with timezone.override(zone):
            return self.get_response(request)
