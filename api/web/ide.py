"""The GraphQL IDE page (GraphiQL), served with its assets from this package, no CDN."""

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent

STATIC_DIR: Path = _HERE / "static"
"""Files the app serves under `/static`, including the vendored GraphiQL assets."""

#: Where the page takes this process's CSRF token (api/http/guard.py).
CSRF_PLACEHOLDER = "__VSG_CSRF__"


@cache
def _template() -> str:
    return (_HERE / "graphiql.html").read_text(encoding="utf-8")


def graphiql_html(csrf: str) -> str:
    """Return the GraphiQL page, which loads its assets from `/static`, queries `/graphql`
    and sends the token `csrf` with every request."""
    return _template().replace(CSRF_PLACEHOLDER, csrf)
