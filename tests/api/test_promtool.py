"""`promtool check metrics` on the live `GET /metrics`: what Prometheus itself lints.

promtool comes from Debian's `prometheus` package; `make test` installs it
(scripts/bootstrap.sh --dev). It checks names, types, units (base units only: seconds,
not hours or days), that only summaries and histograms carry a `quantile` or `le`
label, and that counters end in `_total`.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.api.conftest import Api
from tests.api.test_prometheus import load_org

pytestmark = pytest.mark.db

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


async def test_promtool_finds_nothing_to_complain_about(api: Api) -> None:
    if not shutil.which(PROMTOOL):
        pytest.fail("promtool is missing: sudo apt-get install -y prometheus (or make test)")
    await load_org(api)
    response = await api.client.get("/metrics")
    assert response.status_code == 200, response.text
    # Every kind of family has samples: a lint of empty families would prove little.
    for family in ("vsg_constraint_info", "vsg_dora_level", "vsg_flow_time_p85_seconds"):
        assert f"\n{family}{{" in response.text, family
    result = subprocess.run(
        [PROMTOOL, "check", "metrics"],
        input=response.text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == ""
