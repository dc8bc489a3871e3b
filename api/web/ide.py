"""The GraphQL IDE page (GraphiQL), served with its assets from this package, no CDN."""

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent

STATIC_DIR: Path = _HERE / "static"
"""Files the app serves under `/static`, including the vendored GraphiQL assets."""


@cache
def graphiql_html() -> str:
    """Return the GraphiQL page, which loads its assets from `/static` and queries `/graphql`."""
    return (_HERE / "graphiql.html").read_text(encoding="utf-8")
