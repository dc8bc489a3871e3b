"""GraphQL output and input types; each maps a domain value with one `from_domain`."""
