"""The explorer and dashboard pages: static HTML that loads its script and the vendored
libraries from `/static` and reads everything through `/graphql`."""

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse

_HERE = Path(__file__).resolve().parent


@cache
def _page(name: str) -> str:
    return (_HERE / f"{name}.html").read_text(encoding="utf-8")


async def explorer(request: Request) -> HTMLResponse:
    """The graph explorer (`/explorer?node=Label:key` opens on that node)."""
    return HTMLResponse(_page("explorer"))


async def dashboard(request: Request) -> HTMLResponse:
    """The value-stream dashboard."""
    return HTMLResponse(_page("dashboard"))
