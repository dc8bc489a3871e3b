"""Settings from the environment: one variable per field, its default written once."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from graph.settings import ConfigError, Settings


def test_every_field_has_its_variable_and_unset_or_empty_keeps_the_default() -> None:
    assert Settings.from_env({}) == Settings()
    empty = {"VSG_" + setting.name.upper(): "" for setting in fields(Settings)}
    assert Settings.from_env(empty) == Settings()
    assert Settings.from_env({"VSG_NEO4J_USER": "  "}).neo4j_user == "neo4j"


def test_values_are_read_as_their_fields_types() -> None:
    settings = Settings.from_env(
        {
            "VSG_PORT": "9000",
            "VSG_QUERY_TIMEOUT_SECONDS": "2.5",
            "VSG_DATA_DIR": "/srv/vsg",
            "VSG_METRICS_PUBLIC": "yes",
            "VSG_GRAPHQL_INTROSPECTION": "off",
            "VSG_AUTH": " Required",
            "VSG_ALLOWED_HOSTS": "Vsg.Example:443, [::1]:8000",
            "VSG_READ_CONCURRENCY": "auto",
            "VSG_JIRA_URL": "https://jira.example",
        }
    )
    assert settings.port == 9000
    assert settings.query_timeout_seconds == 2.5
    assert settings.data_dir == Path("/srv/vsg")
    assert settings.metrics_public is True
    assert settings.graphql_introspection is False
    assert settings.auth == "required"
    assert settings.allowed_hosts == ("vsg.example", "::1")
    assert settings.read_concurrency is None
    assert settings.jira_url == "https://jira.example"


@pytest.mark.parametrize(
    ("variable", "raw", "message"),
    [
        ("VSG_PORT", "eighty", "VSG_PORT must be an integer, got 'eighty'"),
        ("VSG_WRITE_TIMEOUT_SECONDS", "soon", "VSG_WRITE_TIMEOUT_SECONDS must be a number"),
        ("VSG_METRICS_PUBLIC", "maybe", "VSG_METRICS_PUBLIC must be true or false"),
        ("VSG_READ_CONCURRENCY", "many", "VSG_READ_CONCURRENCY must be an integer"),
        ("VSG_AUTH", "sometimes", "VSG_AUTH must be one of auto, required, off"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({variable: raw})
