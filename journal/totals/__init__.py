"""Stored totals: each incident's and each service's downtime kept beside the evidence, so the
lists, dashboard, provider, service, scorecard and compare pages read a row instead of every
event. A cache written by journal.downtime (never a second implementation):

- ``models``: the cache tables (IncidentTotals, ServiceDowntime, ServiceMonth, ContactTotals);
- ``months``: what a service's stored months hold, per calendar month in its zone (the
  scorecard and compare pages read months and services, not incidents);
- ``store``: what is stored (plain values in, plain values out) and the refresh that writes it,
  called from ``signals`` in the same transaction as any change to the evidence;
- ``contacts``: what the scorecard counts of each support contact (opened within its
  channel's hours, time to the first response), kept the same way;
- ``read``: what the pages read from it.
"""
