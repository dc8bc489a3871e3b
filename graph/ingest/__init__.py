"""Ingest: the record format, batch validation and idempotent batched writes."""
