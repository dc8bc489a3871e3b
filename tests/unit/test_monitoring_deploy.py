"""The `monitoring` profile of docker-compose.yml, checked without Docker: the files
parse, are wired to each other, and the dashboard asks only for what /metrics exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from graph.exposition import SPEC

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "vsgraph.json"

METRIC = re.compile(r"\bvsg_[a-z0-9_]+\b")
SELECTOR = re.compile(r"\b(vsg_[a-z0-9_]+)\{([^}]*)\}")
MATCHER = re.compile(r"([a-z_]+)\s*(?:=~|!~|!=|=)")
GROUPING = re.compile(r"\b(?:by|on|without|group_left|group_right)\s*\(([^)]*)\)")
#: Labels Prometheus adds to every scraped series.
TARGET_LABELS = {"job", "instance"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def test_compose_runs_prometheus_and_grafana_in_the_monitoring_profile_only() -> None:
    services = load(ROOT / "docker-compose.yml")["services"]
    assert services["prometheus"]["profiles"] == ["monitoring"]
    assert services["grafana"]["profiles"] == ["monitoring"]
    assert "profiles" not in services["api"] and "profiles" not in services["neo4j"]
    # Every file the two services mount is in the repository.
    for name in ("prometheus", "grafana"):
        for volume in services[name]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), volume


def test_prometheus_scrapes_the_api() -> None:
    config = load(DEPLOY / "prometheus" / "prometheus.yml")
    [job] = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"] == [{"targets": ["api:8000"]}]
    # With the token the API requires off loopback, from the directory compose mounts.
    assert job["authorization"]["credentials_file"] == "/etc/prometheus/secrets/vsg-token"
    mounts = load(ROOT / "docker-compose.yml")["services"]["prometheus"]["volumes"]
    assert "./deploy/prometheus/secrets:/etc/prometheus/secrets:ro" in mounts
    interval, timeout = (
        int(config["global"][k].removesuffix("s")) for k in ("scrape_interval", "scrape_timeout")
    )
    assert timeout <= interval  # Prometheus refuses anything else


def test_grafana_provisions_the_datasource_the_dashboard_uses() -> None:
    [source] = load(DEPLOY / "grafana/provisioning/datasources/prometheus.yml")["datasources"]
    assert source["url"] == "http://prometheus:9090"
    [provider] = load(DEPLOY / "grafana/provisioning/dashboards/vsgraph.yml")["providers"]
    compose = load(ROOT / "docker-compose.yml")["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in compose
    dashboard = json.loads(DASHBOARD.read_text())
    uids = {t["datasource"]["uid"] for p in dashboard["panels"] for t in p.get("targets", [])}
    assert uids == {source["uid"]}


def expressions(dashboard: dict[str, Any]) -> list[str]:
    out = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    out += [v["query"]["query"] for v in dashboard["templating"]["list"]]
    return out


def test_the_dashboard_queries_only_metrics_and_labels_the_exposition_defines() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = expressions(dashboard)
    used = {name for e in exprs for name in METRIC.findall(e)}
    assert used <= set(SPEC), used - set(SPEC)
    # flow load per stage, flow time quantiles, velocity and the four DORA figures
    assert {
        "vsg_flow_load",
        "vsg_flow_time_days",
        "vsg_flow_velocity_items",
        "vsg_dora_deployments_per_day",
        "vsg_dora_lead_time_hours",
        "vsg_dora_change_failure_rate",
        "vsg_dora_time_to_restore_hours",
    } <= used
    for e in exprs:
        for name, matchers in SELECTOR.findall(e):
            labels = set(MATCHER.findall(matchers))
            assert labels <= set(SPEC[name].labels), (e, labels)
        known = {label for name in METRIC.findall(e) for label in SPEC[name].labels}
        for group in GROUPING.findall(e):
            labels = {x.strip() for x in group.split(",") if x.strip()}
            assert labels <= known | TARGET_LABELS, (e, labels)
    # The variables the queries use are defined.
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {v for e in exprs for v in re.findall(r"\$(\w+)", e)} <= variables
