"""Settings come from the environment with documented defaults and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.config import Settings
from orggraph.domain.service import ServiceKind, ServiceLimits


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ORGGRAPH_STORE", "NEO4J_URI", "ORGGRAPH_NEO4J_BOLT_PORT", "ORGGRAPH_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    settings = Settings.from_env()
    assert settings.store == "memory"
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.neo4j_uri == "bolt://127.0.0.1:7687"
    assert settings.data_dir == tmp_path / ".local/share/orggraph"
    assert (settings.policy.min_households, settings.policy.max_households) == (10, 15)
    assert settings.policy.min_yearly_points == 20


def test_local_bolt_port_moves_the_default_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ORGGRAPH_NEO4J_BOLT_PORT", "17687")
    assert Settings.from_env().neo4j_uri == "bolt://127.0.0.1:17687"


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("ORGGRAPH_STORE", "postgres", "ORGGRAPH_STORE"),
        ("ORGGRAPH_PORT", "eighty", "ORGGRAPH_PORT"),
        ("ORGGRAPH_MIN_HOUSEHOLDS", "20", "policy band"),
    ],
)
def test_bad_values_are_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=fragment):
        Settings.from_env()


def test_the_report_time_zone_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORGGRAPH_TIMEZONE", raising=False)
    assert Settings.from_env().report_timezone == "Asia/Shanghai"
    monkeypatch.setenv("ORGGRAPH_TIMEZONE", "Europe/Berlin")
    assert Settings.from_env().report_timezone == "Europe/Berlin"
    monkeypatch.setenv("ORGGRAPH_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="ORGGRAPH_TIMEZONE must be a time zone"):
        Settings.from_env()


def test_service_time_limits_and_points_are_policy_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORGGRAPH_SERVICE_LIMITS", "wish=2/3/10/5, 微诉求=0/1/2/1")
    monkeypatch.setenv("ORGGRAPH_SERVICE_POINTS", "dream=5")
    policy = Settings.from_env().policy
    limits = policy.limits()
    assert limits[ServiceKind.WISH] == ServiceLimits(2, 3, 10, 5)
    assert limits[ServiceKind.COMPLAINT] == ServiceLimits(0, 1, 2, 1)
    assert limits[ServiceKind.DREAM] == ServiceLimits(2, 3, 30, 7)  # the default kept
    assert (policy.points_for(ServiceKind.DREAM), policy.points_for(ServiceKind.WISH)) == (5, 2)


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("ORGGRAPH_SERVICE_LIMITS", "wish=1/2/7", "four whole days"),
        ("ORGGRAPH_SERVICE_LIMITS", "wish:1/2/7/3", "kind=value"),
        ("ORGGRAPH_SERVICE_LIMITS", "chore=1/2/7/3", "service kind 'chore'"),
        ("ORGGRAPH_SERVICE_POINTS", "wish=2000", "0..1000"),
    ],
)
def test_bad_service_policy_names_the_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name}: .*{fragment}"):
        Settings.from_env()
