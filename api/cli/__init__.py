"""The `vsg` command: `main.py` parses the arguments and runs one of the subcommands, each
in its own module; `database.py` gives a command its database (the configured Neo4j, or
the embedded default)."""
