"""A page on another site, in real Chromium, against vsgraph on loopback without tokens:
its cross-site writes and its DNS-rebinding reads are refused, and nothing is written.

The driver is tests/browser/attack.mjs; the attacker's page is served by a server of
its own on another port, under a name that resolves to 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import threading
import uuid
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from graph.db.embedded import free_port
from graph.db.store import GraphStore
from graph.model import Label
from graph.read.entities import COUNT
from graph.tokens import list_tokens
from tests.browser.conftest import Site
from tests.factories import ndjson, node

pytestmark = [pytest.mark.browser, pytest.mark.db]

ATTACK = Path(__file__).resolve().parent / "attack.mjs"
ATTACK_PAGE = """<!doctype html><title>a page on another site</title>
<iframe name="sink" style="width:1px;height:1px"></iframe>"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def attacker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A server of the attacker's page (attack.html) on a free loopback port."""
    root = tmp_path_factory.mktemp("attacker")
    (root / "attack.html").write_text(ATTACK_PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), partial(_Quiet, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _attack(site: Site, attacker: int, team: str) -> dict[str, Any]:
    port = site.base.rsplit(":", 1)[1]
    spec = {
        "base": site.base,
        "attacker": f"http://attacker.test:{attacker}",
        "rebind": f"http://rebind.test:{port}",
        "ndjson": ndjson([node("Team", team, name="planted by another site")]),
    }
    done = subprocess.run(
        ["node", str(ATTACK), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.stdout, f"driver printed nothing: {done.stderr}"
    found: dict[str, Any] = json.loads(done.stdout)
    assert "error" not in found, found["error"]
    return found


async def test_another_site_can_neither_write_nor_read_through_the_browser(
    site: Site, attacker: int, session_store: GraphStore
) -> None:
    teams = (await session_store.read(COUNT[Label.TEAM]))[0]["total"]
    tokens = len(await list_tokens(session_store))
    team = f"attack-{uuid.uuid4().hex[:8]}"

    found = _attack(site, attacker, team)

    # Cross-site: every request reached vsgraph and was refused (403 or 415), or the
    # browser itself stopped it (the CORS preflight of the JSON POST is not allowed).
    cross = found["crossSite"]["seen"]
    reached = [s for s in cross if "status" in s]
    assert len(reached) >= 5, cross  # 3 no-cors fetches, 2 forms, the preflight
    assert all(400 <= s["status"] < 500 for s in reached), cross
    posts = [s for s in reached if s["method"] == "POST"]
    assert len(posts) >= 5, cross
    assert {s["status"] for s in posts} <= {403, 415}, cross

    # Rebinding: the same requests under the attacker's name are refused for the name.
    rebind = found["rebind"]["script"]
    assert [r["status"] for r in rebind] == [400, 400, 400, 400], rebind
    assert all("VSG_ALLOWED_HOSTS" in r["body"] for r in rebind), rebind
    assert not any("secret" in r["body"] and "vsg_" in r["body"] for r in rebind)

    # The control: under vsgraph's own name the read is answered, so the refusals above
    # are the Host check's; a same-origin POST without the pages' token is still refused.
    control = {r["path"].split("?")[0]: r for r in found["control"]["script"]}
    assert control["/graphql"]["status"] == 403, control  # the POST (later entry wins)
    read = found["control"]["script"][0]
    assert read["status"] == 200 and '"workItems"' in read["body"], read

    # Nothing was written: no team, no token.
    assert (await session_store.read(COUNT[Label.TEAM]))[0]["total"] == teams
    assert len(await list_tokens(session_store)) == tokens
