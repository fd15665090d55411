"""Monitor webhooks: secret ingest URLs per service that turn Uptime Kuma, Healthchecks.io and
Prometheus Alertmanager messages into timeline events (see README, "Monitor webhooks")."""
