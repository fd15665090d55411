"""The JSON API under /api/ (django-ninja), with per-user bearer tokens (see README, "JSON API")."""
