"""Exports and feeds: an incident as a Markdown postmortem, incidents and events as CSV, and
iCalendar and Atom feeds of incidents at secret-token URLs (journal.exports.tokens)."""
