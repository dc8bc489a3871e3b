"""Tool formats turned into ingest records: Jira, incidents, feedback (and git hosts).

Each source is a pure function from a vendor payload (the bytes of an export file) and a
`SourceMapping` to `Converted` records; nothing here touches the database. The records
then go through the normal validated, idempotent ingest (graph/ingest/service.py).
`registry.SOURCES` names every source; docs/sources.md describes each one.
"""
