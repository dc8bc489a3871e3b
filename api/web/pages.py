"""The pages (home, explorer, dashboard, analyses): static HTML that loads its script and
the vendored libraries from `/static` and reads everything through `/graphql`."""

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.runtime import runtime
from api.web.ide import CSRF_PLACEHOLDER

_HERE = Path(__file__).resolve().parent


@cache
def _page(name: str) -> str:
    return (_HERE / f"{name}.html").read_text(encoding="utf-8")


def page_html(name: str, csrf: str) -> str:
    """The page `name` (home, explorer, dashboard, analysis, graphiql) carrying `csrf`."""
    return _page(name).replace(CSRF_PLACEHOLDER, csrf)


def _respond(request: Request, name: str) -> HTMLResponse:
    # No caching: the token changes with every start of the server.
    return HTMLResponse(
        page_html(name, runtime(request).csrf_token), headers={"Cache-Control": "no-store"}
    )


async def explorer(request: Request) -> HTMLResponse:
    """The graph explorer (`/explorer?node=Label:key` opens on that node)."""
    return _respond(request, "explorer")


async def dashboard(request: Request) -> HTMLResponse:
    """The value-stream dashboard."""
    return _respond(request, "dashboard")


async def home(request: Request) -> HTMLResponse:
    """The home page: every page, and the organisation's value streams with links."""
    return _respond(request, "home")


async def analysis(request: Request) -> HTMLResponse:
    """The analyses of a value stream (`/analysis?stream=ValueStream:key`)."""
    return _respond(request, "analysis")
