"""The fuzz tier: generated malformed input through the real ASGI app and database.

Fixtures: `api` (the app with default settings, from tests/api), `hooks` (the app with
every webhook secret set) and `tally` (counts a test's generated cases and fails the
test if it ran fewer than it declared). The terminal summary prints the session's
case counts per fuzzer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from api.app import create_app
from api.runtime import runtime
from graph.db.store import Connection, GraphStore
from graph.settings import Settings
from tests.api.conftest import Api, api
from tests.fuzz.tally import CASES, OUTCOMES, Tally

__all__ = ["api"]  # re-exported: pytest finds the fixture in this module's namespace

GITHUB_SECRET, GITLAB_TOKEN, JIRA_SECRET = "fuzz-gh-secret", "fuzz-gl-token", "fuzz-jira-secret"


@pytest.fixture
async def hooks(connection: Connection, store: GraphStore) -> AsyncIterator[Api]:
    """The app with every webhook secret set, over a clean database."""
    settings = Settings(
        github_webhook_secret=GITHUB_SECRET,
        gitlab_webhook_token=GITLAB_TOKEN,
        jira_webhook_secret=JIRA_SECRET,
    )
    app = create_app(settings, connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield Api(client, runtime(app).store)


@pytest.fixture
def tally() -> Iterator[Tally]:
    """Counts the generated cases of one test; fails it if too few ran."""
    counted = Tally()
    yield counted
    assert counted.count >= counted.expected, (
        f"the {counted.fuzzer} fuzzer ran {counted.count} cases, expected {counted.expected}"
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many generated cases each fuzzer ran."""
    if CASES:
        counts = ", ".join(f"{name} {n} cases" for name, n in sorted(CASES.items()))
        terminalreporter.write_line(f"fuzz: {counts}")
    for name, seen in sorted(OUTCOMES.items()):
        shown = ", ".join(f"{what} x{n}" for what, n in seen.most_common())
        terminalreporter.write_line(f"fuzz {name} outcomes: {shown}")
