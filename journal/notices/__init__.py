"""What a provider's notice claims, read the way providers write notices.

Pure functions over text (no ORM). ``parse_notice`` returns a ``Claim``: every window the
notice states (``windows``: incident, maintenance, update-history or duration, each with the
lines it came from), the one taken for the incident (``chosen``: never a maintenance window
when an incident window is written), the status-page updates with their posted times, target
and cause, and ``reasons`` the reader is unsure (``unsure``/``confidence``). What cannot be
read is left empty: the notice itself is always kept verbatim, and the user confirms.

Modules: ``labels`` (labelled fields, status updates), ``times`` (dates, times, durations),
``zones`` (offsets, abbreviations, DST checks), ``reader`` (windows and the choice).
"""

from journal.notices.reader import Claim, Update, Window, parse_notice

__all__ = ["Claim", "Update", "Window", "parse_notice"]
