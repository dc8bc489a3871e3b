"""The `monitoring` profile of docker-compose.yml, checked without Docker: the files
parse, are wired to each other, and the dashboard asks only for what /metrics exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from api.http.prometheus import SPEC

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
    # With the token the API requires off loopback, made by the one-off prometheus-token
    # service into the volume Prometheus mounts: no hand step.
    assert job["authorization"]["credentials_file"] == "/etc/prometheus/secrets/vsg-token"
    services = load(ROOT / "docker-compose.yml")["services"]
    assert "prometheus-secrets:/etc/prometheus/secrets:ro" in services["prometheus"]["volumes"]
    maker = services["prometheus-token"]
    assert maker["profiles"] == ["monitoring"]
    assert "prometheus-secrets:/secrets" in maker["volumes"]
    [script] = maker["command"]
    assert "vsg token create --name prometheus --role viewer" in script
    assert "/secrets/vsg-token" in script and "chown 65534:65534" in script
    assert maker["environment"]["VSG_NEO4J_URI"] == services["api"]["environment"]["VSG_NEO4J_URI"]
    waits = services["prometheus"]["depends_on"]["prometheus-token"]
    assert waits == {"condition": "service_completed_successfully"}
    interval, timeout = (
        int(config["global"][k].removesuffix("s")) for k in ("scrape_interval", "scrape_timeout")
    )
    assert timeout <= interval  # Prometheus refuses anything else


def test_the_dashboard_imports_anywhere_through_a_data_source_input() -> None:
    [source] = load(DEPLOY / "grafana/provisioning/datasources/prometheus.yml")["datasources"]
    assert source["url"] == "http://prometheus:9090" and source["isDefault"]
    [provider] = load(DEPLOY / "grafana/provisioning/dashboards/vsgraph.yml")["providers"]
    compose = load(ROOT / "docker-compose.yml")["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in compose
    dashboard = json.loads(DASHBOARD.read_text())
    # Imported (Dashboards > Import), Grafana asks which Prometheus to use for the input;
    # provisioned, the data-source variable of the same name takes the default one.
    [given] = dashboard["__inputs"]
    assert (given["name"], given["type"], given["pluginId"]) == (
        "DS_PROMETHEUS",
        "datasource",
        "prometheus",
    )
    [variable] = [v for v in dashboard["templating"]["list"] if v["type"] == "datasource"]
    assert (variable["name"], variable["query"]) == ("DS_PROMETHEUS", "prometheus")
    refs = [p["datasource"] for p in dashboard["panels"] if "datasource" in p]
    refs += [t["datasource"] for p in dashboard["panels"] for t in p.get("targets", [])]
    refs += [v["datasource"] for v in dashboard["templating"]["list"] if "datasource" in v]
    assert refs and all(r == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"} for r in refs)
    assert source["uid"] not in DASHBOARD.read_text()  # nothing hard-codes a data source


def expressions(dashboard: dict[str, Any]) -> list[str]:
    out = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    out += [v["query"]["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    return out


def test_the_dashboard_queries_only_metrics_and_labels_the_exposition_defines() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = expressions(dashboard)
    used = {name for e in exprs for name in METRIC.findall(e)}
    assert used <= set(SPEC), used - set(SPEC)
    # the constraint, the CFD, flow load, flow time, velocity, the DORA figures and levels
    assert {
        "vsg_constraint_info",
        "vsg_station_score",
        "vsg_stage_items",
        "vsg_flow_load",
        "vsg_flow_time_median_seconds",
        "vsg_flow_time_p85_seconds",
        "vsg_flow_velocity_items",
        "vsg_dora_deployments_per_day",
        "vsg_dora_lead_time_median_seconds",
        "vsg_dora_change_failure_rate",
        "vsg_dora_time_to_restore_median_seconds",
        "vsg_dora_level",
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
    titles = {p["title"] for p in dashboard["panels"]}
    assert {"Constraint of each value stream", "Cumulative flow (items per stage)"} <= titles
    assert "DORA levels" in titles
