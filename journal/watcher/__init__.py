"""The status-page watcher: a provider's status sources (an Atlassian Statuspage, an Atom/RSS
feed or a plain HTML page) polled on the task worker; every new version of a notice is kept
verbatim with its SHA-256, then offered to the matching incident or as a new one.

Modules: ``models`` (sources, items, versions), ``fetch`` (one bounded conditional GET),
``parse`` (documents into notices), ``poll`` (a poll: fetch, store versions, back off),
``offers`` (matching incidents, attaching), ``diff`` (what changed between versions),
``tasks`` (the background task and the scheduler's "enqueue what is due").
"""
